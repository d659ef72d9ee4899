"""The registries' state rebuilt from their events alone equals the state the contracts hold.

A market history that emits every event type of the three registries is replayed from the
logs (no contract calls) and compared, record by record, with what the contracts return.
Order grants come from a seated AuthorizationRegistry (see ``registry_market``).
"""

from __future__ import annotations

from typing import Any

import pytest

from client.market_rebuild import fetch_market_events
from client.registries_events import FOLDS, Event, RegistryState, rebuild
from tests.contracts.registry_market import (
    BUYER,
    EVALUATOR,
    IMPORTANT,
    PROCESSOR,
    SUPPLIER,
    A,
    B,
    C,
    Market,
    credit_code_hash,
    deploy_market,
    h,
    listing_terms,
    register,
)


@pytest.fixture(scope="module")
def history() -> Market:
    """One market history that emits every event type of the three registries."""
    market = deploy_market(seated=True)
    chain, participants, products = market.chain, market.participants, market.products
    authorizations = market.authorizations

    supplier = register(market, SUPPLIER, code="S1")
    second_supplier = register(market, SUPPLIER | BUYER, operator=market.operator_c, code="S2")
    buyer = register(market, BUYER, operator=market.operator_b, jurisdiction=b"HK", code="B1")
    evaluator = register(market, EVALUATOR, operator=market.operator_b, code="E1")
    revoked = register(market, BUYER, code="R1")
    delivery = market.new_account()

    chain.transact(participants.functions.changeRoles(buyer, BUYER | PROCESSOR), market.operator_b)
    chain.transact(participants.functions.suspend(second_supplier, h("audit")), market.regulator)
    chain.transact(participants.functions.reinstate(second_supplier), market.regulator)
    chain.transact(participants.functions.suspend(buyer, h("late")), market.operator_b)
    chain.transact(participants.functions.reinstate(buyer), market.operator_b)
    chain.transact(participants.functions.suspend(evaluator, h("inquiry")), market.regulator)
    chain.transact(participants.functions.reinstate(evaluator), market.regulator)
    chain.transact(participants.functions.revoke(revoked, h("fraud")), market.regulator)
    chain.transact(
        participants.functions.releaseCreditCode(revoked, h("cleared")), market.regulator
    )
    register(market, BUYER, operator=market.operator_c, code="R1")

    important = listing_terms(classification=IMPORTANT, deliveryAccount=delivery)
    chain.transact(products.functions.submit(A, important), supplier)
    chain.transact(products.functions.attestCompliance(1, 1, h("report-1")), evaluator)
    chain.transact(products.functions.approve(1, 1), market.operator_a)
    chain.transact(products.functions.update(1, {**important, "unitPrice": 777}), supplier)
    revised = {**important, "unitPrice": 777, "title": "Revised", "complianceReportHash": h("r2")}
    chain.transact(products.functions.update(1, revised), supplier)
    chain.transact(products.functions.attestCompliance(1, 3, h("r2")), evaluator)
    chain.transact(products.functions.approve(1, 3), market.operator_a)
    chain.transact(
        products.functions.recordNonRecognition(1, h("rule"), h("why")), market.operator_c
    )
    chain.transact(
        products.functions.recordNonRecognition(1, h("rule"), h("why")), market.operator_b
    )
    chain.transact(products.functions.withdrawNonRecognition(1), market.operator_b)

    chain.transact(products.functions.submit(B, listing_terms(title="Second")), second_supplier)
    chain.transact(products.functions.reject(2, 1, h("unclear"), h("memo")), market.operator_b)
    chain.transact(products.functions.update(2, listing_terms(title="Second, v2")), second_supplier)
    chain.transact(products.functions.delist(2), second_supplier)

    chain.transact(products.functions.submit(A, listing_terms(title="Third")), supplier)
    chain.transact(products.functions.approve(3, 1), market.operator_a)
    chain.transact(products.functions.suspend(3, h("complaint")), market.regulator)
    chain.transact(products.functions.reinstate(3), market.regulator)
    chain.transact(products.functions.suspend(3, h("check")), market.operator_a)
    chain.transact(products.functions.submit(A, listing_terms(title="Fourth")), supplier)
    chain.transact(products.functions.revoke(4, h("unlawful")), market.regulator)

    now = chain.timestamp
    grant = {
        "productId": 1,
        "grantee": buyer,
        "right": 2,
        "purposeCode": h("model"),
        "purposeHash": h("statement"),
        "validFrom": now,
        "validUntil": now + 86_400,
        "maxUses": 5,
        "destinations": [b"HK"],
        "onwardTransfer": False,
    }
    chain.transact(authorizations.functions.issueForOrder(11, grant), market.settlement_seat)
    chain.transact(authorizations.functions.recordUse(1, 2, h("e1")), market.operator_a)
    chain.transact(authorizations.functions.recordUse(1, 3, h("e2")), delivery)
    chain.transact(
        authorizations.functions.issueForOrder(12, {**grant, "maxUses": 0}), market.settlement_seat
    )
    chain.transact(authorizations.functions.revokeForRefund(2), market.settlement_seat)
    direct = {**grant, "productId": 3, "destinations": [], "maxUses": 0}
    chain.transact(products.functions.reinstate(3), market.operator_a)
    chain.transact(authorizations.functions.issue(direct), supplier)
    chain.transact(authorizations.functions.recordUse(3, 9, h("e3")), market.operator_a)
    chain.transact(authorizations.functions.revoke(3, h("ended")), supplier)
    chain.transact(authorizations.functions.issue(direct), supplier)
    chain.transact(authorizations.functions.revoke(4, h("order")), market.regulator)
    return market


def registry_events(market: Market) -> list[Event]:
    """Every event of the three registries, decoded from the raw logs in chain order."""
    addresses = {
        "ParticipantRegistry": market.participants.address,
        "DataProductRegistry": market.products.address,
        "AuthorizationRegistry": market.authorizations.address,
    }
    return [Event(e.name, e.args) for e in fetch_market_events(market.chain.w3, addresses)]


@pytest.fixture(scope="module")
def rebuilt(history: Market) -> RegistryState:
    return rebuild(registry_events(history))


def test_the_history_emits_every_event_type_of_the_three_registries(history: Market) -> None:
    assert {event.name for event in registry_events(history)} == set(FOLDS)


def test_participants_rebuilt_from_events_equal_the_contract(
    history: Market, rebuilt: RegistryState
) -> None:
    contract = history.participants.functions
    assert len(rebuilt.participants) == 6
    for account, record in rebuilt.participants.items():
        assert contract.participant(account).call() == tuple(record)
        assert (
            contract.isSuspendedByRegulator(account).call()
            == (rebuilt.suspended_by_regulator[account])
        )
    for code in ("S1", "S2", "B1", "E1", "R1"):
        hashed = credit_code_hash(code)
        assert contract.accountOfCreditCode(hashed).call() == rebuilt.account_of_credit_code[hashed]


def test_products_rebuilt_from_events_equal_the_contract(
    history: Market, rebuilt: RegistryState
) -> None:
    contract = history.products.functions
    assert contract.productCount().call() == len(rebuilt.products) == 4
    for product_id, record in rebuilt.products.items():
        expected: dict[str, Any] = {**record, "terms": tuple(record["terms"].values())}
        assert contract.product(product_id).call() == tuple(expected.values())


def test_recognition_rebuilt_from_events_equals_the_contract(
    history: Market, rebuilt: RegistryState
) -> None:
    assert rebuilt.not_recognised == {(1, C): True, (1, B): False}
    for product_id in rebuilt.products:
        for exchange in (A, B, C):
            declined = rebuilt.not_recognised.get((product_id, exchange), False)
            recognised = history.products.functions.isRecognisedBy(product_id, exchange).call()
            assert recognised is not declined


def test_grants_rebuilt_from_events_equal_the_contract(
    history: Market, rebuilt: RegistryState
) -> None:
    contract = history.authorizations.functions
    assert contract.grantCount().call() == len(rebuilt.grants) == 4
    for grant_id, record in rebuilt.grants.items():
        terms = {**record["terms"], "destinations": list(record["terms"]["destinations"])}
        expected = (tuple(terms.values()), *list(record.values())[1:])
        assert contract.grant(grant_id).call() == expected
    for order_id, grant_id in rebuilt.grant_of_order.items():
        assert contract.grantOfOrder(order_id).call() == grant_id
