"""The demand pool driven only through the client SDK on a real node: a buyer at B (SZDE)
posts a demand; a supplier at A (SHDE) offers its listed product and a supplier at C (BJIDE)
a product to be made, both sealed with salts the SDK draws; A keeps its sealed offer as JSON
and reveals from what it kept after the deadline (the chain's clock: blocks are stamped when
they are made); the buyer shortlists and awards A's offer with quoted terms; the order settles
and its certificate verifies offline. A second demand is withdrawn, a third taken down by a
regulator."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from client.sdk import (
    AsyncClient,
    Classification,
    ContractType,
    Demand,
    DemandStatus,
    DemandTerms,
    Offer,
    OfferNotFound,
    OfferStatus,
    OfferTerms,
    ProductType,
    Right,
    Role,
    SealedOffer,
    TransactionFailed,
    TransactionStatus,
    verify_certificate,
)
from tests.support.market_node import operator, participant, regulator
from tests.support.sdk_market import A, B, C, SdkNode, h, list_product, parties, register, usage

SUPPLIER_A, BUYER, SUPPLIER_C = participant(51), participant(52), participant(53)
RESPONSE_SECONDS = 20
TITLE = "Port congestion forecasts for cold-chain routing"
LISTED_PRICE, PROPOSAL_PRICE = 1_000_000, 900_000


def demand_terms(title: str, deadline: int) -> DemandTerms:
    return DemandTerms(
        title=title,
        category=h("logistics.port"),
        product_type=ProductType.DATASET,
        rights=frozenset({Right.PROCESSING_USE}),
        classification_ceiling=Classification.GENERAL,
        budget_min=500_000,
        budget_max=1_100_000,
        currency="CNY",
        response_deadline=deadline,
        description_hash=h("description " + title),
        description_uri="https://demands.example/port-congestion",
        home_exchange=B,
    )


@dataclass
class Story:
    product_id: int
    demand_id: int
    kept: dict[str, Any]
    sealed_a: SealedOffer
    sealed_c: SealedOffer
    sealed_view: tuple[Offer, ...]
    awarded: TransactionStatus
    order_id: int
    second_award: TransactionFailed
    settled: TransactionStatus
    certificate: dict[str, Any]
    genesis: dict[str, Any]
    withdrawn_id: int
    taken_down_id: int


def posted_id(status: TransactionStatus) -> int:
    return int(status.event("DemandPosted").args["demandId"])


@pytest.fixture(scope="module")
def story(ledger: SdkNode) -> Iterator[Story]:
    with (
        parties(ledger, SUPPLIER_A, BUYER) as p,
        ledger.client(operator(C)) as exchange_c,
        ledger.client(SUPPLIER_C) as supplier_c,
        ledger.client(regulator()) as authority,
    ):
        register(p.exchange_a, SUPPLIER_A, Role.SUPPLIER)
        register(p.exchange_b, BUYER, Role.BUYER)
        register(exchange_c, SUPPLIER_C, Role.SUPPLIER)
        product_id = list_product(p.supplier, p.exchange_a, A, "Berth occupancy, hourly")
        deadline = p.buyer.chain().head_timestamp + RESPONSE_SECONDS
        demand_id = posted_id(p.buyer.post_demand(demand_terms(TITLE, deadline)))
        sealed = p.supplier.seal_offer(
            demand_id, OfferTerms.listed(product_id, 1, LISTED_PRICE, delivery_days=5)
        )
        kept = json.loads(json.dumps(sealed.to_json()))
        sealed_a = p.supplier.submit_offer(sealed)
        sealed_c = supplier_c.make_offer(
            demand_id, OfferTerms.proposal(h("fusion proposal"), PROPOSAL_PRICE, 45)
        )
        sealed_view = p.buyer.demand_offers(demand_id)
        time.sleep(max(0.0, deadline + 1.5 - time.time()))
        p.supplier.reveal_offer(SealedOffer.from_json(kept))
        supplier_c.reveal_offer(sealed_c)
        assert sealed_a.offer_id is not None and sealed_c.offer_id is not None
        p.buyer.shortlist_offer(sealed_a.offer_id)
        award = p.buyer.quote_award(
            sealed_a.offer_id,
            contract_hash=h("signed model contract"),
            grant=usage(p.buyer.chain().head_timestamp),
        )
        awarded = p.buyer.award_offer(sealed_a.offer_id, award)
        order_id = int(awarded.event("DemandAwarded").args["orderId"])
        proposal_award = p.buyer.quote_award(sealed_c.offer_id, contract_hash=h("contract C"))
        with pytest.raises(TransactionFailed) as second:
            p.buyer.award_offer(sealed_c.offer_id, proposal_award)
        p.supplier.accept_order(order_id)
        p.exchange_b.record_payment(order_id, h("bank transfer 2024-311"))
        p.supplier.deliver(order_id, h("delivery manifest"))
        settled = p.buyer.confirm(order_id)
        later = p.buyer.chain().head_timestamp + 3_600
        withdrawn_id = posted_id(p.buyer.post_demand(demand_terms("Withdrawn need", later)))
        p.buyer.withdraw_demand(withdrawn_id)
        taken_down_id = posted_id(p.buyer.post_demand(demand_terms("Improper need", later)))
        authority.take_down_demand(taken_down_id, h("inquiry 2024-07"))
        yield Story(
            product_id, demand_id, kept, sealed_a, sealed_c, sealed_view, awarded, order_id,
            second.value, settled, p.buyer.certificate(order_id),
            json.loads(ledger.genesis.read_text()), withdrawn_id, taken_down_id,
        )  # fmt: skip


def test_both_offers_are_sealed_until_the_deadline(story: Story) -> None:
    assert [(o.supplier, o.status, o.terms) for o in story.sealed_view] == [
        (SUPPLIER_A.address, OfferStatus.SEALED, None),
        (SUPPLIER_C.address, OfferStatus.SEALED, None),
    ]
    assert story.sealed_view[0].commitment == "0x" + story.sealed_a.commitment.hex()


def test_the_sdk_draws_a_distinct_salt_for_each_offer(story: Story) -> None:
    assert len(story.sealed_a.salt) == 32
    assert story.sealed_a.salt != story.sealed_c.salt


def test_the_offer_kept_as_json_revealed_its_terms(ledger: SdkNode, story: Story) -> None:
    assert story.kept["offerId"] is None
    assert story.sealed_a.offer_id is not None
    with ledger.client(SUPPLIER_A) as supplier:
        offer = supplier.offer(story.sealed_a.offer_id)
    assert (offer.status, offer.terms, offer.supplier_exchange) == (
        OfferStatus.AWARDED,
        OfferTerms.listed(story.product_id, 1, LISTED_PRICE, 5),
        A,
    )


def test_the_buyer_sees_every_offer_revealed_and_the_loser_closed(
    ledger: SdkNode, story: Story
) -> None:
    with ledger.client(BUYER) as buyer:
        offers = buyer.demand_offers(story.demand_id)
    assert [(o.status, o.terms) for o in offers] == [
        (OfferStatus.AWARDED, OfferTerms.listed(story.product_id, 1, LISTED_PRICE, 5)),
        (OfferStatus.CLOSED, OfferTerms.proposal(h("fusion proposal"), PROPOSAL_PRICE, 45)),
    ]


def test_a_supplier_sees_only_its_own_offer(ledger: SdkNode, story: Story) -> None:
    with ledger.client(SUPPLIER_C) as supplier_c:
        offers = supplier_c.demand_offers(story.demand_id)
    assert [(o.offer_id, o.status) for o in offers] == [
        (story.sealed_c.offer_id, OfferStatus.CLOSED)
    ]


def test_the_award_creates_the_order_at_the_offer_s_price(ledger: SdkNode, story: Story) -> None:
    with ledger.client(BUYER) as buyer:
        order = buyer.order(story.order_id)
    assert (order.product_id, order.buyer, order.seller) == (
        story.product_id,
        BUYER.address,
        SUPPLIER_A.address,
    )
    assert (order.buyer_exchange, order.seller_exchange) == (B, A)
    assert int(order.terms["unitPrice"]) == LISTED_PRICE
    assert [e.event for e in story.awarded.events] == [
        "OrderCreated",
        "DemandAwarded",
        "OfferClosed",
    ]


def test_a_second_award_reverts_with_already_awarded(story: Story) -> None:
    revert = story.second_award.status.revert
    assert revert is not None
    assert (revert.error, revert.args) == (
        "AlreadyAwarded",
        {"demandId": story.demand_id, "awardedOffer": story.sealed_a.offer_id},
    )


def test_the_awarded_order_settles_and_its_certificate_verifies_offline(story: Story) -> None:
    assert [e.event for e in story.settled.events] == ["TradeSettled"]
    verdict = verify_certificate(story.certificate, story.genesis)
    assert (verdict.valid, verdict.settlement["orderId"]) == (True, story.order_id)
    assert verdict.settlement["certificate"]["amount"] == LISTED_PRICE


def test_the_demand_reads_awarded_with_its_public_history(ledger: SdkNode, story: Story) -> None:
    with ledger.client(SUPPLIER_C) as reader:
        demand = reader.demand(story.demand_id)
    assert (demand.status, demand.awarded_offer, demand.order_id, demand.offer_count) == (
        DemandStatus.AWARDED,
        story.sealed_a.offer_id,
        story.order_id,
        2,
    )
    assert demand.terms == demand_terms(TITLE, demand.terms.response_deadline)
    assert [e.event for e in demand.history] == ["DemandPosted"]


def _ids(demands: tuple[Demand, ...]) -> list[int]:
    return [d.demand_id for d in demands]


def test_demands_are_searched_by_status_words_and_budget(ledger: SdkNode, story: Story) -> None:
    with ledger.client(BUYER) as buyer:
        closed = buyer.search_demands(exchange=B, status="closed").items
        by_words = buyer.search_demands(text="port congest").items
        within = buyer.search_demands(budget=1_100_000, currency="CNY").items
        above = buyer.search_demands(budget=1_100_001).items
    assert {story.demand_id, story.withdrawn_id, story.taken_down_id} <= set(_ids(closed))
    assert DemandStatus.OPEN not in {d.status for d in closed}
    assert _ids(by_words) == [story.demand_id]
    assert set(_ids(within)) >= {story.demand_id, story.withdrawn_id, story.taken_down_id}
    assert story.demand_id not in _ids(above)


def test_a_withdrawn_demand_and_a_taken_down_one_read_so(ledger: SdkNode, story: Story) -> None:
    with ledger.client(BUYER) as buyer:
        withdrawn = buyer.demand(story.withdrawn_id)
        taken_down = buyer.demand(story.taken_down_id)
    assert (withdrawn.status, [e.event for e in withdrawn.history]) == (
        DemandStatus.WITHDRAWN,
        ["DemandPosted", "DemandWithdrawn"],
    )
    assert (taken_down.status, taken_down.history[-1].args["regulator"]) == (
        DemandStatus.TAKEN_DOWN,
        regulator().address,
    )


def test_a_reveal_with_another_salt_is_refused_before_any_transaction(
    ledger: SdkNode, story: Story
) -> None:
    altered = dataclasses.replace(story.sealed_a, salt=h("another salt"))
    with ledger.client(SUPPLIER_A) as supplier:
        before = supplier.nonce()
        with pytest.raises(OfferNotFound):
            supplier.reveal_offer(altered)
        assert supplier.nonce() == before


def test_a_proposal_award_is_quoted_as_fusion_development_without_a_grant(
    ledger: SdkNode, story: Story
) -> None:
    assert story.sealed_c.offer_id is not None
    with ledger.client(BUYER) as buyer:
        quoted = buyer.quote_award(story.sealed_c.offer_id, contract_hash=h("contract C"))
    assert (quoted.contract_type, quoted.grant) == (ContractType.FUSION_DEVELOPMENT, None)
    assert quoted.buyer_exchange_fee_bps == 150


def test_the_async_client_reads_the_same_demand(ledger: SdkNode, story: Story) -> None:
    async def read() -> Demand:
        async with AsyncClient(ledger.url, BUYER) as buyer:
            return await buyer.demand(story.demand_id)

    with ledger.client(BUYER) as buyer:
        assert asyncio.run(read()) == buyer.demand(story.demand_id)
