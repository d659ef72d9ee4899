"""Relaying signed transactions: refused before the pool when the caller's role does not allow
the call, relayed and waited for otherwise (a real node, real keys, real HTTP)."""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount

from tests.support.gateway_market import GatewayMarket, h, order_request
from tests.support.market_node import operator, participant

CHAIN_ID = 1337


def signed(market: GatewayMarket, account: LocalAccount, call: Any) -> str:
    """``call`` signed by ``account`` at its next nonce, with zero fees, as 0x hex."""
    w3 = market.market.w3
    transaction = call.build_transaction(
        {
            "from": account.address,
            "nonce": w3.eth.get_transaction_count(account.address, "pending"),
            "gas": 3_000_000,
            "maxFeePerGas": 0,
            "maxPriorityFeePerGas": 0,
            "chainId": CHAIN_ID,
        }
    )
    return "0x" + account.sign_transaction(transaction).raw_transaction.hex()


def submit(market: GatewayMarket, account: LocalAccount, raw: str, wait: bool = False) -> Any:
    token = market.gateway.sign_in(account)
    path = "/v1/transactions" + ("?wait=true" if wait else "")
    return market.gateway.post(path, {"raw": raw}, token)


def test_a_buyer_orders_through_the_gateway_and_gets_the_decoded_event(
    market: GatewayMarket,
) -> None:
    buyer = participant(4)
    call = market.market.contract("TradeSettlement").functions.createOrder(
        order_request(market.market, 4)
    )
    response = submit(market, buyer, signed(market, buyer, call), wait=True)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["status"], answer["function"]) == ("succeeded", "TradeSettlement.createOrder")
    created = [e for e in answer["events"] if e["event"] == "OrderCreated"]
    assert [(e["args"]["order"]["productId"], e["parties"]) for e in created] == [
        (4, sorted([buyer.address, market.seller.address]))
    ]
    status = market.gateway.get(
        "/v1/transactions/" + answer["transactionHash"], market.gateway.sign_in(buyer)
    )
    assert (status.status_code, status.json()["block"]) == (200, answer["block"])


def test_a_call_outside_the_callers_roles_is_refused_before_the_pool(
    market: GatewayMarket,
) -> None:
    buyer = market.buyer
    call = market.market.contract("DataProductRegistry").functions.approve(2, 1)
    raw = signed(market, buyer, call)
    response = submit(market, buyer, raw)
    assert (response.status_code, response.json()["type"]) == (403, "urn:dcl:problem:forbidden")
    assert response.json()["detail"] == (
        "DataProductRegistry.approve needs one of the roles operator;"
        f" {buyer.address} holds anyone, buyer, participant"
    )
    tx_hash = market.market.w3.keccak(hexstr=raw).hex()
    unknown = market.gateway.get("/v1/transactions/0x" + tx_hash.removeprefix("0x"),
                                 market.gateway.sign_in(buyer))  # fmt: skip
    assert unknown.status_code == 404
    assert market.market.w3.eth.get_transaction_count(buyer.address, "pending") == 1


def test_a_transaction_signed_by_another_account_is_refused(market: GatewayMarket) -> None:
    call = market.market.contract("TradeSettlement").functions.setFeeSchedule(1, 1)
    raw = signed(market, operator("SHDE"), call)
    response = submit(market, market.buyer, raw)
    assert (response.status_code, response.json()["detail"]) == (
        403,
        f"the transaction is signed by {operator('SHDE').address},"
        f" not by the signed-in {market.buyer.address}",
    )


def test_a_transaction_to_another_contract_is_refused(market: GatewayMarket) -> None:
    buyer = market.buyer
    raw = "0x" + buyer.sign_transaction(
        {"to": buyer.address, "nonce": 0, "gas": 21_000, "maxFeePerGas": 0,
         "maxPriorityFeePerGas": 0, "chainId": CHAIN_ID, "value": 0}
    ).raw_transaction.hex()  # fmt: skip
    response = submit(market, buyer, raw)
    assert (response.status_code, response.json()["detail"]) == (
        400,
        f"{buyer.address} is not a system contract",
    )


def test_malformed_bytes_are_a_field_error(market: GatewayMarket) -> None:
    response = submit(market, market.buyer, "0xf8")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["body.raw"]


def test_a_suspended_participant_loses_its_roles_at_once(market: GatewayMarket) -> None:
    evaluator = participant(2)
    token = market.gateway.sign_in(evaluator)
    assert market.gateway.get("/v1/me", token).json()["participant"]["roles"] == ["evaluator"]
    registry = market.market.contract("ParticipantRegistry").functions
    market.market.send(registry.suspend(evaluator.address, h("audit")), operator("SHDE"))
    assert market.gateway.get("/v1/me", token).json()["participant"] is None
    call = market.market.contract("DataProductRegistry").functions.attestCompliance(2, 1, h("r"))
    response = market.gateway.post(
        "/v1/transactions", {"raw": signed(market, evaluator, call)}, token
    )
    assert (response.status_code, response.json()["detail"]) == (
        403,
        f"account not permitted: {evaluator.address} may not transact: it is a suspended"
        " participant",
    )
    market.market.send(registry.reinstate(evaluator.address), operator("SHDE"))


def test_an_unregistered_account_is_refused_as_json_rpc_refuses_it(market: GatewayMarket) -> None:
    stranger = participant(19)
    call = market.market.contract("TradeSettlement").functions.createOrder(
        order_request(market.market, 4)
    )
    response = submit(market, stranger, signed(market, stranger, call))
    assert (response.status_code, response.json()["detail"]) == (
        403,
        f"account not permitted: {stranger.address} is not registered (no operator of an"
        " active exchange, regulator, regulator root or active participant)",
    )
