"""The regulator's view, served by an observer: two validators and an observer with the gateway
(real processes), a market made through the observer (its JSON-RPC and its gateway), then the
validators stopped. The regulator sees every order, authorization and dispute through the
observer's gateway, participants and operators are refused, and the live figures equal what
`dcl audit report --json` computes on the observer's data directory at the same block."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from eth_account.signers.local import LocalAccount

from tests.support.gateway_market import PRICE, A, B, h
from tests.support.market_node import operator, participant, regulator
from tests.support.node_process import run_dcl
from tests.support.regulator_market import REFUND, RegulatorMarket, start_regulator_market

pytestmark = [pytest.mark.network, pytest.mark.slow]
AUDIT_ROUTES = ("/v1/audit/figures", "/v1/audit/orders", "/v1/audit/authorizations",
                "/v1/audit/disputes")  # fmt: skip


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegulatorMarket]:
    built = start_regulator_market(tmp_path_factory.mktemp("regulator"))
    try:
        yield built
    finally:
        built.network.stop_all()


def audit(
    story: RegulatorMarket, path: str, account: LocalAccount | None = None, **params: Any
) -> requests.Response:
    token = story.gateway.sign_in(account or regulator())
    return story.gateway.get(path, token, **params)


def items(story: RegulatorMarket, path: str, **params: Any) -> list[dict[str, Any]]:
    response = audit(story, path, **params)
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["next"], page["asOfBlock"]) == (None, story.head)
    found: list[dict[str, Any]] = page["items"]
    return found


def test_writes_relayed_by_the_observers_gateway_are_included_by_the_validators(
    story: RegulatorMarket,
) -> None:
    for name, answer in story.relayed.items():
        receipt = story.validator_receipts[name]
        assert (receipt["status"], receipt["blockHash"], int(receipt["blockNumber"], 16)) == (
            "0x1",
            answer["blockHash"],
            answer["block"],
        ), name


def test_the_observers_domain_index_holds_the_events_of_the_blocks_it_synced(
    story: RegulatorMarket,
) -> None:
    response = audit(story, "/v1/orders")
    assert [order["orderId"] for order in response.json()["items"]] == sorted(story.orders)
    second = story.orders[1]
    history = audit(story, f"/v1/orders/{second}").json()["events"]
    assert [event["event"] for event in history] == [
        "OrderCreated", "OrderAccepted", "BillPaid", "GrantIssued", "AuthorizationIssued",
        "Delivered", "DisputeRaised", "DisputeResolved", "AuthorizationRevoked", "TradeSettled",
        "ClearingInstruction",
    ]  # fmt: skip


def test_the_regulator_sees_every_order_in_the_state_the_contracts_hold(
    story: RegulatorMarket,
) -> None:
    listed = items(story, "/v1/audit/orders")
    assert [order["orderId"] for order in listed] == sorted(story.orders)
    settlement = story.market
    for order in listed:
        view = settlement.named("TradeSettlement", "order", order["orderId"])
        bill = settlement.named("TradeSettlement", "bill", order["orderId"], 0)
        statuses = ("none", "created", "accepted", "cancelled")
        assert (order["status"], order["frozen"], order["grantId"] or 0) == (
            statuses[view["status"]],
            view["frozen"],
            view["grantId"],
        )
        bill_statuses = ("none", "due", "paid", "delivered", "settled", "refunded")
        assert [(b["status"], b["refund"]) for b in order["bills"]] == (
            [(bill_statuses[bill["status"]], str(bill["refund"]))] if bill["status"] else []
        )


def test_the_regulator_filters_orders_by_status_freeze_border_dispute_and_exchange(
    story: RegulatorMarket,
) -> None:
    first, second, third, abroad = story.orders

    def ids(**params: str) -> list[int]:
        return [order["orderId"] for order in items(story, "/v1/audit/orders", **params)]

    assert ids(status="created") == [abroad]
    assert ids(frozen="true") == [third]
    assert ids(crossBorder="true") == [abroad]
    assert ids(disputed="true") == sorted([second, third])
    assert ids(exchange=B, status="accepted", frozen="false") == sorted([first, second])
    assert ids(party=participant(4).address) == [abroad]
    assert ids(exchange="BJIDE") == []


def test_the_regulator_pages_through_every_order_with_a_cursor(story: RegulatorMarket) -> None:
    token = story.gateway.sign_in(regulator())
    seen: list[int] = []
    cursor: str | None = None
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = story.gateway.get("/v1/audit/orders", token, **params).json()
        seen += [order["orderId"] for order in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == sorted(story.orders)


def test_the_regulator_sees_every_authorization_with_its_uses_and_revocation(
    story: RegulatorMarket,
) -> None:
    listed = items(story, "/v1/audit/authorizations")
    by_order = {grant["orderId"]: grant for grant in listed}
    first, second, third, _ = story.orders
    assert sorted(by_order) == sorted([first, second, third])
    assert (by_order[first]["grantId"], by_order[first]["uses"], by_order[first]["status"]) == (
        story.grant,
        1,
        "active",
    )
    revocation = by_order[second]["revocation"]
    assert (by_order[second]["status"], revocation["reason"]) == ("revoked", "refund")
    assert [g["orderId"] for g in items(story, "/v1/audit/authorizations", status="revoked")] == [
        second
    ]


def test_the_regulator_sees_every_dispute_with_its_parties_mediation_and_outcome(
    story: RegulatorMarket,
) -> None:
    _, second, third, _ = story.orders
    seller, buyer = participant(1), participant(3)
    raised_third = story.receipts["raised third"]
    [proposal] = story.market.events(
        story.receipts["proposal"], "TradeSettlement", "MediationProposed"
    )
    raised, award = story.relayed["raise"]["events"][0], story.relayed["award"]
    common = {
        "productId": story.product, "billNo": 0, "buyer": buyer.address,
        "seller": seller.address, "buyerExchange": B, "sellerExchange": A,
        "exchanges": [A, B], "parties": sorted([buyer.address, seller.address]),
        "amount": str(PRICE), "currency": "CNY", "raisedBy": buyer.address,
    }  # fmt: skip
    [raised_event] = story.market.events(raised_third, "TradeSettlement", "DisputeRaised")
    assert items(story, "/v1/audit/disputes") == [
        {
            "id": str(raised_third["blockNumber"] << 32 | raised_third["logs"][0]["logIndex"]),
            "orderId": third, "state": "open", **common,
            "reasonHash": "0x" + h("not delivered").hex(),
            "raisedAt": raised_event["raisedAt"],
            "raisedInBlock": raised_third["blockNumber"],
            "transactionHash": raised_third["transactionHash"].to_0x_hex(),
            "mediation": [
                {
                    "round": 1, "outcome": "release", "refund": "0",
                    "documentHash": "0x" + h("mediation 1").hex(),
                    "proposalHash": "0x" + proposal["proposalHash"].hex(),
                    "proposedBy": operator(A).address,
                    "block": story.receipts["proposal"]["blockNumber"],
                    "acceptedBy": [buyer.address],
                }
            ],
            "resolution": None,
        },
        {
            "id": raised["id"], "orderId": second, "state": "resolved", **common,
            "reasonHash": "0x" + h("delivery incomplete").hex(),
            "raisedAt": raised["args"]["raisedAt"], "raisedInBlock": raised["block"],
            "transactionHash": raised["transactionHash"], "mediation": [],
            "resolution": {
                "kind": "arbitral-award", "outcome": "partial", "refund": str(REFUND),
                "documentHash": "0x" + h("award").hex(), "billStatus": "settled",
                "by": regulator().address, "block": award["block"],
                "transactionHash": award["transactionHash"],
            },
        },
    ]  # fmt: skip


def test_the_regulator_filters_disputes_by_state_and_resolution(story: RegulatorMarket) -> None:
    _, second, third, _ = story.orders

    def orders(**params: str) -> list[int]:
        return [d["orderId"] for d in items(story, "/v1/audit/disputes", **params)]

    assert orders(state="open") == [third]
    assert orders(state="resolved", resolution="arbitral-award") == [second]
    assert orders(resolution="mediation") == []


@pytest.mark.parametrize("who", ["participant", "operator"])
def test_participants_and_operators_are_refused_every_audit_route(
    story: RegulatorMarket, who: str
) -> None:
    account = participant(3) if who == "participant" else operator(A)
    for path in AUDIT_ROUTES:
        response = audit(story, path, account)
        assert (response.status_code, response.headers["Content-Type"]) == (
            403,
            "application/problem+json",
        )
        assert response.json()["type"] == "urn:dcl:problem:forbidden"


def test_the_live_figures_equal_the_report_of_the_data_directory_at_the_same_block(
    story: RegulatorMarket, tmp_path: Path
) -> None:
    live = audit(story, "/v1/audit/figures").json()
    assert live["chain"]["head block"] == story.head
    story.network.stop(story.observer)
    try:
        report = run_dcl(
            "audit", "report", "--datadir", story.observer.datadir,
            "--out", tmp_path / "report.html", "--json", tmp_path / "figures.json",
        )  # fmt: skip
    finally:
        story.restart_observer()
    assert report.returncode == 0, report.stderr
    assert json.loads((tmp_path / "figures.json").read_text()) == live
    assert live["figures"]["disputes"] == {
        "raised": 2, "open": 1, "by_resolution": {"ArbitralAward": 1},
        "by_outcome": {"Partial": 1},
    }  # fmt: skip
