"""The SDK's operations, run against scripted gateway answers: sign-in, session renewal,
waiting out rate limits, typed refusals, signed transactions and their waiting."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.typed_transactions import TypedTransaction
from eth_utils import keccak
from hexbytes import HexBytes

from client.contracts import system_address
from client.mediation import proposal_hash
from client.sdk import (
    Classification,
    GrantRequest,
    InvalidRequest,
    InvalidToken,
    Outcome,
    ProductStatus,
    RateLimited,
    Right,
    SignInRefused,
    TransactionFailed,
    TransactionPending,
    Unauthorized,
)
from client.sdk.calls import ContractCall
from tests.support.scripted_gateway import (
    CHAIN_ID,
    ScriptedGateway,
    challenge_for,
    ok,
    problem,
    token_for,
)

ACCOUNT = Account.from_key(keccak(text="sdk unit account"))
ME = {
    "address": ACCOUNT.address,
    "regulator": False,
    "regulatorRoot": False,
    "exchange": None,
    "participant": {"homeExchange": "SZDE", "roles": ["buyer"]},
}
CHAIN = {"chainId": CHAIN_ID, "genesisHash": "0x" + "11" * 32,
         "head": {"number": 9, "hash": "0x" + "22" * 32, "timestamp": 1_700_000_000}}  # fmt: skip
TX_HASH = "0x" + "ab" * 32


def signed_in(*answers: object, **options: object) -> ScriptedGateway:
    """A client whose first two answers sign it in."""
    script = [challenge_for(ACCOUNT.address), token_for(ACCOUNT.address), *answers]
    return ScriptedGateway(script, ACCOUNT, **options)  # type: ignore[arg-type]


def decoded(raw: bytes) -> dict[str, Any]:
    return dict(TypedTransaction.from_bytes(HexBytes(raw)).as_dict())


def status(state: str, **fields: object) -> dict[str, object]:
    return {"transactionHash": TX_HASH, "status": state, "events": [], **fields}


def test_the_first_call_needing_a_session_signs_in_first() -> None:
    gateway = signed_in(ok(ME))
    identity = gateway.me()
    assert gateway.sent() == [
        ("POST", "/v1/auth/challenge"),
        ("POST", "/v1/auth/login"),
        ("GET", "/v1/me"),
    ]
    assert (identity.home_exchange, identity.roles) == ("SZDE", ("buyer",))
    assert dict(gateway.requests[2].headers)["Authorization"] == "Bearer token-1"


def test_the_login_signs_the_challenge_with_the_account() -> None:
    gateway = signed_in(ok(ME))
    gateway.me()
    login = gateway.requests[1].body
    assert login["message"] == challenge_for(ACCOUNT.address).json()["message"]
    recovered = Account.recover_message(
        encode_defunct(text=login["message"]), signature=login["signature"]
    )
    assert recovered == ACCOUNT.address


def test_a_challenge_naming_another_account_is_not_signed() -> None:
    other = Account.from_key(keccak(text="someone else")).address
    gateway = ScriptedGateway([challenge_for(other)], ACCOUNT)
    with pytest.raises(SignInRefused):
        gateway.sign_in()
    assert gateway.sent() == [("POST", "/v1/auth/challenge")]


def test_a_challenge_for_another_site_is_not_signed() -> None:
    gateway = ScriptedGateway([challenge_for(ACCOUNT.address, "phishing.test")], ACCOUNT)
    with pytest.raises(SignInRefused):
        gateway.sign_in()
    assert gateway.sent() == [("POST", "/v1/auth/challenge")]


def test_an_expired_token_is_renewed_once_and_the_request_repeated() -> None:
    gateway = signed_in(
        problem(401, "invalid-token", "the token expired; sign in again"),
        challenge_for(ACCOUNT.address),
        token_for(ACCOUNT.address, "token-2"),
        ok(ME),
    )
    assert gateway.me().address == ACCOUNT.address
    assert gateway.sent()[2:] == [
        ("GET", "/v1/me"),
        ("POST", "/v1/auth/challenge"),
        ("POST", "/v1/auth/login"),
        ("GET", "/v1/me"),
    ]
    assert dict(gateway.requests[-1].headers)["Authorization"] == "Bearer token-2"


def test_a_token_is_renewed_even_when_no_retries_are_allowed() -> None:
    gateway = signed_in(
        problem(401, "invalid-token", "the token expired; sign in again"),
        challenge_for(ACCOUNT.address),
        token_for(ACCOUNT.address, "token-2"),
        ok(ME),
        max_retries=0,
    )
    assert gateway.me().address == ACCOUNT.address


def test_a_token_refused_again_after_renewal_is_an_error() -> None:
    refused = problem(401, "invalid-token", "the token was not issued by this gateway")
    gateway = signed_in(
        refused, challenge_for(ACCOUNT.address), token_for(ACCOUNT.address), refused
    )
    with pytest.raises(InvalidToken) as error:
        gateway.me()
    assert error.value.detail == "the token was not issued by this gateway"


def test_without_account_or_token_the_gateway_says_unauthorized() -> None:
    gateway = ScriptedGateway([problem(401, "unauthorized", "sign in")])
    with pytest.raises(Unauthorized):
        gateway.me()
    assert gateway.requests[0].headers == ()


def test_a_rate_limited_request_waits_retry_after_and_is_repeated() -> None:
    limited = problem(429, "rate-limited", "slow down", headers={"retry-after": "3"})
    gateway = signed_in(limited, ok(ME))
    gateway.me()
    assert gateway.sleeps == [3.0]
    assert gateway.sent()[2:] == [("GET", "/v1/me"), ("GET", "/v1/me")]


def test_rate_limiting_beyond_the_retries_is_an_error() -> None:
    limited = problem(429, "rate-limited", "slow down", headers={"retry-after": "1"})
    gateway = signed_in(limited, limited, limited, max_retries=2)
    with pytest.raises(RateLimited) as error:
        gateway.me()
    assert (gateway.sleeps, error.value.retry_after) == ([1.0, 1.0], 1)


def test_a_refusal_raises_its_type_with_the_field_errors() -> None:
    refused = problem(
        400, "invalid-request", "query.limit: expected an integer from 1 to 100",
        errors=[{"field": "query.limit", "message": "expected an integer from 1 to 100"}],
    )  # fmt: skip
    gateway = signed_in(refused)
    with pytest.raises(InvalidRequest) as error:
        gateway.orders(limit=1000)
    assert [(e.field, e.message) for e in error.value.errors] == [
        ("query.limit", "expected an integer from 1 to 100")
    ]
    assert error.value.title == "The request is malformed"


def test_search_sends_every_filter_as_the_gateway_names_it() -> None:
    gateway = signed_in(ok({"items": [], "next": None}))
    page = gateway.search_products(
        text="port daily", exchange="SHDE", category=bytes(range(32)),
        classification=Classification.GENERAL, rights=[Right.OPERATION, Right.HOLDING],
        status=ProductStatus.LISTED, cursor="abc", limit=5,
    )  # fmt: skip
    assert (page.items, page.next) == ((), None)
    assert gateway.requests[2].params == (
        ("q", "port daily"),
        ("exchange", "SHDE"),
        ("category", "0x" + bytes(range(32)).hex()),
        ("classification", "general"),
        ("rights", "holding,operation"),
        ("status", "listed"),
        ("cursor", "abc"),
        ("limit", "5"),
    )


def transact(gateway: ScriptedGateway, call: ContractCall | None = None, **kw: bool) -> object:
    return gateway.transact(call or ContractCall("TradeSettlement", "accept", (7,)), **kw)


def test_a_write_is_signed_locally_with_the_pending_nonce_and_relayed() -> None:
    gateway = signed_in(
        ok(CHAIN), ok({"address": ACCOUNT.address, "nonce": 4}),
        ok(status("succeeded", block=10, function="TradeSettlement.accept")),
    )  # fmt: skip
    result = transact(gateway)
    assert gateway.sent()[2:] == [
        ("GET", "/v1/chain"),
        ("GET", f"/v1/accounts/{ACCOUNT.address}"),
        ("POST", "/v1/transactions"),
    ]
    relay = gateway.requests[-1]
    assert relay.params == (("wait", "true"),)
    raw = bytes.fromhex(relay.body["raw"][2:])
    fields = decoded(raw)
    assert (fields["chainId"], fields["nonce"], fields["to"], fields["maxFeePerGas"]) == (
        CHAIN_ID, 4, bytes.fromhex(system_address("TradeSettlement")[2:]), 0,
    )  # fmt: skip
    assert Account.recover_transaction(raw) == ACCOUNT.address
    assert result.status == "succeeded"  # type: ignore[attr-defined]


def test_consecutive_writes_take_consecutive_nonces_even_before_the_pool_shows_them() -> None:
    nonce = ok({"address": ACCOUNT.address, "nonce": 4})
    gateway = signed_in(ok(CHAIN), nonce, ok(status("pending")), nonce, ok(status("pending")))
    transact(gateway, wait=False)
    transact(gateway, wait=False)
    nonces = [
        decoded(bytes.fromhex(r.body["raw"][2:]))["nonce"]
        for r in gateway.requests
        if r.path == "/v1/transactions"
    ]
    assert nonces == [4, 5]
    assert gateway.sent().count(("GET", "/v1/chain")) == 1


def test_a_write_still_pending_after_the_gateways_wait_is_polled() -> None:
    gateway = signed_in(
        ok(CHAIN), ok({"address": ACCOUNT.address, "nonce": 0}), ok(status("pending"), 202),
        ok(status("pending")), ok(status("succeeded", block=12)),
    )  # fmt: skip
    assert transact(gateway).block == 12  # type: ignore[attr-defined]
    assert gateway.sleeps == [1.0, 1.0]
    assert gateway.sent()[-2:] == [("GET", f"/v1/transactions/{TX_HASH}")] * 2


def test_a_write_never_included_is_reported_pending() -> None:
    gateway = signed_in(
        ok(CHAIN), ok({"address": ACCOUNT.address, "nonce": 0}), ok(status("pending"), 202),
        ok(status("pending")), ok(status("pending")), wait_timeout=2.0,
    )  # fmt: skip
    with pytest.raises(TransactionPending) as error:
        transact(gateway)
    assert error.value.transaction_hash == TX_HASH


def test_a_reverted_write_raises_with_its_status() -> None:
    gateway = signed_in(
        ok(CHAIN), ok({"address": ACCOUNT.address, "nonce": 0}),
        ok(status("failed", block=11, function="TradeSettlement.accept")),
    )  # fmt: skip
    with pytest.raises(TransactionFailed) as error:
        transact(gateway)
    assert (error.value.status.block, error.value.status.function) == (
        11,
        "TradeSettlement.accept",
    )


def test_a_quote_names_the_listing_as_it_stands_and_both_exchanges_rates() -> None:
    product = {
        "productId": 3, "supplier": ACCOUNT.address, "listingExchange": "SHDE", "version": 2,
        "status": "listed", "suspendedByRegulator": False, "complianceEvaluator": ACCOUNT.address,
        "contentHash": "0x" + "00" * 32, "updatedInBlock": 5,
        "recognition": {"byDefault": "every active exchange", "notRecognisedBy": []},
        "terms": {
            "title": "t", "category": "0x" + "01" * 32, "productType": "api",
            "classification": "general", "personalInformation": False, "source": "enterprise",
            "rights": ["processing-use"], "priceModel": "fixed", "unitPrice": "990",
            "currency": "CNY", "complianceReportHash": "0x" + "00" * 32,
            "metadataHash": "0x" + "02" * 32, "metadataUri": "u", "exportAllowed": False,
            "deliveryAccount": ACCOUNT.address,
        },
    }  # fmt: skip

    def exchange(code: str, listing: int, buyers: int) -> dict[str, object]:
        return {"code": code, "name": code, "city": "c", "operators": [], "observers": [],
                "validator": ACCOUNT.address, "status": "active",
                "fees": {"listingFeeBps": listing, "buyerExchangeFeeBps": buyers}}  # fmt: skip

    gateway = signed_in(ok(product), ok(exchange("SHDE", 250, 100)), ok(exchange("SZDE", 200, 150)))
    grant = GrantRequest(Right.PROCESSING_USE, "CREDIT-RISK", 10, 20)
    quote = gateway.quote_order(3, buyer_exchange="SZDE", grant=grant, contract_hash=bytes(32),
                                quantity=4)  # fmt: skip
    assert (quote.version, quote.unit_price, quote.currency, quote.amount) == (2, 990, "CNY", 3960)
    assert (quote.listing_fee_bps, quote.buyer_exchange_fee_bps) == (250, 150)
    assert gateway.sent()[2:] == [
        ("GET", "/v1/products/3"),
        ("GET", "/v1/exchanges/SHDE"),
        ("GET", "/v1/exchanges/SZDE"),
    ]


def test_accepting_a_mediation_signs_the_hash_of_exactly_the_stated_terms() -> None:
    gateway = signed_in(
        ok(CHAIN), ok({"address": ACCOUNT.address, "nonce": 0}), ok(status("succeeded"))
    )
    gateway.accept_mediation(7, Outcome.PARTIAL, 500, b"\x05" * 32, 2, bill=1)
    raw = bytes.fromhex(gateway.requests[-1].body["raw"][2:])
    data = decoded(raw)["data"]
    assert (
        bytes(data)
        == ContractCall(
            "TradeSettlement",
            "acceptMediation",
            (7, 1, proposal_hash(7, 1, 2, 500, b"\x05" * 32, 2)),
        ).calldata()
    )
