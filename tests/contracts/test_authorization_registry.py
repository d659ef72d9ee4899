"""AuthorizationRegistry: direct and order grants, revocation, and use recorded by the delivering
side within the window and the use limit (with hypothesis properties for the limits).
Runs on a seated AuthorizationRegistry (``registry_market.deploy_market(seated=True)``), so that
the guards of the two calls only TradeSettlement may make can be reached directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.contracts.registry_market import (
    BUYER,
    HOLDING,
    IMPORTANT,
    OPERATION,
    PERSONAL,
    PROCESSING_USE,
    SUPPLIER,
    A,
    Market,
    deploy_market,
    h,
    isolation,
    listing_terms,
    proxy_constructor,
    register,
)

NONE, ACTIVE, REVOKED = range(3)
BY_GRANTOR, BY_REGULATOR, BY_REFUND = range(3)
SUSPENDED_PRODUCT = 4
ZERO = "0x" + "00" * 20
GRANT_FIELDS = ("terms", "grantor", "orderId", "status", "uses")
START = 100_000
"""Grant windows open this many seconds after the deployment, well ahead of the wall clock, so
that every block's timestamp is exactly the one a test sets."""
LENGTH = 30 * 86_400


@dataclass
class Parties:
    supplier: str
    delivery: str
    grantee: str
    product_id: int
    valid_from: int


@pytest.fixture(scope="module")
def deployed() -> Market:
    return deploy_market(seated=True)


@pytest.fixture
def market(deployed: Market) -> Iterator[Market]:
    with isolation(deployed) as isolated:
        yield isolated


def list_product(market: Market, supplier: str, delivery: str, **changes: Any) -> int:
    terms = listing_terms(deliveryAccount=delivery, **changes)
    market.chain.transact(market.products.functions.submit(A, terms), supplier)
    product_id = int(market.products.functions.productCount().call())
    market.chain.transact(market.products.functions.approve(product_id, 1), market.operator_a)
    return product_id


def setup_parties(market: Market) -> Parties:
    supplier = register(market, SUPPLIER)
    delivery = market.new_account()
    grantee = register(market, BUYER, operator=market.operator_b)
    product_id = list_product(market, supplier, delivery)
    return Parties(supplier, delivery, grantee, product_id, market.chain.timestamp + START)


@pytest.fixture
def parties(market: Market) -> Parties:
    return setup_parties(market)


def terms(parties: Parties, **changes: Any) -> dict[str, Any]:
    """Valid grant terms for the parties' product, with `changes` applied."""
    values: dict[str, Any] = {
        "productId": parties.product_id,
        "grantee": parties.grantee,
        "right": PROCESSING_USE,
        "purposeCode": h("credit-risk-model"),
        "purposeHash": h("purpose statement"),
        "validFrom": parties.valid_from,
        "validUntil": parties.valid_from + LENGTH,
        "maxUses": 10,
        "destinations": [],
        "onwardTransfer": False,
    }
    values.update(changes)
    return values


def grant(market: Market, grant_id: int) -> dict[str, Any]:
    fields = market.authorizations.functions.grant(grant_id).call()
    return dict(zip(GRANT_FIELDS, fields, strict=True))


def issue(market: Market, parties: Parties, **changes: Any) -> int:
    call = market.authorizations.functions.issue(terms(parties, **changes))
    market.chain.transact(call, parties.supplier)
    return int(market.authorizations.functions.grantCount().call())


def issue_for_order(market: Market, parties: Parties, order_id: int, **changes: Any) -> int:
    call = market.authorizations.functions.issueForOrder(order_id, terms(parties, **changes))
    market.chain.transact(call, market.settlement_seat)
    return int(market.authorizations.functions.grantOfOrder(order_id).call())


def clock_at(market: Market, timestamp: int) -> None:
    """Make `timestamp` the latest block's time. eth-tester runs calls (hence the revert
    arguments `expect_revert` reads) at that time, and mines the next transaction one second
    later.
    """
    assert timestamp > market.chain.timestamp
    market.chain.tester.time_travel(timestamp + 1)
    assert market.chain.timestamp == timestamp


def record_use(market: Market, grant_id: int, count: int, sender: str) -> Any:
    call = market.authorizations.functions.recordUse(grant_id, count, h(f"evidence-{count}"))
    return market.chain.transact(call, sender)


def as_event_terms(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "destinations": [bytes(d) for d in values["destinations"]]}


# initialization


def test_initialize_twice_reverts_already_initialized(market: Market) -> None:
    address = market.exchanges.address
    call = market.authorizations.functions.initialize(address, address, address, address)
    market.chain.expect_revert(call, market.outsider, "AlreadyInitialized")


def test_the_implementation_itself_can_never_be_initialized(market: Market) -> None:
    address = market.exchanges.address
    implementation = market.implementations["AuthorizationRegistry"]
    call = implementation.functions.initialize(address, address, address, address)
    market.chain.expect_revert(call, market.outsider, "AlreadyInitialized")


def test_initialize_with_a_zero_trade_settlement_reverts_zero_address(market: Market) -> None:
    address = market.exchanges.address
    constructor = proxy_constructor(
        market.chain,
        "AuthorizationRegistry",
        market.exchanges.address,
        address,
        address,
        address,
        ZERO,
    )
    market.chain.expect_revert(constructor, market.outsider, "ZeroAddress")


# direct grants


def test_a_supplier_grants_directly_and_the_event_carries_every_term(
    market: Market, parties: Parties
) -> None:
    values = terms(parties, destinations=[b"HK", b"SG"], onwardTransfer=True)
    call = market.authorizations.functions.issue(values)
    receipt = market.chain.transact(call, parties.supplier)

    [event] = market.chain.events(receipt, market.authorizations, "GrantIssued")
    assert {**event, "terms": dict(event["terms"])} == {
        "grantId": 1,
        "productId": parties.product_id,
        "grantee": parties.grantee,
        "grantor": parties.supplier,
        "orderId": 0,
        "terms": as_event_terms(values),
    }
    assert grant(market, 1) == {
        "terms": tuple(as_event_terms(values).values()),
        "grantor": parties.supplier,
        "orderId": 0,
        "status": ACTIVE,
        "uses": 0,
    }
    assert market.authorizations.functions.grantCount().call() == 1


def test_a_direct_grant_of_an_unknown_product_reverts(market: Market, parties: Parties) -> None:
    call = market.authorizations.functions.issue(terms(parties, productId=99))
    market.chain.expect_revert(call, parties.supplier, "UnknownProduct", 99)


def test_only_the_product_s_supplier_grants_directly(market: Market, parties: Parties) -> None:
    other = register(market, SUPPLIER)
    call = market.authorizations.functions.issue(terms(parties))
    market.chain.expect_revert(call, other, "NotProductSupplier", parties.product_id, other)


def test_a_suspended_supplier_cannot_grant(market: Market, parties: Parties) -> None:
    market.chain.transact(
        market.participants.functions.suspend(parties.supplier, h("x")), market.operator_a
    )
    call = market.authorizations.functions.issue(terms(parties))
    market.chain.expect_revert(call, parties.supplier, "NotActiveSupplier", parties.supplier)


def test_a_direct_grant_of_a_product_not_listed_reverts(market: Market, parties: Parties) -> None:
    market.chain.transact(
        market.products.functions.suspend(parties.product_id, h("x")), market.operator_a
    )
    call = market.authorizations.functions.issue(terms(parties))
    market.chain.expect_revert(
        call, parties.supplier, "ProductNotListed", parties.product_id, SUSPENDED_PRODUCT
    )


def test_a_direct_grant_to_an_unregistered_grantee_reverts(
    market: Market, parties: Parties
) -> None:
    stranger = market.new_account()
    call = market.authorizations.functions.issue(terms(parties, grantee=stranger))
    market.chain.expect_revert(call, parties.supplier, "GranteeNotActive", stranger)


def test_a_direct_grant_to_a_suspended_grantee_reverts(market: Market, parties: Parties) -> None:
    market.chain.transact(
        market.participants.functions.suspend(parties.grantee, h("x")), market.regulator
    )
    call = market.authorizations.functions.issue(terms(parties))
    market.chain.expect_revert(call, parties.supplier, "GranteeNotActive", parties.grantee)


@pytest.mark.parametrize("right", [0, PROCESSING_USE | OPERATION, 8])
def test_a_grant_of_anything_but_exactly_one_right_reverts(
    market: Market, parties: Parties, right: int
) -> None:
    call = market.authorizations.functions.issue(terms(parties, right=right))
    market.chain.expect_revert(call, parties.supplier, "InvalidRight", right)


def test_a_grant_of_a_right_the_product_does_not_offer_reverts(
    market: Market, parties: Parties
) -> None:
    call = market.authorizations.functions.issue(terms(parties, right=HOLDING))
    market.chain.expect_revert(
        call, parties.supplier, "RightNotOffered", parties.product_id, HOLDING
    )


def test_a_grant_without_a_purpose_code_reverts(market: Market, parties: Parties) -> None:
    call = market.authorizations.functions.issue(terms(parties, purposeCode=bytes(32)))
    market.chain.expect_revert(call, parties.supplier, "MissingPurpose")


def test_a_grant_ending_before_it_starts_reverts(market: Market, parties: Parties) -> None:
    start = parties.valid_from
    call = market.authorizations.functions.issue(
        terms(parties, validFrom=start, validUntil=start - 1)
    )
    market.chain.expect_revert(call, parties.supplier, "InvalidWindow", start, start - 1)


def test_a_grant_already_expired_reverts(market: Market, parties: Parties) -> None:
    past = market.chain.timestamp - 10
    call = market.authorizations.functions.issue(terms(parties, validFrom=0, validUntil=past))
    market.chain.expect_revert(call, parties.supplier, "InvalidWindow", 0, past)


def test_a_grant_to_more_than_sixteen_destinations_reverts(
    market: Market, parties: Parties
) -> None:
    many = [bytes([0x41 + i // 26, 0x41 + i % 26]) for i in range(17)]
    call = market.authorizations.functions.issue(terms(parties, destinations=many))
    market.chain.expect_revert(call, parties.supplier, "TooManyDestinations", 17)


def test_a_grant_to_sixteen_destinations_is_accepted(market: Market, parties: Parties) -> None:
    sixteen = [bytes([0x41 + i // 26, 0x41 + i % 26]) for i in range(16)]
    grant_id = issue(market, parties, destinations=sixteen)
    assert list(grant(market, grant_id)["terms"][8]) == sixteen


def test_a_grant_abroad_of_a_product_not_allowed_for_export_reverts(market: Market) -> None:
    parties = setup_parties(market)
    product_id = list_product(market, parties.supplier, parties.delivery, exportAllowed=False)
    call = market.authorizations.functions.issue(
        terms(parties, productId=product_id, destinations=[b"HK"])
    )
    market.chain.expect_revert(call, parties.supplier, "ExportNotAllowed", product_id)


@pytest.mark.parametrize("destination", [b"CN", b"hk", b"H1"])
def test_a_destination_that_is_the_mainland_or_not_a_code_reverts(
    market: Market, parties: Parties, destination: bytes
) -> None:
    call = market.authorizations.functions.issue(terms(parties, destinations=[b"SG", destination]))
    market.chain.expect_revert(call, parties.supplier, "InvalidDestination", destination)


def test_a_destination_listed_twice_reverts(market: Market, parties: Parties) -> None:
    call = market.authorizations.functions.issue(terms(parties, destinations=[b"HK", b"SG", b"HK"]))
    market.chain.expect_revert(call, parties.supplier, "DuplicateDestination", b"HK")


@pytest.mark.parametrize(
    "changes",
    [{"classification": IMPORTANT}, {"personalInformation": True, "source": PERSONAL}],
    ids=["important", "personal"],
)
def test_important_or_personal_data_goes_abroad_only_through_an_order(
    market: Market, parties: Parties, changes: dict[str, Any]
) -> None:
    evaluator = register(market, 1 << 3)
    terms_of_listing = listing_terms(deliveryAccount=parties.delivery, **changes)
    market.chain.transact(market.products.functions.submit(A, terms_of_listing), parties.supplier)
    product_id = int(market.products.functions.productCount().call())
    market.chain.transact(
        market.products.functions.attestCompliance(product_id, 1, h("report-1")), evaluator
    )
    market.chain.transact(market.products.functions.approve(product_id, 1), market.operator_a)

    abroad = terms(parties, productId=product_id, destinations=[b"HK"])
    call = market.authorizations.functions.issue(abroad)
    market.chain.expect_revert(call, parties.supplier, "ExportNeedsOrder", product_id)

    market.chain.transact(
        market.authorizations.functions.issueForOrder(7, abroad), market.settlement_seat
    )
    order_grant = market.authorizations.functions.grantOfOrder(7).call()
    assert grant(market, order_grant)["terms"][8] == [b"HK"]


def setup_abroad(market: Market, jurisdiction: bytes, **changes: Any) -> tuple[Parties, int]:
    """Parties whose grantee is registered in `jurisdiction`, and a product listed with
    `changes` (attested, so that important or personal data can be listed)."""
    parties = setup_parties(market)
    parties.grantee = register(market, BUYER, jurisdiction=jurisdiction, operator=market.operator_b)
    evaluator = register(market, 1 << 3)
    listing = listing_terms(deliveryAccount=parties.delivery, **changes)
    market.chain.transact(market.products.functions.submit(A, listing), parties.supplier)
    product_id = int(market.products.functions.productCount().call())
    market.chain.transact(
        market.products.functions.attestCompliance(product_id, 1, h("report-1")), evaluator
    )
    market.chain.transact(market.products.functions.approve(product_id, 1), market.operator_a)
    return parties, product_id


@pytest.mark.parametrize("jurisdiction", [b"HK", b"MO", b"TW", b"SG"])
def test_a_direct_grant_to_a_grantee_outside_the_mainland_of_a_domestic_only_product_reverts(
    market: Market, jurisdiction: bytes
) -> None:
    parties, product_id = setup_abroad(market, jurisdiction, exportAllowed=False)
    call = market.authorizations.functions.issue(terms(parties, productId=product_id))
    market.chain.expect_revert(call, parties.supplier, "ExportNotAllowed", product_id)
    assert market.authorizations.functions.grantCount().call() == 0


@pytest.mark.parametrize("jurisdiction", [b"HK", b"MO", b"TW"])
@pytest.mark.parametrize(
    "changes",
    [{"classification": IMPORTANT}, {"personalInformation": True, "source": PERSONAL}],
    ids=["important", "personal"],
)
def test_important_or_personal_data_reaches_a_grantee_outside_the_mainland_only_through_an_order(
    market: Market, jurisdiction: bytes, changes: dict[str, Any]
) -> None:
    parties, product_id = setup_abroad(market, jurisdiction, **changes)
    call = market.authorizations.functions.issue(terms(parties, productId=product_id))
    market.chain.expect_revert(call, parties.supplier, "ExportNeedsOrder", product_id)


@pytest.mark.parametrize("jurisdiction", [b"HK", b"MO", b"TW"])
def test_general_exportable_data_is_granted_directly_to_a_grantee_outside_the_mainland(
    market: Market, jurisdiction: bytes
) -> None:
    parties, product_id = setup_abroad(market, jurisdiction)
    grant_id = issue(market, parties, productId=product_id)
    assert grant(market, grant_id)["status"] == ACTIVE
    assert grant(market, grant_id)["terms"][1] == parties.grantee


def test_a_direct_grant_to_a_mainland_grantee_of_important_data_is_accepted(
    market: Market,
) -> None:
    parties, product_id = setup_abroad(market, b"CN", classification=IMPORTANT)
    grant_id = issue(market, parties, productId=product_id)
    assert grant(market, grant_id)["status"] == ACTIVE


# grants bought through orders


def test_trade_settlement_issues_the_grant_an_order_bought(
    market: Market, parties: Parties
) -> None:
    values = terms(parties, maxUses=0)
    call = market.authorizations.functions.issueForOrder(42, values)
    receipt = market.chain.transact(call, market.settlement_seat)

    [event] = market.chain.events(receipt, market.authorizations, "GrantIssued")
    assert {**event, "terms": dict(event["terms"])} == {
        "grantId": 1,
        "productId": parties.product_id,
        "grantee": parties.grantee,
        "grantor": parties.supplier,
        "orderId": 42,
        "terms": as_event_terms(values),
    }
    assert market.authorizations.functions.grantOfOrder(42).call() == 1
    assert grant(market, 1)["orderId"] == 42


def test_only_trade_settlement_issues_order_grants(market: Market, parties: Parties) -> None:
    call = market.authorizations.functions.issueForOrder(42, terms(parties))
    market.chain.expect_revert(call, parties.supplier, "NotTradeSettlement", parties.supplier)


def test_an_order_grant_needs_an_order_id(market: Market, parties: Parties) -> None:
    call = market.authorizations.functions.issueForOrder(0, terms(parties))
    market.chain.expect_revert(call, market.settlement_seat, "ZeroOrderId")


def test_an_order_buys_at_most_one_grant(market: Market, parties: Parties) -> None:
    grant_id = issue_for_order(market, parties, 42)
    call = market.authorizations.functions.issueForOrder(42, terms(parties))
    market.chain.expect_revert(call, market.settlement_seat, "OrderAlreadyGranted", 42, grant_id)


def test_an_order_grant_of_an_unknown_product_reverts(market: Market, parties: Parties) -> None:
    call = market.authorizations.functions.issueForOrder(42, terms(parties, productId=77))
    market.chain.expect_revert(call, market.settlement_seat, "UnknownProduct", 77)


def test_an_order_grant_to_the_zero_account_reverts(market: Market, parties: Parties) -> None:
    call = market.authorizations.functions.issueForOrder(42, terms(parties, grantee=ZERO))
    market.chain.expect_revert(call, market.settlement_seat, "ZeroAddress")


def test_an_order_grant_of_a_right_not_offered_reverts(market: Market, parties: Parties) -> None:
    call = market.authorizations.functions.issueForOrder(42, terms(parties, right=HOLDING))
    market.chain.expect_revert(
        call, market.settlement_seat, "RightNotOffered", parties.product_id, HOLDING
    )


# revocation


def test_a_refund_revokes_the_grant_the_order_bought(market: Market, parties: Parties) -> None:
    grant_id = issue_for_order(market, parties, 42)
    call = market.authorizations.functions.revokeForRefund(grant_id)
    receipt = market.chain.transact(call, market.settlement_seat)
    assert market.chain.events(receipt, market.authorizations, "GrantRevoked") == [
        {
            "grantId": grant_id,
            "revokedBy": market.settlement_seat,
            "reason": BY_REFUND,
            "reasonHash": bytes(32),
        }
    ]
    assert grant(market, grant_id)["status"] == REVOKED


def test_only_trade_settlement_revokes_for_a_refund(market: Market, parties: Parties) -> None:
    grant_id = issue_for_order(market, parties, 42)
    call = market.authorizations.functions.revokeForRefund(grant_id)
    market.chain.expect_revert(call, market.regulator, "NotTradeSettlement", market.regulator)


def test_a_refund_cannot_revoke_a_direct_grant(market: Market, parties: Parties) -> None:
    grant_id = issue(market, parties)
    call = market.authorizations.functions.revokeForRefund(grant_id)
    market.chain.expect_revert(call, market.settlement_seat, "NotAnOrderGrant", grant_id)


def test_a_refund_of_a_revoked_grant_reverts(market: Market, parties: Parties) -> None:
    grant_id = issue_for_order(market, parties, 42)
    market.chain.transact(
        market.authorizations.functions.revoke(grant_id, h("x")), market.regulator
    )
    call = market.authorizations.functions.revokeForRefund(grant_id)
    market.chain.expect_revert(call, market.settlement_seat, "GrantNotActive", grant_id, REVOKED)


def test_a_refund_of_an_unknown_grant_reverts(market: Market) -> None:
    call = market.authorizations.functions.revokeForRefund(3)
    market.chain.expect_revert(call, market.settlement_seat, "UnknownGrant", 3)


def test_the_grantor_revokes_a_direct_grant(market: Market, parties: Parties) -> None:
    grant_id = issue(market, parties)
    call = market.authorizations.functions.revoke(grant_id, h("breach"))
    receipt = market.chain.transact(call, parties.supplier)
    assert market.chain.events(receipt, market.authorizations, "GrantRevoked") == [
        {
            "grantId": grant_id,
            "revokedBy": parties.supplier,
            "reason": BY_GRANTOR,
            "reasonHash": h("breach"),
        }
    ]
    assert grant(market, grant_id)["status"] == REVOKED


def test_the_grantor_cannot_revoke_a_grant_bought_through_an_order(
    market: Market, parties: Parties
) -> None:
    grant_id = issue_for_order(market, parties, 42)
    call = market.authorizations.functions.revoke(grant_id, h("x"))
    market.chain.expect_revert(call, parties.supplier, "OrderGrantNotRevocable", grant_id, 42)


def test_a_regulator_revokes_any_grant(market: Market, parties: Parties) -> None:
    grant_id = issue_for_order(market, parties, 42)
    call = market.authorizations.functions.revoke(grant_id, h("order 12"))
    receipt = market.chain.transact(call, market.regulator)
    assert market.chain.events(receipt, market.authorizations, "GrantRevoked") == [
        {
            "grantId": grant_id,
            "revokedBy": market.regulator,
            "reason": BY_REGULATOR,
            "reasonHash": h("order 12"),
        }
    ]
    assert grant(market, grant_id)["status"] == REVOKED


@pytest.mark.parametrize("who", ["grantee", "delivery"])
def test_nobody_else_revokes(market: Market, parties: Parties, who: str) -> None:
    grant_id = issue(market, parties)
    caller = getattr(parties, who)
    call = market.authorizations.functions.revoke(grant_id, h("x"))
    market.chain.expect_revert(call, caller, "NotAuthorisedToRevoke", grant_id, caller)


def test_revoking_twice_reverts(market: Market, parties: Parties) -> None:
    grant_id = issue(market, parties)
    market.chain.transact(
        market.authorizations.functions.revoke(grant_id, h("x")), parties.supplier
    )
    call = market.authorizations.functions.revoke(grant_id, h("x"))
    market.chain.expect_revert(call, market.regulator, "GrantNotActive", grant_id, REVOKED)


def test_revoking_an_unknown_grant_reverts(market: Market) -> None:
    call = market.authorizations.functions.revoke(8, h("x"))
    market.chain.expect_revert(call, market.regulator, "UnknownGrant", 8)


# recordUse


def test_the_delivering_exchange_records_uses_with_the_running_total(
    market: Market, parties: Parties
) -> None:
    grant_id = issue(market, parties)
    clock_at(market, parties.valid_from)
    record_use(market, grant_id, 3, market.operator_a)
    call = market.authorizations.functions.recordUse(grant_id, 4, h("batch-2"))
    receipt = market.chain.transact(call, market.operator_a)
    assert market.chain.events(receipt, market.authorizations, "UseRecorded") == [
        {
            "grantId": grant_id,
            "count": 4,
            "uses": 7,
            "evidenceHash": h("batch-2"),
            "recordedBy": market.operator_a,
        }
    ]
    assert grant(market, grant_id)["uses"] == 7


def test_the_supplier_s_delivery_account_records_uses(market: Market, parties: Parties) -> None:
    grant_id = issue(market, parties)
    clock_at(market, parties.valid_from + 5)
    receipt = record_use(market, grant_id, 2, parties.delivery)
    [event] = market.chain.events(receipt, market.authorizations, "UseRecorded")
    assert (event["uses"], event["recordedBy"]) == (2, parties.delivery)


@pytest.mark.parametrize("who", ["grantee", "supplier", "operator_b", "outsider"])
def test_anyone_but_the_delivering_side_cannot_record_uses(
    market: Market, parties: Parties, who: str
) -> None:
    grant_id = issue(market, parties)
    clock_at(market, parties.valid_from)
    caller = getattr(parties, who, None) or getattr(market, who)
    call = market.authorizations.functions.recordUse(grant_id, 1, h("e"))
    market.chain.expect_revert(call, caller, "NotDeliverer", grant_id, caller)


def test_an_operator_of_a_suspended_listing_exchange_cannot_record_uses(
    market: Market, parties: Parties
) -> None:
    grant_id = issue(market, parties)
    market.system.suspend_exchange(A)
    clock_at(market, parties.valid_from)
    call = market.authorizations.functions.recordUse(grant_id, 1, h("e"))
    market.chain.expect_revert(call, market.operator_a, "NotDeliverer", grant_id, market.operator_a)


def test_recording_zero_uses_reverts(market: Market, parties: Parties) -> None:
    grant_id = issue(market, parties)
    clock_at(market, parties.valid_from)
    call = market.authorizations.functions.recordUse(grant_id, 0, h("e"))
    market.chain.expect_revert(call, market.operator_a, "ZeroUseCount", grant_id)


def test_a_use_of_a_revoked_grant_reverts(market: Market, parties: Parties) -> None:
    grant_id = issue(market, parties)
    market.chain.transact(
        market.authorizations.functions.revoke(grant_id, h("x")), parties.supplier
    )
    clock_at(market, parties.valid_from)
    call = market.authorizations.functions.recordUse(grant_id, 1, h("e"))
    market.chain.expect_revert(call, market.operator_a, "GrantIsRevoked", grant_id)


def test_a_use_before_the_window_opens_reverts(market: Market, parties: Parties) -> None:
    grant_id = issue(market, parties)
    at = parties.valid_from - 2
    clock_at(market, at)
    call = market.authorizations.functions.recordUse(grant_id, 1, h("e"))
    market.chain.expect_revert(
        call, market.operator_a, "GrantNotYetValid", grant_id, parties.valid_from, at
    )


def test_a_use_at_the_last_second_of_the_window_is_recorded(
    market: Market, parties: Parties
) -> None:
    grant_id = issue(market, parties)
    clock_at(market, parties.valid_from + LENGTH - 1)
    receipt = record_use(market, grant_id, 1, market.operator_a)
    block = market.chain.w3.eth.get_block(receipt["blockNumber"])
    assert block["timestamp"] == parties.valid_from + LENGTH
    assert grant(market, grant_id)["uses"] == 1


def test_a_use_after_the_window_closes_reverts(market: Market, parties: Parties) -> None:
    grant_id = issue(market, parties)
    until = parties.valid_from + LENGTH
    clock_at(market, until + 1)
    call = market.authorizations.functions.recordUse(grant_id, 1, h("e"))
    market.chain.expect_revert(call, market.operator_a, "GrantExpired", grant_id, until, until + 1)


def test_uses_up_to_the_limit_are_recorded_and_one_more_reverts(
    market: Market, parties: Parties
) -> None:
    grant_id = issue(market, parties, maxUses=10)
    clock_at(market, parties.valid_from)
    record_use(market, grant_id, 10, market.operator_a)
    call = market.authorizations.functions.recordUse(grant_id, 1, h("e"))
    market.chain.expect_revert(call, market.operator_a, "UsesExhausted", grant_id, 10, 1, 10)
    assert grant(market, grant_id)["uses"] == 10


def test_an_unlimited_grant_records_uses_up_to_the_counter_s_capacity(
    market: Market, parties: Parties
) -> None:
    top = 2**64 - 1
    grant_id = issue(market, parties, maxUses=0)
    clock_at(market, parties.valid_from)
    record_use(market, grant_id, top - 1, market.operator_a)
    record_use(market, grant_id, 1, market.operator_a)
    call = market.authorizations.functions.recordUse(grant_id, 1, h("e"))
    market.chain.expect_revert(call, market.operator_a, "UsesExhausted", grant_id, top, 1, 0)


def test_a_use_of_an_unknown_grant_reverts(market: Market) -> None:
    call = market.authorizations.functions.recordUse(5, 1, h("e"))
    market.chain.expect_revert(call, market.operator_a, "UnknownGrant", 5)


def test_an_unknown_grant_reads_as_empty(market: Market) -> None:
    assert grant(market, 5) == {
        "terms": (0, ZERO, 0, bytes(32), bytes(32), 0, 0, 0, [], False),
        "grantor": ZERO,
        "orderId": 0,
        "status": NONE,
        "uses": 0,
    }


# properties


PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
)


@PROPERTY_SETTINGS
@given(
    max_uses=st.integers(min_value=1, max_value=40),
    counts=st.lists(st.integers(min_value=1, max_value=15), min_size=1, max_size=12),
)
def test_recorded_uses_never_exceed_the_limit_and_total_what_was_accepted(
    deployed: Market, max_uses: int, counts: list[int]
) -> None:
    with isolation(deployed) as market:
        parties = setup_parties(market)
        grant_id = issue(market, parties, maxUses=max_uses)
        clock_at(market, parties.valid_from)
        accepted = 0
        for count in counts:
            if accepted + count <= max_uses:
                receipt = record_use(market, grant_id, count, market.operator_a)
                accepted += count
                [event] = market.chain.events(receipt, market.authorizations, "UseRecorded")
                assert event["uses"] == accepted
            else:
                call = market.authorizations.functions.recordUse(grant_id, count, h("e"))
                market.chain.expect_revert(
                    call, market.operator_a, "UsesExhausted", grant_id, accepted, count, max_uses
                )
            assert grant(market, grant_id)["uses"] == accepted <= max_uses


@PROPERTY_SETTINGS
@given(
    length=st.integers(min_value=0, max_value=10 * 86_400),
    offset=st.integers(min_value=1, max_value=50_000),
    before=st.booleans(),
)
def test_a_use_outside_the_window_always_reverts(
    deployed: Market, length: int, offset: int, before: bool
) -> None:
    with isolation(deployed) as market:
        parties = setup_parties(market)
        valid_from = parties.valid_from
        valid_until = valid_from + length
        grant_id = issue(market, parties, validUntil=valid_until, maxUses=0)
        at = valid_from - 1 - offset if before else valid_until + offset
        clock_at(market, at)
        call = market.authorizations.functions.recordUse(grant_id, 1, h("e"))
        if before:
            expected: tuple[Any, ...] = ("GrantNotYetValid", grant_id, valid_from, at)
        else:
            expected = ("GrantExpired", grant_id, valid_until, at)
        market.chain.expect_revert(call, market.operator_a, *expected)
        assert grant(market, grant_id)["uses"] == 0


def test_grant_status_reads_active_revoked_and_unknown(market: Market, parties: Parties) -> None:
    grant_id = issue(market, parties)
    status = market.authorizations.functions.grantStatus
    assert status(grant_id).call() == ACTIVE
    market.chain.transact(
        market.authorizations.functions.revoke(grant_id, h("misuse")), parties.supplier
    )
    assert (status(grant_id).call(), status(grant_id + 1).call()) == (REVOKED, NONE)
