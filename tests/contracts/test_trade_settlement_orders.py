"""TradeSettlement: initialization, fee schedules, order creation, acceptance and cancellation."""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils import keccak

from tests.contracts.harness import artifact
from tests.contracts.market import (
    A_LISTING_FEE,
    B_BUYER_EXCHANGE_FEE,
    BUYER,
    DELIVERY_DEADLINE,
    DISPUTE_WINDOW,
    EXCHANGE_A,
    EXCHANGE_B,
    EXCHANGE_C,
    EXCHANGE_SUSPENDED,
    FIXED_PRICE,
    FIXED_PRODUCT,
    HOLDING,
    INSPECTION_PERIOD,
    OPERATION,
    PER_CALL_PRODUCT,
    PROCESSING_USE,
    SUPPLIER,
    BillStatus,
    ContractType,
    Market,
    OrderStatus,
    PriceModel,
    ProductStatus,
    events,
    h,
)

LAYOUT_SLOT = (
    int.from_bytes(keccak((int.from_bytes(keccak(text="dcl.TradeSettlement")) - 1).to_bytes(32)))
    & ~0xFF
)


def _expect_order_rejected(market: Market, request: dict[str, Any], error: str, *args: Any) -> None:
    market.chain.expect_revert(
        market.settlement.functions.createOrder(request), market.buyer, error, *args
    )
    assert market.settlement.functions.orderCount().call() == 0


# ----- initialization and storage -----


def test_initialize_cannot_run_a_second_time(market: Market) -> None:
    call = market.settlement.functions.initialize(*[market.stranger] * 6)
    market.chain.expect_revert(call, market.stranger, "AlreadyInitialized")


def test_the_implementation_is_locked_against_initialize(market: Market) -> None:
    implementation = market.chain.deploy("TradeSettlement")
    call = implementation.functions.initialize(*[market.stranger] * 6)
    market.chain.expect_revert(call, market.stranger, "AlreadyInitialized")


def test_initialize_rejects_a_zero_registry_address(market: Market) -> None:
    chain = market.chain
    implementation = chain.deploy("TradeSettlement")
    zero = "0x" + "00" * 20
    init = implementation.functions.initialize(
        market.exchanges.address,
        zero,
        market.products.address,
        market.authorizations.address,
        market.export_bases.address,
        market.demand_board.address,
    )._encode_transaction_data()
    compiled = artifact("UpgradeProxy")
    proxy = chain.w3.eth.contract(abi=compiled.abi, bytecode=compiled.bytecode)
    constructor = proxy.constructor(implementation.address, market.exchanges.address, init)
    chain.expect_revert(constructor, chain.accounts[0], "ZeroAddress")


def test_state_lives_in_the_erc7201_namespace_of_the_proxy(market: Market) -> None:
    market.create()
    storage = market.chain.w3.eth.get_storage_at
    base = storage(market.settlement.address, LAYOUT_SLOT)
    assert base[-21:] == bytes.fromhex(market.exchanges.address[2:]) + b"\x01"
    participants = storage(market.settlement.address, LAYOUT_SLOT + 1)
    assert participants[-20:] == bytes.fromhex(market.participants.address[2:])
    assert int.from_bytes(storage(market.settlement.address, LAYOUT_SLOT + 4)) == 1


def test_an_upgrade_keeps_the_orders(market: Market) -> None:
    order_id = market.accepted()
    before = market.order(order_id)
    second = market.chain.deploy("TradeSettlement")
    market.system.upgrade("TradeSettlement", second.address)
    assert market.order(order_id) == before


# ----- fee schedules -----


def test_an_operator_publishes_its_exchange_fee_schedule(market: Market) -> None:
    receipt = market.chain.transact(
        market.settlement.functions.setFeeSchedule(120, 80), market.operator_c
    )
    assert events(market, receipt, "FeeScheduleSet") == [
        {
            "exchange": EXCHANGE_C,
            "listingFeeBps": 120,
            "buyerExchangeFeeBps": 80,
            "operator": market.operator_c,
        }
    ]
    assert market.settlement.functions.feeSchedule(EXCHANGE_C).call() == (120, 80)


def test_a_non_operator_cannot_publish_a_fee_schedule(market: Market) -> None:
    call = market.settlement.functions.setFeeSchedule(1, 1)
    market.chain.expect_revert(call, market.stranger, "NotExchangeOperator", market.stranger)


def test_an_operator_of_a_suspended_exchange_cannot_publish_a_fee_schedule(market: Market) -> None:
    call = market.settlement.functions.setFeeSchedule(1, 1)
    operator = market.operator_suspended
    market.chain.expect_revert(call, operator, "NotExchangeOperator", operator)


@pytest.mark.parametrize(
    ("listing", "buyer_side", "rate", "cap"), [(301, 0, 301, 300), (0, 201, 201, 200)]
)
def test_a_fee_above_the_consortium_cap_is_rejected(
    market: Market, listing: int, buyer_side: int, rate: int, cap: int
) -> None:
    call = market.settlement.functions.setFeeSchedule(listing, buyer_side)
    market.chain.expect_revert(call, market.operator_c, "FeeAboveCap", rate, cap)


# ----- creating orders -----


def test_a_buyer_creates_an_order_on_a_listed_version(market: Market) -> None:
    request = market.request(quantity=3, contractType=ContractType.FUSION_DEVELOPMENT)
    receipt = market.chain.transact(market.settlement.functions.createOrder(request), market.buyer)
    stored = market.order(1)
    [created] = events(market, receipt, "OrderCreated")
    assert created["orderId"] == 1
    assert {**created["order"], "grant": tuple(created["order"]["grant"].values())} == stored
    assert {key: value for key, value in stored.items() if key != "grant"} == {
        "buyer": market.buyer,
        "seller": market.seller,
        "productId": FIXED_PRODUCT,
        "version": 1,
        "buyerExchange": EXCHANGE_B,
        "sellerExchange": EXCHANGE_A,
        "quantity": 3,
        "unitPrice": FIXED_PRICE,
        "currency": b"CNY",
        "contractType": ContractType.FUSION_DEVELOPMENT,
        "contractHash": h("signed contract"),
        "listingFeeBps": A_LISTING_FEE,
        "buyerExchangeFeeBps": B_BUYER_EXCHANGE_FEE,
        "inspectionPeriod": INSPECTION_PERIOD,
        "disputeWindow": DISPUTE_WINDOW,
        "deliveryDeadline": DELIVERY_DEADLINE,
        "metered": False,
        "needsExportBasis": False,
        "status": OrderStatus.CREATED,
        "cancelConsents": 0,
        "frozen": False,
        "createdAt": market.chain.timestamp,
        "billedUnits": 0,
        "statementCount": 0,
        "grantId": 0,
        "grantRevoked": False,
        "frozenAt": 0,
        "frozenFor": 0,
        "offerId": 0,
    }
    assert stored["grant"] == (
        PROCESSING_USE,
        False,
        1_700_000_000,
        1_900_000_000,
        0,
        b"RISK-MODEL".ljust(32, b"\0"),
        h("purpose"),
        [],
    )


def test_an_order_on_a_per_call_product_is_metered(market: Market) -> None:
    order_id = market.create(PER_CALL_PRODUCT, quantity=1_000)
    assert market.order(order_id)["metered"] is True


def test_an_order_on_a_subscription_product_is_metered(market: Market) -> None:
    product_id = market.list_product(priceModel=PriceModel.SUBSCRIPTION)
    order_id = market.create(product_id, quantity=12)
    assert market.order(order_id)["metered"] is True


def test_an_order_keeps_the_parameters_in_force_when_it_was_created(market: Market) -> None:
    order_id = market.create()
    market.system.set_parameters((300, 200, 1, 2, 3))
    stored = market.order(order_id)
    assert (stored["inspectionPeriod"], stored["disputeWindow"], stored["deliveryDeadline"]) == (
        INSPECTION_PERIOD,
        DISPUTE_WINDOW,
        DELIVERY_DEADLINE,
    )


def test_an_unlisted_product_cannot_be_ordered(market: Market) -> None:
    _expect_order_rejected(market, market.request(99), "ProductNotListed", 99, ProductStatus.NONE)


def test_a_suspended_product_cannot_be_ordered(market: Market) -> None:
    market.suspend_product(FIXED_PRODUCT)
    _expect_order_rejected(
        market, market.request(), "ProductNotListed", FIXED_PRODUCT, ProductStatus.SUSPENDED
    )


def test_an_order_on_a_superseded_version_is_rejected(market: Market) -> None:
    market.reprice(FIXED_PRODUCT, FIXED_PRICE + 1)
    request = market.request(version=1)
    _expect_order_rejected(market, request, "VersionMismatch", FIXED_PRODUCT, 2, 1)


def test_an_account_without_the_buyer_role_cannot_order(market: Market) -> None:
    market.chain.expect_revert(
        market.settlement.functions.createOrder(market.request()),
        market.stranger,
        "NotActiveBuyer",
        market.stranger,
    )


def test_a_suspended_buyer_cannot_order(market: Market) -> None:
    market.chain.transact(
        market.participants.functions.suspend(market.buyer, h("suspension")), market.operator_b
    )
    _expect_order_rejected(market, market.request(), "NotActiveBuyer", market.buyer)


def test_a_product_of_a_suspended_supplier_cannot_be_ordered(market: Market) -> None:
    market.chain.transact(
        market.participants.functions.suspend(market.seller, h("suspension")), market.operator_a
    )
    _expect_order_rejected(market, market.request(), "SupplierNotActive", market.seller)


def test_a_supplier_cannot_buy_its_own_product(market: Market) -> None:
    market.chain.transact(
        market.participants.functions.changeRoles(market.seller, SUPPLIER | BUYER),
        market.operator_a,
    )
    market.chain.expect_revert(
        market.settlement.functions.createOrder(market.request()),
        market.seller,
        "SelfTrade",
        market.seller,
    )


def test_an_order_through_an_exchange_that_is_not_active_is_rejected(market: Market) -> None:
    request = market.request(buyerExchange=EXCHANGE_SUSPENDED)
    _expect_order_rejected(market, request, "ExchangeNotActive", EXCHANGE_SUSPENDED)


def test_a_product_of_a_listing_exchange_that_is_not_active_cannot_be_ordered(
    market: Market,
) -> None:
    market.system.suspend_exchange(EXCHANGE_A)
    _expect_order_rejected(market, market.request(), "ExchangeNotActive", EXCHANGE_A)


def test_an_exchange_that_recorded_non_recognition_cannot_place_the_order(market: Market) -> None:
    market.chain.transact(
        market.products.functions.recordNonRecognition(FIXED_PRODUCT, h("code"), h("reason")),
        market.operator_c,
    )
    request = market.request(buyerExchange=EXCHANGE_C, buyerExchangeFeeBps=0)
    _expect_order_rejected(market, request, "NotRecognised", FIXED_PRODUCT, EXCHANGE_C)


@pytest.mark.parametrize(
    ("changes", "error", "args"),
    [
        ({"unitPrice": FIXED_PRICE - 1}, "UnitPriceMismatch", (FIXED_PRICE, FIXED_PRICE - 1)),
        ({"currency": b"USD"}, "CurrencyMismatch", (b"CNY", b"USD")),
        ({"quantity": 0}, "ZeroQuantity", ()),
        ({"contractType": 4}, "InvalidContractType", (4,)),
        ({"contractHash": bytes(32)}, "MissingHash", ()),
        ({"listingFeeBps": 249}, "FeeRateMismatch", (EXCHANGE_A, A_LISTING_FEE, 249)),
        ({"buyerExchangeFeeBps": 0}, "FeeRateMismatch", (EXCHANGE_B, B_BUYER_EXCHANGE_FEE, 0)),
        ({"grant": {"right": OPERATION}}, "RightNotOffered", (FIXED_PRODUCT, OPERATION)),
        (
            {"grant": {"right": HOLDING | PROCESSING_USE}},
            "InvalidRight",
            (HOLDING | PROCESSING_USE,),
        ),
        ({"grant": {"right": 0}}, "InvalidRight", (0,)),
        ({"grant": {"purposeCode": bytes(32)}}, "MissingPurpose", ()),
        ({"grant": {"validFrom": 5, "validUntil": 5}}, "InvalidWindow", (5, 5)),
        (
            {"grant": {"validFrom": 1_900_000_001, "validUntil": 1_900_000_000}},
            "InvalidWindow",
            (1_900_000_001, 1_900_000_000),
        ),
        ({"grant": {"destinations": [b"SG"] * 17}}, "TooManyDestinations", (17,)),
        ({"grant": {"destinations": [b"SG", b"CN"]}}, "InvalidDestination", (b"CN",)),
        ({"grant": {"destinations": [b"\0\0"]}}, "InvalidDestination", (b"\0\0",)),
        ({"grant": {"destinations": [b"hk"]}}, "InvalidDestination", (b"hk",)),
        ({"grant": {"destinations": [b"HK", b"SG", b"HK"]}}, "DuplicateDestination", (b"HK",)),
    ],
)
def test_an_order_with_bad_terms_is_rejected(
    market: Market, changes: dict[str, Any], error: str, args: tuple[Any, ...]
) -> None:
    _expect_order_rejected(market, market.request(**changes), error, *args)


def test_an_amount_beyond_uint128_is_rejected(market: Market) -> None:
    market.reprice(FIXED_PRODUCT, 2**127)
    request = market.request(quantity=2, unitPrice=2**127)
    _expect_order_rejected(market, request, "AmountOverflow", 2, 2**127)


def test_rates_above_a_lowered_cap_are_rejected_even_if_published(market: Market) -> None:
    market.system.set_parameters((200, 200, INSPECTION_PERIOD, DISPUTE_WINDOW, DELIVERY_DEADLINE))
    _expect_order_rejected(market, market.request(), "FeeAboveCap", A_LISTING_FEE, 200)


# ----- acceptance -----


def test_the_seller_accepts_a_fixed_price_order_and_its_bill_falls_due(market: Market) -> None:
    order_id = market.create()
    receipt = market.chain.transact(market.settlement.functions.accept(order_id), market.seller)
    assert events(market, receipt, "OrderAccepted") == [
        {"orderId": order_id, "billAmount": 3 * FIXED_PRICE, "acceptedAt": market.chain.timestamp}
    ]
    assert events(market, receipt, "AuthorizationIssued") == []
    assert market.order(order_id)["status"] == OrderStatus.ACCEPTED
    bill = market.bill(order_id)
    assert (bill["status"], bill["amount"], bill["units"]) == (BillStatus.DUE, 3 * FIXED_PRICE, 3)


def test_accepting_a_metered_order_issues_the_authorization(market: Market) -> None:
    order_id = market.create(PER_CALL_PRODUCT, quantity=1_000, grant={"maxUses": 1_000})
    receipt = market.chain.transact(market.settlement.functions.accept(order_id), market.seller)
    assert events(market, receipt, "OrderAccepted") == [
        {"orderId": order_id, "billAmount": 0, "acceptedAt": market.chain.timestamp}
    ]
    assert events(market, receipt, "AuthorizationIssued") == [{"orderId": order_id, "grantId": 1}]
    issued = events(market, receipt, "GrantIssued", market.authorizations)
    assert issued == [
        {
            "grantId": 1,
            "productId": PER_CALL_PRODUCT,
            "grantee": market.buyer,
            "grantor": market.seller,
            "orderId": order_id,
            "terms": {
                "productId": PER_CALL_PRODUCT,
                "grantee": market.buyer,
                "right": PROCESSING_USE,
                "purposeCode": b"RISK-MODEL".ljust(32, b"\0"),
                "purposeHash": h("purpose"),
                "validFrom": 1_700_000_000,
                "validUntil": 1_900_000_000,
                "maxUses": 1_000,
                "destinations": [],
                "onwardTransfer": False,
            },
        }
    ]
    assert market.order(order_id)["grantId"] == 1
    assert market.bill(order_id, 0)["status"] == BillStatus.NONE


def test_only_the_seller_accepts(market: Market) -> None:
    order_id = market.create()
    call = market.settlement.functions.accept(order_id)
    market.chain.expect_revert(call, market.buyer, "NotSeller", market.buyer)


def test_an_accepted_order_cannot_be_accepted_again(market: Market) -> None:
    order_id = market.accepted()
    call = market.settlement.functions.accept(order_id)
    market.chain.expect_revert(
        call, market.seller, "OrderNotInStatus", order_id, OrderStatus.ACCEPTED
    )


def test_an_order_whose_product_was_suspended_cannot_be_accepted(market: Market) -> None:
    order_id = market.create()
    market.suspend_product(FIXED_PRODUCT)
    call = market.settlement.functions.accept(order_id)
    market.chain.expect_revert(
        call, market.seller, "ProductNotListed", FIXED_PRODUCT, ProductStatus.SUSPENDED
    )


def test_an_unknown_order_is_rejected(market: Market) -> None:
    call = market.settlement.functions.accept(99)
    market.chain.expect_revert(call, market.seller, "UnknownOrder", 99)


# ----- cancellation -----


@pytest.mark.parametrize("party", ["buyer", "seller"])
def test_either_party_cancels_a_created_order_alone(market: Market, party: str) -> None:
    order_id = market.create()
    sender = getattr(market, party)
    receipt = market.chain.transact(market.settlement.functions.cancel(order_id), sender)
    assert events(market, receipt, "OrderCancelled") == [{"orderId": order_id, "by": sender}]
    assert market.order(order_id)["status"] == OrderStatus.CANCELLED


def test_an_accepted_order_is_cancelled_only_when_both_consent(market: Market) -> None:
    order_id = market.accepted()
    first = market.chain.transact(market.settlement.functions.cancel(order_id), market.buyer)
    assert events(market, first, "CancellationConsented") == [
        {"orderId": order_id, "party": market.buyer, "consents": 1}
    ]
    assert events(market, first, "OrderCancelled") == []
    assert market.order(order_id)["status"] == OrderStatus.ACCEPTED
    second = market.chain.transact(market.settlement.functions.cancel(order_id), market.seller)
    assert events(market, second, "CancellationConsented") == [
        {"orderId": order_id, "party": market.seller, "consents": 3}
    ]
    assert events(market, second, "OrderCancelled") == [{"orderId": order_id, "by": market.seller}]
    assert market.order(order_id)["status"] == OrderStatus.CANCELLED


def test_a_party_cannot_consent_to_cancellation_twice(market: Market) -> None:
    order_id = market.accepted()
    market.chain.transact(market.settlement.functions.cancel(order_id), market.seller)
    call = market.settlement.functions.cancel(order_id)
    market.chain.expect_revert(
        call, market.seller, "CancellationAlreadyConsented", order_id, market.seller
    )


def test_a_stranger_cannot_cancel(market: Market) -> None:
    order_id = market.create()
    call = market.settlement.functions.cancel(order_id)
    market.chain.expect_revert(call, market.stranger, "NotParty", market.stranger)


def test_a_paid_order_cannot_be_cancelled(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.cancel(order_id)
    market.chain.expect_revert(call, market.buyer, "BillNotInStatus", order_id, 0, BillStatus.PAID)


def test_a_cancelled_order_cannot_be_cancelled_again(market: Market) -> None:
    order_id = market.create()
    market.chain.transact(market.settlement.functions.cancel(order_id), market.buyer)
    call = market.settlement.functions.cancel(order_id)
    market.chain.expect_revert(
        call, market.buyer, "OrderNotInStatus", order_id, OrderStatus.CANCELLED
    )


def test_cancelling_an_accepted_metered_order_revokes_its_authorization(market: Market) -> None:
    order_id = market.accepted(PER_CALL_PRODUCT, quantity=100)
    market.chain.transact(market.settlement.functions.cancel(order_id), market.buyer)
    receipt = market.chain.transact(market.settlement.functions.cancel(order_id), market.seller)
    assert events(market, receipt, "AuthorizationRevoked") == [{"orderId": order_id, "grantId": 1}]
    assert events(market, receipt, "GrantRevoked", market.authorizations) == [
        {"grantId": 1, "revokedBy": market.settlement.address, "reason": 2, "reasonHash": bytes(32)}
    ]
    assert market.order(order_id)["grantRevoked"] is True


def test_either_party_alone_cancels_an_unpaid_order_whose_grant_window_has_closed(
    market: Market,
) -> None:
    order_id = market.accepted(grant={"validUntil": market.chain.timestamp + 1_000})
    market.chain.advance(1_001)
    pay = market.settlement.functions.pay(order_id, 0, h("payment"))
    valid_until = market.order(order_id)["grant"][3]
    market.chain.expect_revert(pay, market.operator_b, "InvalidWindow", 1_700_000_000, valid_until)
    receipt = market.chain.transact(market.settlement.functions.cancel(order_id), market.buyer)
    assert events(market, receipt, "OrderCancelled") == [{"orderId": order_id, "by": market.buyer}]
    assert market.order(order_id)["status"] == OrderStatus.CANCELLED


def test_a_metered_order_with_a_statement_cannot_be_cancelled(market: Market) -> None:
    order_id = market.accepted(PER_CALL_PRODUCT, quantity=100)
    market.statement(order_id, 10)
    call = market.settlement.functions.cancel(order_id)
    market.chain.expect_revert(call, market.buyer, "StatementsAlreadyRecorded", order_id, 1)


def test_caps_that_together_exceed_the_whole_amount_cannot_be_set(market: Market) -> None:
    """TradeSettlement also refuses rates summing above 100% (FeeRatesExceedWhole), but the
    ExchangeRegistry never lets the caps sum above 100%, so the registry is where it stops."""
    call = market.exchanges.functions.proposeParameters(
        (9_000, 9_000, INSPECTION_PERIOD, DISPUTE_WINDOW, DELIVERY_DEADLINE)
    )
    market.chain.expect_revert(call, market.operator_a, "FeeCapsExceedWhole", 9_000, 9_000)


def test_initialization_is_recorded_with_the_registry_addresses(market: Market) -> None:
    chain = market.chain
    implementation = chain.deploy("TradeSettlement")
    init = implementation.functions.initialize(
        market.exchanges.address,
        market.participants.address,
        market.products.address,
        market.authorizations.address,
        market.export_bases.address,
        market.demand_board.address,
    )._encode_transaction_data()
    proxy = chain.deploy("UpgradeProxy", implementation.address, market.exchanges.address, init)
    [log] = (
        chain.at("TradeSettlement", proxy.address)
        .events.Initialized()
        .get_logs(from_block=chain.w3.eth.block_number)
    )
    assert dict(log["args"]) == {
        "exchangeRegistry": market.exchanges.address,
        "participantRegistry": market.participants.address,
        "productRegistry": market.products.address,
        "authorizationRegistry": market.authorizations.address,
        "exportBasisRegistry": market.export_bases.address,
        "demandBoard": market.demand_board.address,
    }
