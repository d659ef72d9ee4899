"""DemandBoard: posting, sealed offers, reveals, shortlist, award into TradeSettlement,
withdrawal and take-down — every transition with its event fields, every refusal by its
custom error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from client.demand_events import DemandState, apply_event
from client.demand_offers import offer_commitment, offer_terms_tuple
from client.domain_events import Concerns, EventDecoder, Involvement, raw_log
from client.market_rebuild import decode_logs, plain
from tests.contracts.demand_pool import (
    BUDGET_MAX,
    BUDGET_MIN,
    DAY,
    LISTED_PRICE,
    PROPOSAL_PRICE,
    DemandPool,
    DemandStatus,
    OfferStatus,
    add_demand_pool,
)
from tests.contracts.market import (
    DOMESTIC_ONLY_PRODUCT,
    EXCHANGE_A,
    EXCHANGE_B,
    EXCHANGE_C,
    EXCHANGE_SUSPENDED,
    FIXED_PRODUCT,
    IMPORTANT_PRODUCT,
    OPERATION,
    BillStatus,
    ContractType,
    Market,
    OrderStatus,
    h,
)

SEALED_TERMS = {
    "productId": 0,
    "version": 0,
    "proposalHash": bytes(32),
    "price": 0,
    "deliveryDays": 0,
}


@pytest.fixture(scope="module")
def deployed_pool(deployed_market: Market) -> DemandPool:
    return add_demand_pool(deployed_market)


@pytest.fixture
def pool(deployed_pool: DemandPool) -> Iterator[DemandPool]:
    chain = deployed_pool.market.chain
    snapshot = chain.snapshot()
    yield deployed_pool
    chain.revert_to(snapshot)


def expect(pool: DemandPool, call: object, sender: str, error: str, *args: object) -> None:
    pool.market.chain.expect_revert(call, sender, error, *args)


# ----- initialisation -----


def test_initialize_cannot_run_a_second_time(pool: DemandPool) -> None:
    stranger = pool.market.stranger
    expect(pool, pool.board.functions.initialize(*[stranger] * 5), stranger, "AlreadyInitialized")


def test_the_implementation_is_locked_against_initialize(pool: DemandPool) -> None:
    implementation = pool.market.chain.deploy("DemandBoard")
    stranger = pool.market.stranger
    call = implementation.functions.initialize(*[stranger] * 5)
    expect(pool, call, stranger, "AlreadyInitialized")


def test_only_the_demand_board_creates_orders_for_a_buyer(pool: DemandPool) -> None:
    m = pool.market
    call = m.settlement.functions.createOrderFor(
        m.buyer, m.seller, EXCHANGE_A, 1, m.request(quantity=1)
    )
    expect(pool, call, m.buyer, "NotDemandBoard", m.buyer)


# ----- posting -----


def test_a_buyer_posts_a_demand_at_its_exchange(pool: DemandPool) -> None:
    m = pool.market
    terms = pool.demand_terms()
    receipt = m.chain.transact(pool.board.functions.post(terms), m.buyer)
    posted_at = m.chain.timestamp
    assert pool.events(receipt, "DemandPosted") == [
        {
            "demandId": 1,
            "buyer": m.buyer,
            "homeExchange": EXCHANGE_B,
            "terms": terms,
            "postedAt": posted_at,
        }
    ]
    assert pool.demand(1) == {
        "buyer": m.buyer,
        "status": DemandStatus.OPEN,
        "offerCount": 0,
        "postedAt": posted_at,
        "awardedOffer": 0,
        "orderId": 0,
        "terms": terms,
    }


def test_a_participant_without_the_buyer_role_cannot_post(pool: DemandPool) -> None:
    seller = pool.market.seller
    call = pool.board.functions.post(pool.demand_terms())
    expect(pool, call, seller, "NotActiveBuyer", seller)


def test_a_demand_is_not_posted_at_a_suspended_exchange(pool: DemandPool) -> None:
    call = pool.board.functions.post(pool.demand_terms(homeExchange=EXCHANGE_SUSPENDED))
    expect(pool, call, pool.market.buyer, "ExchangeNotActive", EXCHANGE_SUSPENDED)


@pytest.mark.parametrize(
    ("changes", "error", "args"),
    [
        ({"productType": 5}, "InvalidProductType", (5,)),
        ({"rights": 0}, "InvalidRights", (0,)),
        ({"rights": 8}, "InvalidRights", (8,)),
        ({"classificationCeiling": 2}, "InvalidClassification", (2,)),
        ({"budgetMax": 0, "budgetMin": 0}, "InvalidBudget", (0, 0)),
        ({"budgetMin": BUDGET_MAX + 1}, "InvalidBudget", (BUDGET_MAX + 1, BUDGET_MAX)),
        ({"currency": b"cny"}, "InvalidCurrency", (b"cny",)),
        ({"title": ""}, "InvalidTitleLength", (0,)),
        ({"title": "x" * 257}, "InvalidTitleLength", (257,)),
        ({"descriptionUri": ""}, "InvalidDescriptionUriLength", (0,)),
        ({"descriptionHash": bytes(32)}, "MissingHash", ()),
    ],
)
def test_malformed_demand_terms_are_refused_by_name(
    pool: DemandPool, changes: dict[str, object], error: str, args: tuple[object, ...]
) -> None:
    call = pool.board.functions.post(pool.demand_terms(**changes))
    expect(pool, call, pool.market.buyer, error, *args)


@pytest.mark.parametrize("offset", [-1, 367 * DAY])
def test_a_deadline_not_in_the_coming_year_is_refused(pool: DemandPool, offset: int) -> None:
    deadline = pool.market.chain.timestamp + offset
    call = pool.board.functions.post(pool.demand_terms(responseDeadline=deadline))
    expect(pool, call, pool.market.buyer, "InvalidDeadline", deadline)


# ----- sealed offers -----


def test_suppliers_at_any_exchange_make_sealed_offers(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    commitment = offer_commitment(
        demand_id, pool.supplier_c, pool.proposal_terms(), pool.salt(pool.supplier_c)
    )
    receipt = m.chain.transact(pool.board.functions.offer(demand_id, commitment), pool.supplier_c)
    sealed_at = m.chain.timestamp
    assert pool.events(receipt, "OfferSealed") == [
        {
            "demandId": demand_id,
            "offerId": 1,
            "supplier": pool.supplier_c,
            "supplierExchange": EXCHANGE_C,
            "commitment": commitment,
            "sealedAt": sealed_at,
        }
    ]
    assert pool.offer_record(1) == {
        "demandId": demand_id,
        "supplier": pool.supplier_c,
        "status": OfferStatus.SEALED,
        "sealedAt": sealed_at,
        "revealedAt": 0,
        "supplierExchange": EXCHANGE_C,
        "commitment": commitment,
        "terms": SEALED_TERMS,
    }
    assert pool.offer(demand_id, m.seller, pool.listed_terms()) == 2
    assert pool.board.functions.offerIds(demand_id).call() == [1, 2]
    assert pool.demand(demand_id)["offerCount"] == 2


def test_an_offer_is_taken_up_to_the_deadline_inclusive(pool: DemandPool) -> None:
    demand_id = pool.post()
    deadline = pool.demand(demand_id)["terms"]["responseDeadline"]
    pool.market.chain.tester.time_travel(deadline)
    assert pool.offer(demand_id, pool.supplier_c, pool.proposal_terms()) == 1
    assert pool.market.chain.timestamp == deadline


def test_an_offer_after_the_deadline_is_refused(pool: DemandPool) -> None:
    demand_id = pool.post()
    deadline = pool.demand(demand_id)["terms"]["responseDeadline"]
    pool.past_deadline()
    call = pool.board.functions.offer(demand_id, h("late"))
    expect(pool, call, pool.supplier_c, "DeadlinePassed", demand_id, deadline)


def test_an_offer_from_a_participant_without_the_supplier_role_is_refused(
    pool: DemandPool,
) -> None:
    demand_id = pool.post()
    call = pool.board.functions.offer(demand_id, h("offer"))
    expect(pool, call, pool.buyer_only, "NotSupplier", pool.buyer_only)


def test_an_offer_from_a_suspended_supplier_is_refused(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    m.chain.transact(
        m.participants.functions.suspend(pool.supplier_c, h("suspension")), m.operator_c
    )
    call = pool.board.functions.offer(demand_id, h("offer"))
    expect(pool, call, pool.supplier_c, "ParticipantNotActive", pool.supplier_c, 2)


def test_an_offer_from_an_unregistered_account_is_refused(pool: DemandPool) -> None:
    stranger = pool.market.stranger
    call = pool.board.functions.offer(pool.post(), h("offer"))
    expect(pool, call, stranger, "ParticipantNotActive", stranger, 0)


def test_a_buyer_cannot_offer_on_its_own_demand(pool: DemandPool) -> None:
    demand_id = pool.post(buyer=pool.trader)
    call = pool.board.functions.offer(demand_id, h("offer"))
    expect(pool, call, pool.trader, "OwnDemand", demand_id, pool.trader)


def test_a_supplier_offers_once_per_demand(pool: DemandPool) -> None:
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    call = pool.board.functions.offer(demand_id, h("second"))
    expect(pool, call, pool.supplier_c, "AlreadyOffered", demand_id, pool.supplier_c, offer_id)


def test_an_offer_needs_a_commitment(pool: DemandPool) -> None:
    call = pool.board.functions.offer(pool.post(), bytes(32))
    expect(pool, call, pool.supplier_c, "MissingHash")


def test_an_offer_on_an_unknown_demand_is_refused(pool: DemandPool) -> None:
    call = pool.board.functions.offer(9, h("offer"))
    expect(pool, call, pool.supplier_c, "UnknownDemand", 9)


def test_an_offer_on_a_withdrawn_demand_is_refused(pool: DemandPool) -> None:
    demand_id = pool.post()
    pool.market.chain.transact(pool.board.functions.withdraw(demand_id), pool.market.buyer)
    call = pool.board.functions.offer(demand_id, h("offer"))
    expect(pool, call, pool.supplier_c, "DemandNotOpen", demand_id, DemandStatus.WITHDRAWN)


def test_a_demand_takes_at_most_64_offers(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    for index in range(64):
        supplier = m.chain.account(30 + index)
        m.register(supplier, 1, operator=m.operator_a)
        m.chain.transact(pool.board.functions.offer(demand_id, h(f"offer {index}")), supplier)
    call = pool.board.functions.offer(demand_id, h("one too many"))
    expect(pool, call, pool.supplier_c, "TooManyOffers", demand_id, 64)


# ----- reveals -----


def test_a_supplier_reveals_its_listed_product_after_the_deadline(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, m.seller, pool.listed_terms())
    pool.past_deadline()
    receipt = pool.reveal(offer_id, m.seller, pool.listed_terms())
    revealed_at = m.chain.timestamp
    assert pool.events(receipt, "OfferRevealed") == [
        {
            "demandId": demand_id,
            "offerId": offer_id,
            "supplier": m.seller,
            "terms": pool.listed_terms(),
            "revealedAt": revealed_at,
        }
    ]
    record = pool.offer_record(offer_id)
    assert (record["status"], record["revealedAt"], record["terms"]) == (
        OfferStatus.REVEALED,
        revealed_at,
        pool.listed_terms(),
    )


def test_a_supplier_reveals_a_proposal_for_a_product_to_be_made(pool: DemandPool) -> None:
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    pool.past_deadline()
    pool.reveal(offer_id, pool.supplier_c, pool.proposal_terms())
    assert pool.offer_record(offer_id)["terms"] == pool.proposal_terms()


def test_a_reveal_before_the_deadline_is_refused(pool: DemandPool) -> None:
    demand_id = pool.post()
    deadline = pool.demand(demand_id)["terms"]["responseDeadline"]
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    call = pool.reveal_call(offer_id, pool.supplier_c, pool.proposal_terms())
    expect(pool, call, pool.supplier_c, "DeadlineNotPassed", demand_id, deadline)


def test_a_reveal_that_does_not_match_the_commitment_is_refused(pool: DemandPool) -> None:
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    pool.past_deadline()
    cheaper = pool.proposal_terms(price=PROPOSAL_PRICE - 1)
    revealed = offer_commitment(demand_id, pool.supplier_c, cheaper, pool.salt(pool.supplier_c))
    committed = pool.offer_record(offer_id)["commitment"]
    call = pool.reveal_call(offer_id, pool.supplier_c, cheaper)
    expect(pool, call, pool.supplier_c, "CommitmentMismatch", offer_id, committed, revealed)


def test_only_the_offering_supplier_reveals(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    pool.past_deadline()
    call = pool.reveal_call(offer_id, pool.supplier_c, pool.proposal_terms())
    expect(pool, call, m.seller, "NotOfferSupplier", offer_id, m.seller)


def test_a_commitment_copied_by_another_supplier_cannot_be_revealed(pool: DemandPool) -> None:
    """The supplier's address is in the commitment: a copy reveals to another hash."""
    m = pool.market
    demand_id = pool.post()
    terms = pool.proposal_terms()
    copied = offer_commitment(demand_id, pool.supplier_c, terms, pool.salt(pool.supplier_c))
    m.chain.transact(pool.board.functions.offer(demand_id, copied), m.seller)
    pool.past_deadline()
    own = offer_commitment(demand_id, m.seller, terms, pool.salt(pool.supplier_c))
    call = pool.board.functions.reveal(1, offer_terms_tuple(terms), pool.salt(pool.supplier_c))
    expect(pool, call, m.seller, "CommitmentMismatch", 1, copied, own)


def test_an_offer_is_revealed_once(pool: DemandPool) -> None:
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    pool.past_deadline()
    pool.reveal(offer_id, pool.supplier_c, pool.proposal_terms())
    call = pool.reveal_call(offer_id, pool.supplier_c, pool.proposal_terms())
    expect(pool, call, pool.supplier_c, "OfferNotInStatus", offer_id, OfferStatus.REVEALED)


def test_an_unknown_offer_is_refused(pool: DemandPool) -> None:
    call = pool.reveal_call(7, pool.supplier_c, pool.proposal_terms())
    expect(pool, call, pool.supplier_c, "UnknownOffer", 7)


def _refused_reveal(
    pool: DemandPool,
    supplier: str,
    terms: dict[str, object],
    error: str,
    *args: object,
    **demand: object,
) -> None:
    demand_id = pool.post(**demand)  # type: ignore[arg-type]
    offer_id = pool.offer(demand_id, supplier, terms)
    pool.past_deadline()
    expect(pool, pool.reveal_call(offer_id, supplier, terms), supplier, error, *args)
    assert pool.offer_record(offer_id)["status"] == OfferStatus.SEALED


@pytest.mark.parametrize(
    "terms",
    [
        {"productId": 1, "version": 1, "proposalHash": h("both")},
        {"productId": 0, "version": 0, "proposalHash": bytes(32)},
        {"productId": 0, "version": 3, "proposalHash": h("proposal")},
    ],
)
def test_an_offer_names_either_a_listed_version_or_a_proposal(
    pool: DemandPool, terms: dict[str, object]
) -> None:
    chosen = pool.listed_terms(**terms)
    _refused_reveal(
        pool, pool.market.seller, chosen, "InvalidOfferSubject",
        terms["productId"], terms["version"], terms["proposalHash"],
    )  # fmt: skip


def test_an_offer_without_a_delivery_time_is_refused(pool: DemandPool) -> None:
    terms = pool.proposal_terms(deliveryDays=0)
    _refused_reveal(pool, pool.supplier_c, terms, "ZeroDeliveryDays")


def test_a_price_above_the_budget_is_refused(pool: DemandPool) -> None:
    terms = pool.proposal_terms(price=BUDGET_MAX + 1)
    _refused_reveal(pool, pool.supplier_c, terms, "PriceAboveBudget", BUDGET_MAX + 1, BUDGET_MAX)


def test_a_price_below_the_budget_s_minimum_is_accepted(pool: DemandPool) -> None:
    demand_id = pool.post()
    terms = pool.proposal_terms(price=BUDGET_MIN - 1)
    offer_id = pool.offer(demand_id, pool.supplier_c, terms)
    pool.past_deadline()
    pool.reveal(offer_id, pool.supplier_c, terms)
    assert pool.offer_record(offer_id)["terms"]["price"] == BUDGET_MIN - 1


def test_an_offer_of_a_product_no_longer_listed_is_refused(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, m.seller, pool.listed_terms())
    m.suspend_product(FIXED_PRODUCT)
    pool.past_deadline()
    call = pool.reveal_call(offer_id, m.seller, pool.listed_terms())
    expect(pool, call, m.seller, "ProductNotListed", FIXED_PRODUCT, 4)


def test_an_offer_of_another_version_than_the_listed_one_is_refused(pool: DemandPool) -> None:
    terms = pool.listed_terms(version=2)
    _refused_reveal(pool, pool.market.seller, terms, "VersionMismatch", FIXED_PRODUCT, 1, 2)


def test_an_offer_of_another_supplier_s_product_is_refused(pool: DemandPool) -> None:
    terms = pool.listed_terms()
    supplier = pool.supplier_c
    _refused_reveal(pool, supplier, terms, "NotProductSupplier", FIXED_PRODUCT, supplier)


def test_an_offer_of_another_product_type_is_refused(pool: DemandPool) -> None:
    _refused_reveal(
        pool, pool.market.seller, pool.listed_terms(), "ProductTypeMismatch", FIXED_PRODUCT, 0, 1,
        productType=1,
    )  # fmt: skip


def test_an_offer_of_a_product_without_the_wanted_rights_is_refused(pool: DemandPool) -> None:
    wanted = OPERATION | 2
    _refused_reveal(
        pool, pool.market.seller, pool.listed_terms(), "RightsNotOffered", FIXED_PRODUCT, 3,
        wanted, rights=wanted,
    )  # fmt: skip


def test_an_offer_above_the_classification_ceiling_is_refused(pool: DemandPool) -> None:
    terms = pool.listed_terms(IMPORTANT_PRODUCT)
    _refused_reveal(
        pool, pool.market.seller, terms, "ClassificationAboveCeiling", IMPORTANT_PRODUCT, 1, 0
    )


def test_important_data_within_an_important_ceiling_is_accepted(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post(classificationCeiling=1)
    terms = pool.listed_terms(IMPORTANT_PRODUCT)
    offer_id = pool.offer(demand_id, m.seller, terms)
    pool.past_deadline()
    pool.reveal(offer_id, m.seller, terms)
    assert pool.offer_record(offer_id)["status"] == OfferStatus.REVEALED


def test_a_product_closed_to_export_is_refused_to_a_buyer_outside_the_mainland(
    pool: DemandPool,
) -> None:
    m = pool.market
    terms = pool.listed_terms(DOMESTIC_ONLY_PRODUCT)
    _refused_reveal_for(pool, m.foreign_buyer, m.seller, terms, "ExportNotAllowed", 4)


def test_important_data_for_a_buyer_outside_the_mainland_needs_an_export_basis(
    pool: DemandPool,
) -> None:
    m = pool.market
    terms = pool.listed_terms(IMPORTANT_PRODUCT)
    _refused_reveal_for(
        pool, m.foreign_buyer, m.seller, terms, "ExportBasisRequired", IMPORTANT_PRODUCT,
        m.foreign_buyer, classificationCeiling=1,
    )  # fmt: skip


def test_a_product_to_be_made_cannot_be_offered_to_a_buyer_outside_the_mainland(
    pool: DemandPool,
) -> None:
    m = pool.market
    terms = pool.proposal_terms()
    _refused_reveal_for(pool, m.foreign_buyer, pool.supplier_c, terms, "ExportNotAllowed", 0)


def _refused_reveal_for(
    pool: DemandPool,
    buyer: str,
    supplier: str,
    terms: dict[str, object],
    error: str,
    *args: object,
    **demand: object,
) -> None:
    demand_id = pool.post(buyer=buyer, **demand)  # type: ignore[arg-type]
    offer_id = pool.offer(demand_id, supplier, terms)
    pool.past_deadline()
    expect(pool, pool.reveal_call(offer_id, supplier, terms), supplier, error, *args)


def test_a_supplier_suspended_since_its_offer_cannot_reveal(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    m.chain.transact(
        m.participants.functions.suspend(pool.supplier_c, h("suspension")), m.operator_c
    )
    pool.past_deadline()
    call = pool.reveal_call(offer_id, pool.supplier_c, pool.proposal_terms())
    expect(pool, call, pool.supplier_c, "ParticipantNotActive", pool.supplier_c, 2)


# ----- shortlist -----


def test_the_buyer_shortlists_a_revealed_offer(pool: DemandPool) -> None:
    m = pool.market
    demand_id, offer_a, _ = pool.two_revealed_offers()
    receipt = m.chain.transact(pool.board.functions.shortlist(offer_a), m.buyer)
    assert pool.events(receipt, "OfferShortlisted") == [
        {"demandId": demand_id, "offerId": offer_a, "supplier": m.seller, "buyer": m.buyer}
    ]
    assert pool.offer_record(offer_a)["status"] == OfferStatus.SHORTLISTED


def test_only_the_demand_s_buyer_shortlists(pool: DemandPool) -> None:
    demand_id, offer_a, _ = pool.two_revealed_offers()
    call = pool.board.functions.shortlist(offer_a)
    expect(pool, call, pool.trader, "NotDemandBuyer", demand_id, pool.trader)


def test_a_sealed_offer_cannot_be_shortlisted(pool: DemandPool) -> None:
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    pool.past_deadline()
    call = pool.board.functions.shortlist(offer_id)
    expect(pool, call, pool.market.buyer, "OfferNotInStatus", offer_id, OfferStatus.SEALED)


# ----- award -----


def test_awarding_a_listed_product_offer_creates_the_order_and_closes_the_others(
    pool: DemandPool,
) -> None:
    m = pool.market
    demand_id, offer_a, offer_c = pool.two_revealed_offers()
    award = pool.award_terms()
    receipt = m.chain.transact(pool.board.functions.award(offer_a, award), m.buyer)
    awarded_at = m.chain.timestamp
    order_id = int(m.settlement.functions.orderCount().call())
    assert pool.events(receipt, "DemandAwarded") == [
        {
            "demandId": demand_id,
            "offerId": offer_a,
            "orderId": order_id,
            "buyer": m.buyer,
            "supplier": m.seller,
            "supplierExchange": EXCHANGE_A,
            "terms": pool.listed_terms(),
            "contractType": ContractType.DATA_PROVISION,
            "contractHash": h("signed demand contract"),
            "awardedAt": awarded_at,
        }
    ]
    assert pool.events(receipt, "OfferClosed") == [
        {
            "demandId": demand_id,
            "offerId": offer_c,
            "supplier": pool.supplier_c,
            "previous": OfferStatus.REVEALED,
            "demandStatus": DemandStatus.AWARDED,
        }
    ]
    demand = pool.demand(demand_id)
    assert (demand["status"], demand["awardedOffer"], demand["orderId"]) == (
        DemandStatus.AWARDED,
        offer_a,
        order_id,
    )
    assert pool.offer_record(offer_a)["status"] == OfferStatus.AWARDED
    assert pool.offer_record(offer_c)["status"] == OfferStatus.CLOSED
    order = m.order(order_id)
    assert {k: order[k] for k in ORDER_FIELDS} == {
        "buyer": m.buyer,
        "seller": m.seller,
        "productId": FIXED_PRODUCT,
        "version": 1,
        "buyerExchange": EXCHANGE_B,
        "sellerExchange": EXCHANGE_A,
        "quantity": 1,
        "unitPrice": LISTED_PRICE,
        "currency": b"CNY",
        "contractType": ContractType.DATA_PROVISION,
        "metered": False,
        "status": OrderStatus.CREATED,
        "offerId": offer_a,
    }


ORDER_FIELDS = (
    "buyer", "seller", "productId", "version", "buyerExchange", "sellerExchange", "quantity",
    "unitPrice", "currency", "contractType", "metered", "status", "offerId",
)  # fmt: skip


def test_an_awarded_product_to_be_made_settles_without_a_grant(pool: DemandPool) -> None:
    """The order of a proposal: sold by the C supplier through its home exchange (the listing
    side of the fee split), no grant issued, settled with the offer in its certificate."""
    m = pool.market
    _, offer_a, offer_c = pool.two_revealed_offers()
    m.chain.transact(pool.board.functions.award(offer_c, pool.award_terms(True)), m.buyer)
    order_id = int(m.settlement.functions.orderCount().call())
    order = m.order(order_id)
    assert {k: order[k] for k in ORDER_FIELDS} == {
        "buyer": m.buyer,
        "seller": pool.supplier_c,
        "productId": 0,
        "version": 0,
        "buyerExchange": EXCHANGE_B,
        "sellerExchange": EXCHANGE_C,
        "quantity": 1,
        "unitPrice": PROPOSAL_PRICE,
        "currency": b"CNY",
        "contractType": ContractType.FUSION_DEVELOPMENT,
        "metered": False,
        "status": OrderStatus.CREATED,
        "offerId": offer_c,
    }
    assert pool.offer_record(offer_a)["status"] == OfferStatus.CLOSED
    settlement = m.settlement.functions
    m.chain.transact(settlement.accept(order_id), pool.supplier_c)
    paid = m.chain.transact(settlement.pay(order_id, 0, h("payment")), m.operator_b)
    assert m.chain.events(paid, m.settlement, "AuthorizationIssued") == []
    m.chain.transact(settlement.deliver(order_id, h("delivery")), pool.supplier_c)
    receipt = m.chain.transact(settlement.confirm(order_id, 0), m.buyer)
    [settled] = m.chain.events(receipt, m.settlement, "TradeSettled")
    certificate = dict(settled["certificate"])
    assert {k: certificate[k] for k in ("productId", "seller", "sellerExchange", "grantId")} == {
        "productId": 0,
        "seller": pool.supplier_c,
        "sellerExchange": EXCHANGE_C,
        "grantId": 0,
    }
    assert (certificate["offerId"], certificate["amount"]) == (offer_c, PROPOSAL_PRICE)
    buyer_fee = PROPOSAL_PRICE * 150 // 10_000
    assert dict(certificate["legs"]) == {
        "buyerRefund": 0,
        "listingFee": 0,
        "buyerExchangeFee": buyer_fee,
        "supplier": PROPOSAL_PRICE - buyer_fee,
    }
    assert m.bill(order_id)["status"] == BillStatus.SETTLED


def test_an_awarded_listed_product_issues_the_grant_when_paid(pool: DemandPool) -> None:
    m = pool.market
    _, offer_a, _ = pool.two_revealed_offers()
    m.chain.transact(pool.board.functions.award(offer_a, pool.award_terms()), m.buyer)
    order_id = int(m.settlement.functions.orderCount().call())
    m.chain.transact(m.settlement.functions.accept(order_id), m.seller)
    paid = m.chain.transact(m.settlement.functions.pay(order_id, 0, h("payment")), m.operator_b)
    [issued] = m.chain.events(paid, m.settlement, "AuthorizationIssued")
    assert m.order(order_id)["grantId"] == issued["grantId"] != 0


def test_a_shortlisted_offer_is_awarded(pool: DemandPool) -> None:
    m = pool.market
    _, offer_a, _ = pool.two_revealed_offers()
    m.chain.transact(pool.board.functions.shortlist(offer_a), m.buyer)
    m.chain.transact(pool.board.functions.award(offer_a, pool.award_terms()), m.buyer)
    assert pool.offer_record(offer_a)["status"] == OfferStatus.AWARDED


def test_an_unrevealed_offer_is_closed_at_the_award(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    offer_a = pool.offer(demand_id, m.seller, pool.listed_terms())
    offer_c = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    pool.past_deadline()
    pool.reveal(offer_a, m.seller, pool.listed_terms())
    receipt = m.chain.transact(pool.board.functions.award(offer_a, pool.award_terms()), m.buyer)
    [closed] = pool.events(receipt, "OfferClosed")
    assert (closed["offerId"], closed["previous"]) == (offer_c, OfferStatus.SEALED)


def test_a_second_award_is_refused(pool: DemandPool) -> None:
    m = pool.market
    demand_id, offer_a, offer_c = pool.two_revealed_offers()
    m.chain.transact(pool.board.functions.award(offer_a, pool.award_terms()), m.buyer)
    call = pool.board.functions.award(offer_c, pool.award_terms(True))
    expect(pool, call, m.buyer, "AlreadyAwarded", demand_id, offer_a)


def test_only_the_demand_s_buyer_awards(pool: DemandPool) -> None:
    demand_id, offer_a, _ = pool.two_revealed_offers()
    call = pool.board.functions.award(offer_a, pool.award_terms())
    expect(pool, call, pool.trader, "NotDemandBuyer", demand_id, pool.trader)


def test_a_sealed_offer_cannot_be_awarded(pool: DemandPool) -> None:
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    pool.past_deadline()
    call = pool.board.functions.award(offer_id, pool.award_terms(True))
    expect(pool, call, pool.market.buyer, "OfferNotInStatus", offer_id, OfferStatus.SEALED)


@pytest.mark.parametrize(
    "contract_type", [ContractType.DATA_PROVISION, ContractType.INTERMEDIARY_SERVICE, 4]
)
def test_a_product_to_be_made_is_ordered_as_fusion_development_or_entrusted_processing(
    pool: DemandPool, contract_type: int
) -> None:
    _, _, offer_c = pool.two_revealed_offers()
    call = pool.board.functions.award(offer_c, pool.award_terms(True, contractType=contract_type))
    expect(pool, call, pool.market.buyer, "InvalidContractType", contract_type)


def test_entrusted_processing_is_a_contract_for_a_product_to_be_made(pool: DemandPool) -> None:
    m = pool.market
    _, _, offer_c = pool.two_revealed_offers()
    award = pool.award_terms(True, contractType=ContractType.ENTRUSTED_PROCESSING)
    m.chain.transact(pool.board.functions.award(offer_c, award), m.buyer)
    order_id = int(m.settlement.functions.orderCount().call())
    assert m.order(order_id)["contractType"] == ContractType.ENTRUSTED_PROCESSING


def test_a_product_to_be_made_takes_no_grant(pool: DemandPool) -> None:
    _, _, offer_c = pool.two_revealed_offers()
    award = pool.award_terms(True, grant={"right": 2})
    call = pool.board.functions.award(offer_c, award)
    expect(pool, call, pool.market.buyer, "GrantNotApplicable", offer_c)


def test_the_award_names_the_published_fee_rates(pool: DemandPool) -> None:
    _, offer_a, _ = pool.two_revealed_offers()
    call = pool.board.functions.award(offer_a, pool.award_terms(listingFeeBps=100))
    expect(pool, call, pool.market.buyer, "FeeRateMismatch", EXCHANGE_A, 250, 100)
    assert pool.offer_record(offer_a)["status"] == OfferStatus.REVEALED


def test_an_award_to_a_product_updated_since_the_reveal_is_refused(pool: DemandPool) -> None:
    m = pool.market
    _, offer_a, _ = pool.two_revealed_offers()
    m.reprice(FIXED_PRODUCT, 99)
    call = pool.board.functions.award(offer_a, pool.award_terms())
    expect(pool, call, m.buyer, "VersionMismatch", FIXED_PRODUCT, 2, 1)


def test_a_suspended_buyer_cannot_award(pool: DemandPool) -> None:
    m = pool.market
    _, offer_a, _ = pool.two_revealed_offers()
    m.chain.transact(m.participants.functions.suspend(m.buyer, h("suspension")), m.operator_b)
    call = pool.board.functions.award(offer_a, pool.award_terms())
    expect(pool, call, m.buyer, "NotActiveBuyer", m.buyer)


# ----- withdrawal -----


def test_the_buyer_withdraws_an_open_demand_and_its_offers_close(pool: DemandPool) -> None:
    m = pool.market
    demand_id, offer_a, offer_c = pool.two_revealed_offers()
    receipt = m.chain.transact(pool.board.functions.withdraw(demand_id), m.buyer)
    assert pool.events(receipt, "DemandWithdrawn") == [
        {"demandId": demand_id, "buyer": m.buyer, "withdrawnAt": m.chain.timestamp}
    ]
    assert [e["offerId"] for e in pool.events(receipt, "OfferClosed")] == [offer_a, offer_c]
    assert {e["demandStatus"] for e in pool.events(receipt, "OfferClosed")} == {
        DemandStatus.WITHDRAWN
    }
    assert pool.demand(demand_id)["status"] == DemandStatus.WITHDRAWN


def test_only_the_buyer_withdraws(pool: DemandPool) -> None:
    demand_id = pool.post()
    call = pool.board.functions.withdraw(demand_id)
    expect(pool, call, pool.trader, "NotDemandBuyer", demand_id, pool.trader)


def test_an_awarded_demand_cannot_be_withdrawn(pool: DemandPool) -> None:
    m = pool.market
    demand_id, offer_a, _ = pool.two_revealed_offers()
    m.chain.transact(pool.board.functions.award(offer_a, pool.award_terms()), m.buyer)
    call = pool.board.functions.withdraw(demand_id)
    expect(pool, call, m.buyer, "AlreadyAwarded", demand_id, offer_a)


def test_a_withdrawn_demand_is_neither_withdrawn_again_nor_awarded(pool: DemandPool) -> None:
    m = pool.market
    demand_id, offer_a, _ = pool.two_revealed_offers()
    m.chain.transact(pool.board.functions.withdraw(demand_id), m.buyer)
    withdrawn = DemandStatus.WITHDRAWN
    call = pool.board.functions.withdraw(demand_id)
    expect(pool, call, m.buyer, "DemandNotOpen", demand_id, withdrawn)
    call = pool.board.functions.award(offer_a, pool.award_terms())
    expect(pool, call, m.buyer, "DemandNotOpen", demand_id, withdrawn)


def test_an_unknown_demand_cannot_be_withdrawn(pool: DemandPool) -> None:
    call = pool.board.functions.withdraw(5)
    expect(pool, call, pool.market.buyer, "UnknownDemand", 5)


# ----- take-down -----


def test_a_regulator_takes_down_an_open_demand_and_its_offers_close(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    offer_id = pool.offer(demand_id, pool.supplier_c, pool.proposal_terms())
    receipt = m.chain.transact(
        pool.board.functions.takeDown(demand_id, h("unlawful demand")), m.regulator
    )
    assert pool.events(receipt, "DemandTakenDown") == [
        {
            "demandId": demand_id,
            "regulator": m.regulator,
            "reasonHash": h("unlawful demand"),
            "previous": DemandStatus.OPEN,
            "takenDownAt": m.chain.timestamp,
        }
    ]
    assert pool.events(receipt, "OfferClosed") == [
        {
            "demandId": demand_id,
            "offerId": offer_id,
            "supplier": pool.supplier_c,
            "previous": OfferStatus.SEALED,
            "demandStatus": DemandStatus.TAKEN_DOWN,
        }
    ]
    assert pool.demand(demand_id)["status"] == DemandStatus.TAKEN_DOWN


def test_an_awarded_demand_is_taken_down_and_its_order_stands(pool: DemandPool) -> None:
    m = pool.market
    demand_id, offer_a, _ = pool.two_revealed_offers()
    m.chain.transact(pool.board.functions.award(offer_a, pool.award_terms()), m.buyer)
    receipt = m.chain.transact(pool.board.functions.takeDown(demand_id, h("reason")), m.regulator)
    assert pool.events(receipt, "OfferClosed") == []
    assert pool.events(receipt, "DemandTakenDown")[0]["previous"] == DemandStatus.AWARDED
    order_id = pool.demand(demand_id)["orderId"]
    assert m.order(order_id)["status"] == OrderStatus.CREATED


def test_only_a_regulator_takes_down(pool: DemandPool) -> None:
    m = pool.market
    call = pool.board.functions.takeDown(pool.post(), h("reason"))
    expect(pool, call, m.operator_b, "NotRegulator", m.operator_b)


def test_a_take_down_needs_a_reason(pool: DemandPool) -> None:
    call = pool.board.functions.takeDown(pool.post(), bytes(32))
    expect(pool, call, pool.market.regulator, "MissingHash")


def test_a_withdrawn_demand_cannot_be_taken_down(pool: DemandPool) -> None:
    m = pool.market
    demand_id = pool.post()
    m.chain.transact(pool.board.functions.withdraw(demand_id), m.buyer)
    call = pool.board.functions.takeDown(demand_id, h("reason"))
    expect(pool, call, m.regulator, "DemandNotOpen", demand_id, DemandStatus.WITHDRAWN)


# ----- the record rebuilt from events -----


def test_every_demand_and_offer_rebuilds_from_the_events_alone(pool: DemandPool) -> None:
    m = pool.market
    _, offer_a, _ = pool.two_revealed_offers()
    m.chain.transact(pool.board.functions.shortlist(offer_a), m.buyer)
    m.chain.transact(pool.board.functions.award(offer_a, pool.award_terms()), m.buyer)
    withdrawn = pool.post()
    pool.offer(withdrawn, pool.supplier_c, pool.proposal_terms())
    m.chain.transact(pool.board.functions.withdraw(withdrawn), m.buyer)
    taken_down = pool.post(buyer=pool.trader)
    m.chain.transact(pool.board.functions.takeDown(taken_down, h("reason")), m.regulator)

    logs = m.chain.w3.eth.get_logs({"fromBlock": 0, "address": pool.board.address})
    state = DemandState()
    for event in decode_logs(logs, {"DemandBoard": pool.board.address}):
        apply_event(state, event.name, event.args)
    count = int(pool.board.functions.demandCount().call())
    assert {i: plain(state.demands[i]) for i in state.demands} == {
        i: pool.demand(i) for i in range(1, count + 1)
    }
    offers = int(pool.board.functions.offerCount().call())
    assert {i: plain(state.offers[i]) for i in state.offers} == {
        i: pool.offer_record(i) for i in range(1, offers + 1)
    }
    assert state.offer_ids[1] == pool.board.functions.offerIds(1).call()


# ----- who each event concerns -----


def test_offers_concern_their_supplier_and_the_demand_s_buyer_never_a_competitor(
    pool: DemandPool,
) -> None:
    m = pool.market
    demand_id, offer_a, offer_c = pool.two_revealed_offers()
    m.chain.transact(pool.board.functions.award(offer_a, pool.award_terms()), m.buyer)
    addresses = {name: contract.address for name, contract in m.system.contracts.items()}
    decoder, involvement = EventDecoder(addresses), Involvement()
    logs = m.chain.w3.eth.get_logs({"fromBlock": 0, "address": list(addresses.values())})
    seen = []
    for log in logs:
        event = decoder.decode(raw_log(log["address"], log["topics"], log["data"]))
        concerns = involvement.concerns(event)
        if event.contract == "DemandBoard" and event.args.get("demandId") == demand_id:
            seen.append((event.name, event.args.get("offerId", 0), concerns))
    b, a, c = "SHDE", "SZDE", "GZDE"
    buyer, seller, supplier_c = m.buyer, m.seller, pool.supplier_c

    def concern(exchanges: set[str], parties: set[str], public: bool = False) -> Concerns:
        return Concerns(tuple(sorted(exchanges)), tuple(sorted(parties)), public)

    assert seen == [
        ("DemandPosted", 0, concern({b}, {buyer}, True)),
        ("OfferSealed", offer_a, concern({a, b}, {buyer, seller})),
        ("OfferSealed", offer_c, concern({b, c}, {buyer, supplier_c})),
        ("OfferRevealed", offer_a, concern({a, b}, {buyer, seller})),
        ("OfferRevealed", offer_c, concern({b, c}, {buyer, supplier_c})),
        ("DemandAwarded", offer_a, concern({a, b}, {buyer, seller})),
        ("OfferClosed", offer_c, concern({b, c}, {buyer, supplier_c})),
    ]
