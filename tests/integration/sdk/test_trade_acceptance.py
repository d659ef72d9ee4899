"""Acceptance of issue 6 on a real node: two exchanges, a supplier at A (SHDE) and a buyer at B
(SZDE). The whole trade — registration by each exchange's operator, listing, A's review, B's
recognition, the order, payment evidence, delivery and settlement — is driven only through the
client SDK and the gateway. B's back office, an operator of B, receives the settlement from
the SDK's event stream; the certificate fetched through the SDK verifies offline against the
genesis file alone."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from client.sdk import (
    Client,
    DomainEvent,
    EventFilters,
    Right,
    Role,
    TransactionStatus,
    verify_certificate,
)
from client.sdk.errors import NotFound
from tests.support.market_node import operator, participant
from tests.support.sdk_market import (
    PRICE,
    A,
    B,
    SdkNode,
    h,
    listing_terms,
    parties,
    register,
    usage,
)

SUPPLIER, BUYER = participant(11), participant(12)
TITLE = "Container throughput by berth, daily"
STREAM_WAIT_SECONDS = 120


class BackOffice:
    """Exchange B's back office: follows B's settlements on its own connection and thread,
    until it has seen the settlement of the order it expects."""

    def __init__(self, url: str, account: LocalAccount, from_block: int) -> None:
        self.received: queue.Queue[DomainEvent] = queue.Queue()
        self.expected: int | None = None
        self._client = Client(url, account)
        filters = EventFilters(event="TradeSettled", exchange=B, from_block=from_block)
        self._thread = threading.Thread(target=self._follow, args=(filters,), daemon=True)
        self._thread.start()

    def _follow(self, filters: EventFilters) -> None:
        with self._client, self._client.events(filters) as stream:
            for event in stream:
                self.received.put(event)
                if event.args["orderId"] == self.expected:
                    return

    def settlement_of(self, order_id: int) -> DomainEvent:
        while True:
            event = self.received.get(timeout=STREAM_WAIT_SECONDS)
            if event.args["orderId"] == order_id:
                self._thread.join(STREAM_WAIT_SECONDS)
                return event


@dataclass
class Trade:
    product_id: int
    order_id: int
    settled: TransactionStatus
    received: DomainEvent
    certificate: dict[str, Any]
    genesis: dict[str, Any]


@pytest.fixture(scope="module")
def trade(ledger: SdkNode) -> Iterator[Trade]:
    with parties(ledger, SUPPLIER, BUYER) as p:
        exchange_a, exchange_b, supplier, buyer = p.exchange_a, p.exchange_b, p.supplier, p.buyer
        register(exchange_a, SUPPLIER, Role.SUPPLIER)
        register(exchange_b, BUYER, Role.BUYER)
        terms = listing_terms(SUPPLIER.address, TITLE, frozenset({Right.PROCESSING_USE}))
        submitted = supplier.submit_product(A, terms)
        product_id = int(submitted.event("ProductSubmitted").args["productId"])
        exchange_a.approve_product(product_id, 1)
        exchange_b.non_recognise_product(product_id, "LOCAL-REVIEW", h("review pending"))
        exchange_b.recognise_product(product_id)
        back_office = BackOffice(ledger.url, operator(B), buyer.chain().head_number)
        request = buyer.quote_order(
            product_id,
            buyer_exchange=B,
            grant=usage(buyer.chain().head_timestamp),
            contract_hash=h("signed model contract"),
        )
        order_id = int(buyer.create_order(request).event("OrderCreated").args["orderId"])
        back_office.expected = order_id
        supplier.accept_order(order_id)
        exchange_b.record_payment(order_id, h("bank transfer 2024-117"))
        supplier.deliver(order_id, h("delivery manifest"))
        settled = buyer.confirm(order_id)
        yield Trade(
            product_id,
            order_id,
            settled,
            back_office.settlement_of(order_id),
            buyer.certificate(order_id),
            json.loads(ledger.genesis.read_text()),
        )


def test_the_buyer_confirms_and_the_bill_settles(trade: Trade) -> None:
    assert (trade.settled.status, trade.settled.function) == (
        "succeeded",
        "TradeSettlement.confirm",
    )
    assert [e.event for e in trade.settled.events] == ["TradeSettled"]


def test_the_order_went_through_every_step_on_chain(ledger: SdkNode, trade: Trade) -> None:
    with ledger.client(BUYER) as buyer:
        order = buyer.order(trade.order_id)
    assert [e.event for e in order.events] == [
        "OrderCreated",
        "OrderAccepted",
        "BillPaid",
        "GrantIssued",
        "AuthorizationIssued",
        "Delivered",
        "TradeSettled",
    ]
    assert (order.buyer_exchange, order.seller_exchange) == (B, A)
    assert order.state is not None and order.state["status"] == "accepted"


def test_the_listing_at_a_is_recognised_by_b_after_its_review(
    ledger: SdkNode, trade: Trade
) -> None:
    with ledger.client(BUYER) as buyer:
        product = buyer.product(trade.product_id)
    assert product.recognised_by(B)
    assert [e.event for e in product.history] == [
        "ProductSubmitted",
        "ProductApproved",
        "NonRecognitionRecorded",
        "NonRecognitionWithdrawn",
    ]


def test_bs_back_office_receives_the_settlement_through_the_event_stream(trade: Trade) -> None:
    event = trade.received
    assert (event.contract, event.event, event.exchanges) == (
        "TradeSettlement",
        "TradeSettled",
        tuple(sorted((A, B))),
    )
    assert event.parties == tuple(sorted([SUPPLIER.address, BUYER.address]))
    certificate = event.args["certificate"]
    assert (certificate["amount"], certificate["listingFeeBps"]) == (PRICE, 250)
    assert certificate["legs"] == {
        "buyerRefund": 0,
        "listingFee": 31_250,
        "buyerExchangeFee": 18_750,
        "supplier": 1_200_000,
    }
    assert event.transaction_hash == trade.settled.transaction_hash


def test_the_certificate_fetched_through_the_sdk_verifies_offline(trade: Trade) -> None:
    verdict = verify_certificate(trade.certificate, trade.genesis)
    assert (verdict.valid, verdict.failed_check) == (True, None)
    assert (verdict.block_number, verdict.settlement["orderId"]) == (
        trade.settled.block,
        trade.order_id,
    )
    assert verdict.settlement["certificate"]["legs"]["supplier"] == 1_200_000


def test_the_gateway_gives_the_same_verdict(ledger: SdkNode, trade: Trade) -> None:
    with ledger.client(operator(B)) as exchange_b:
        verdict = exchange_b.verify_certificate_online(trade.certificate)
    assert (verdict.valid, verdict.block_number, verdict.as_of_block) == (
        True,
        trade.settled.block,
        verify_certificate(trade.certificate, trade.genesis).as_of_block,
    )


def test_a_certificate_with_an_altered_amount_fails_offline(trade: Trade) -> None:
    altered = json.loads(json.dumps(trade.certificate))
    altered["settlement"]["certificate"]["legs"]["supplier"] += 1
    verdict = verify_certificate(altered, trade.genesis)
    assert (verdict.valid, verdict.failed_check) == (False, "settlement")


def test_another_participant_cannot_fetch_the_certificate(ledger: SdkNode, trade: Trade) -> None:
    with ledger.client(participant(13)) as stranger, pytest.raises(NotFound) as refused:
        stranger.certificate(trade.order_id)
    assert refused.value.detail == (
        f"no order {trade.order_id} (or it is not visible to this caller)"
    )
