"""TradeSettlement bills: payment, delivery, settlement, clearing and usage statements."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contracts.market import (
    A_LISTING_FEE,
    B_BUYER_EXCHANGE_FEE,
    DAY,
    DELIVERY_DEADLINE,
    DISPUTE_WINDOW,
    EXCHANGE_A,
    EXCHANGE_B,
    FIXED_PRICE,
    FIXED_PRODUCT,
    INSPECTION_PERIOD,
    PER_CALL_PRICE,
    PER_CALL_PRODUCT,
    PROCESSING_USE,
    BillStatus,
    ContractType,
    DisputeStatus,
    Market,
    OrderStatus,
    Outcome,
    Resolution,
    events,
    h,
)

AMOUNT = 3 * FIXED_PRICE
# 250 and 150 basis points of 37,035, rounded down; the supplier keeps the rest.
LEGS = {"buyerRefund": 0, "listingFee": 925, "buyerExchangeFee": 555, "supplier": 35_555}


def certificate(market: Market, order_id: int, bill_no: int = 0, **changes: Any) -> dict[str, Any]:
    """The certificate fields a settled bill of the standard fixed-price order carries."""
    bill = market.bill(order_id, bill_no)
    order = market.order(order_id)
    fields = {
        "orderId": order_id,
        "billNo": bill_no,
        "productId": order["productId"],
        "version": 1,
        "buyer": market.buyer,
        "seller": market.seller,
        "buyerExchange": EXCHANGE_B,
        "sellerExchange": EXCHANGE_A,
        "contractType": ContractType.DATA_PROVISION,
        "contractHash": h("signed contract"),
        "invoiceHash": bill["invoiceHash"],
        "units": bill["units"],
        "unitPrice": order["unitPrice"],
        "currency": b"CNY",
        "amount": bill["amount"],
        "listingFeeBps": A_LISTING_FEE,
        "buyerExchangeFeeBps": B_BUYER_EXCHANGE_FEE,
        "paymentEvidence": bill["paymentEvidence"],
        "deliveryEvidence": bill["deliveryEvidence"],
        "grantId": order["grantId"],
        "paidAt": bill["paidAt"],
        "deliveredAt": bill["deliveredAt"],
        "settledAt": bill["settledAt"],
        "legs": LEGS,
        "offerId": 0,
    }
    fields.update(changes)
    return fields


def metered_order(market: Market, quantity: int = 1_000) -> int:
    return market.accepted(PER_CALL_PRODUCT, quantity=quantity, grant={"maxUses": quantity})


# ----- payment -----


def test_the_buyer_exchange_records_payment_and_the_authorization_is_issued(market: Market) -> None:
    order_id = market.accepted()
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    receipt = market.chain.transact(call, market.operator_b)
    now = market.chain.timestamp
    assert events(market, receipt, "BillPaid") == [
        {
            "orderId": order_id,
            "billNo": 0,
            "status": BillStatus.PAID,
            "paymentEvidence": h("payment"),
            "operator": market.operator_b,
            "paidAt": now,
        }
    ]
    assert events(market, receipt, "AuthorizationIssued") == [{"orderId": order_id, "grantId": 1}]
    [issued] = events(market, receipt, "GrantIssued", market.authorizations)
    assert (issued["orderId"], issued["terms"]["grantee"], issued["terms"]["right"]) == (
        order_id,
        market.buyer,
        PROCESSING_USE,
    )
    bill = market.bill(order_id)
    assert (bill["status"], bill["paidAt"], bill["paymentEvidence"]) == (
        BillStatus.PAID,
        now,
        h("payment"),
    )
    assert market.order(order_id)["grantId"] == 1


def test_only_an_operator_of_the_buyer_exchange_records_payment(market: Market) -> None:
    order_id = market.accepted()
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    market.chain.expect_revert(
        call, market.operator_a, "NotBuyerExchangeOperator", market.operator_a, EXCHANGE_B
    )


def test_an_order_not_yet_accepted_cannot_be_paid(market: Market) -> None:
    order_id = market.create()
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    market.chain.expect_revert(
        call, market.operator_b, "OrderNotInStatus", order_id, OrderStatus.CREATED
    )


def test_a_bill_cannot_be_paid_twice(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.pay(order_id, 0, h("again"))
    market.chain.expect_revert(
        call, market.operator_b, "BillNotInStatus", order_id, 0, BillStatus.PAID
    )


def test_payment_needs_evidence(market: Market) -> None:
    order_id = market.accepted()
    call = market.settlement.functions.pay(order_id, 0, bytes(32))
    market.chain.expect_revert(call, market.operator_b, "MissingHash")


# ----- delivery -----


def test_the_seller_records_delivery_before_the_deadline(market: Market) -> None:
    order_id = market.paid()
    market.chain.advance(DELIVERY_DEADLINE - 60)
    call = market.settlement.functions.deliver(order_id, h("delivery"))
    receipt = market.chain.transact(call, market.seller)
    now = market.chain.timestamp
    assert events(market, receipt, "Delivered") == [
        {"orderId": order_id, "deliveryEvidence": h("delivery"), "deliveredAt": now}
    ]
    bill = market.bill(order_id)
    assert (bill["status"], bill["deliveredAt"], bill["deliveryEvidence"]) == (
        BillStatus.DELIVERED,
        now,
        h("delivery"),
    )


def test_only_the_seller_records_delivery(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.deliver(order_id, h("delivery"))
    market.chain.expect_revert(call, market.buyer, "NotSeller", market.buyer)


def test_an_unpaid_order_cannot_be_delivered(market: Market) -> None:
    order_id = market.accepted()
    call = market.settlement.functions.deliver(order_id, h("delivery"))
    market.chain.expect_revert(call, market.seller, "BillNotInStatus", order_id, 0, BillStatus.DUE)


def test_delivery_after_the_deadline_is_rejected(market: Market) -> None:
    order_id = market.paid()
    deadline = market.bill(order_id)["paidAt"] + DELIVERY_DEADLINE
    market.chain.advance(DELIVERY_DEADLINE + DAY)
    call = market.settlement.functions.deliver(order_id, h("delivery"))
    market.chain.expect_revert(call, market.seller, "DeliveryDeadlinePassed", order_id, deadline)


def test_delivery_needs_evidence(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.deliver(order_id, bytes(32))
    market.chain.expect_revert(call, market.seller, "MissingHash")


def test_a_metered_order_is_not_delivered_as_a_whole(market: Market) -> None:
    order_id = metered_order(market)
    call = market.settlement.functions.deliver(order_id, h("delivery"))
    market.chain.expect_revert(call, market.seller, "NotFixedPrice", order_id)


def test_delivery_waits_while_a_dispute_is_open(market: Market) -> None:
    order_id = market.paid()
    market.chain.transact(
        market.settlement.functions.raiseDispute(order_id, 0, h("late")), market.buyer
    )
    call = market.settlement.functions.deliver(order_id, h("delivery"))
    market.chain.expect_revert(call, market.seller, "DisputeIsOpen", order_id, 0)


# ----- non-delivery -----


def test_after_a_missed_deadline_the_buyer_is_refunded_in_full(market: Market) -> None:
    order_id = market.paid()
    market.chain.advance(DELIVERY_DEADLINE + 1)
    receipt = market.chain.transact(
        market.settlement.functions.claimNonDelivery(order_id), market.buyer
    )
    assert events(market, receipt, "DisputeResolved") == [
        {
            "orderId": order_id,
            "billNo": 0,
            "resolution": Resolution.NON_DELIVERY,
            "outcome": Outcome.REFUND,
            "refund": AMOUNT,
            "documentHash": bytes(32),
            "status": BillStatus.REFUNDED,
            "by": market.buyer,
        }
    ]
    assert events(market, receipt, "AuthorizationRevoked") == [{"orderId": order_id, "grantId": 1}]
    assert events(market, receipt, "GrantRevoked", market.authorizations) == [
        {"grantId": 1, "revokedBy": market.settlement.address, "reason": 2, "reasonHash": bytes(32)}
    ]
    assert events(market, receipt, "TradeSettled") == []
    refund = {"buyerRefund": AMOUNT, "listingFee": 0, "buyerExchangeFee": 0, "supplier": 0}
    assert events(market, receipt, "ClearingInstruction") == [
        {
            "orderId": order_id,
            "billNo": 0,
            "certificate": certificate(market, order_id, legs=refund),
        }
    ]
    bill = market.bill(order_id)
    assert (bill["status"], bill["refund"], bill["cleared"]) == (BillStatus.REFUNDED, AMOUNT, True)


def test_non_delivery_cannot_be_claimed_before_the_deadline(market: Market) -> None:
    order_id = market.paid()
    deadline = market.bill(order_id)["paidAt"] + DELIVERY_DEADLINE
    call = market.settlement.functions.claimNonDelivery(order_id)
    market.chain.expect_revert(call, market.buyer, "DeliveryDeadlineNotPassed", order_id, deadline)


def test_only_the_buyer_claims_non_delivery(market: Market) -> None:
    order_id = market.paid()
    market.chain.advance(DELIVERY_DEADLINE + 1)
    call = market.settlement.functions.claimNonDelivery(order_id)
    market.chain.expect_revert(call, market.stranger, "NotBuyer", market.stranger)


def test_a_delivered_order_cannot_be_claimed_undelivered(market: Market) -> None:
    order_id = market.delivered()
    market.chain.advance(DELIVERY_DEADLINE + 1)
    call = market.settlement.functions.claimNonDelivery(order_id)
    market.chain.expect_revert(
        call, market.buyer, "BillNotInStatus", order_id, 0, BillStatus.DELIVERED
    )


def test_non_delivery_waits_while_a_dispute_is_open(market: Market) -> None:
    order_id = market.paid()
    market.chain.transact(
        market.settlement.functions.raiseDispute(order_id, 0, h("late")), market.seller
    )
    market.chain.advance(DELIVERY_DEADLINE + 1)
    call = market.settlement.functions.claimNonDelivery(order_id)
    market.chain.expect_revert(call, market.buyer, "DisputeIsOpen", order_id, 0)


# ----- invoice -----


def test_the_seller_records_the_invoice_and_the_certificate_carries_it(market: Market) -> None:
    order_id = market.delivered()
    call = market.settlement.functions.recordInvoice(order_id, 0, h("VAT invoice"))
    receipt = market.chain.transact(call, market.seller)
    assert events(market, receipt, "InvoiceRecorded") == [
        {"orderId": order_id, "billNo": 0, "invoiceHash": h("VAT invoice")}
    ]
    settled = market.chain.transact(market.settlement.functions.confirm(order_id, 0), market.buyer)
    [anchor] = events(market, settled, "TradeSettled")
    assert anchor["certificate"]["invoiceHash"] == h("VAT invoice")


def test_only_the_seller_records_the_invoice(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.recordInvoice(order_id, 0, h("VAT invoice"))
    market.chain.expect_revert(call, market.buyer, "NotSeller", market.buyer)


def test_an_invoice_needs_a_hash(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.recordInvoice(order_id, 0, bytes(32))
    market.chain.expect_revert(call, market.seller, "MissingHash")


def test_an_invoice_for_a_bill_that_does_not_exist_is_rejected(market: Market) -> None:
    order_id = market.create()
    call = market.settlement.functions.recordInvoice(order_id, 0, h("VAT invoice"))
    market.chain.expect_revert(call, market.seller, "BillNotInStatus", order_id, 0, BillStatus.NONE)


def test_an_invoice_for_a_cleared_bill_is_rejected(market: Market) -> None:
    order_id = market.settled()
    market.chain.advance(DISPUTE_WINDOW)
    market.chain.transact(
        market.settlement.functions.finalizeClearing(order_id, 0), market.stranger
    )
    call = market.settlement.functions.recordInvoice(order_id, 0, h("VAT invoice"))
    market.chain.expect_revert(
        call, market.seller, "BillNotInStatus", order_id, 0, BillStatus.SETTLED
    )


# ----- settlement -----


def test_the_buyer_confirms_and_the_trade_certificate_anchor_is_emitted(market: Market) -> None:
    order_id = market.delivered()
    receipt = market.chain.transact(market.settlement.functions.confirm(order_id, 0), market.buyer)
    now = market.chain.timestamp
    bill = market.bill(order_id)
    assert (bill["status"], bill["settledAt"], bill["cleared"]) == (BillStatus.SETTLED, now, False)
    assert events(market, receipt, "TradeSettled") == [
        {
            "orderId": order_id,
            "billNo": 0,
            "certificate": {
                "orderId": order_id,
                "billNo": 0,
                "productId": FIXED_PRODUCT,
                "version": 1,
                "buyer": market.buyer,
                "seller": market.seller,
                "buyerExchange": EXCHANGE_B,
                "sellerExchange": EXCHANGE_A,
                "contractType": ContractType.DATA_PROVISION,
                "contractHash": h("signed contract"),
                "invoiceHash": bytes(32),
                "units": 3,
                "unitPrice": FIXED_PRICE,
                "currency": b"CNY",
                "amount": AMOUNT,
                "listingFeeBps": A_LISTING_FEE,
                "buyerExchangeFeeBps": B_BUYER_EXCHANGE_FEE,
                "paymentEvidence": h("payment"),
                "deliveryEvidence": h("delivery"),
                "grantId": 1,
                "paidAt": bill["paidAt"],
                "deliveredAt": bill["deliveredAt"],
                "settledAt": now,
                "legs": LEGS,
                "offerId": 0,
            },
            "by": market.buyer,
        }
    ]
    assert events(market, receipt, "ClearingInstruction") == []


def test_only_the_buyer_confirms(market: Market) -> None:
    order_id = market.delivered()
    call = market.settlement.functions.confirm(order_id, 0)
    market.chain.expect_revert(call, market.seller, "NotBuyer", market.seller)


def test_an_undelivered_order_cannot_be_confirmed(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.confirm(order_id, 0)
    market.chain.expect_revert(call, market.buyer, "BillNotInStatus", order_id, 0, BillStatus.PAID)


def test_confirmation_waits_while_a_dispute_is_open(market: Market) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.confirm(order_id, 0)
    market.chain.expect_revert(call, market.buyer, "DisputeIsOpen", order_id, 0)


def test_anyone_finalizes_once_the_inspection_period_has_elapsed(market: Market) -> None:
    order_id = market.delivered()
    market.chain.advance(INSPECTION_PERIOD)
    call = market.settlement.functions.finalize(order_id, 0)
    receipt = market.chain.transact(call, market.stranger)
    [anchor] = events(market, receipt, "TradeSettled")
    assert (anchor["by"], anchor["certificate"]) == (market.stranger, certificate(market, order_id))
    assert market.bill(order_id)["status"] == BillStatus.SETTLED


def test_finalize_before_the_inspection_period_ends_is_rejected(market: Market) -> None:
    order_id = market.delivered()
    ends_at = market.bill(order_id)["deliveredAt"] + INSPECTION_PERIOD
    call = market.settlement.functions.finalize(order_id, 0)
    market.chain.expect_revert(call, market.stranger, "InspectionNotOver", order_id, 0, ends_at)


def test_finalize_of_an_undelivered_order_is_rejected(market: Market) -> None:
    order_id = market.paid()
    market.chain.advance(INSPECTION_PERIOD)
    call = market.settlement.functions.finalize(order_id, 0)
    market.chain.expect_revert(
        call, market.stranger, "BillNotInStatus", order_id, 0, BillStatus.PAID
    )


def test_finalize_waits_while_a_dispute_is_open(market: Market) -> None:
    order_id = market.disputed()
    market.chain.advance(INSPECTION_PERIOD)
    call = market.settlement.functions.finalize(order_id, 0)
    market.chain.expect_revert(call, market.stranger, "DisputeIsOpen", order_id, 0)


# ----- clearing -----


def test_the_clearing_instruction_is_final_once_the_dispute_window_closes(market: Market) -> None:
    order_id = market.settled()
    market.chain.advance(DISPUTE_WINDOW)
    call = market.settlement.functions.finalizeClearing(order_id, 0)
    receipt = market.chain.transact(call, market.stranger)
    assert events(market, receipt, "ClearingInstruction") == [
        {"orderId": order_id, "billNo": 0, "certificate": certificate(market, order_id)}
    ]
    assert market.bill(order_id)["cleared"] is True


def test_clearing_before_the_dispute_window_closes_is_rejected(market: Market) -> None:
    order_id = market.settled()
    closes_at = market.bill(order_id)["settledAt"] + DISPUTE_WINDOW
    call = market.settlement.functions.finalizeClearing(order_id, 0)
    market.chain.expect_revert(call, market.stranger, "DisputeWindowOpen", order_id, 0, closes_at)


def test_a_clearing_instruction_is_emitted_only_once(market: Market) -> None:
    order_id = market.settled()
    market.chain.advance(DISPUTE_WINDOW)
    call = market.settlement.functions.finalizeClearing(order_id, 0)
    market.chain.transact(call, market.stranger)
    market.chain.expect_revert(call, market.stranger, "ClearingAlreadyFinal", order_id, 0)


def test_an_unsettled_bill_cannot_be_cleared(market: Market) -> None:
    order_id = market.delivered()
    call = market.settlement.functions.finalizeClearing(order_id, 0)
    market.chain.expect_revert(
        call, market.stranger, "BillNotInStatus", order_id, 0, BillStatus.DELIVERED
    )


def test_clearing_waits_while_a_dispute_is_open(market: Market) -> None:
    order_id = market.settled()
    market.chain.transact(
        market.settlement.functions.raiseDispute(order_id, 0, h("defect")), market.buyer
    )
    market.chain.advance(DISPUTE_WINDOW)
    call = market.settlement.functions.finalizeClearing(order_id, 0)
    market.chain.expect_revert(call, market.stranger, "DisputeIsOpen", order_id, 0)


# ----- usage statements -----


def test_the_delivering_exchange_records_a_usage_statement(market: Market) -> None:
    order_id = metered_order(market)
    call = market.settlement.functions.recordStatement(order_id, 400, 1_000, 2_000, h("usage log"))
    receipt = market.chain.transact(call, market.operator_a)
    now = market.chain.timestamp
    assert events(market, receipt, "StatementRecorded") == [
        {
            "orderId": order_id,
            "billNo": 1,
            "units": 400,
            "amount": 400 * PER_CALL_PRICE,
            "periodStart": 1_000,
            "periodEnd": 2_000,
            "deliveryEvidence": h("usage log"),
            "operator": market.operator_a,
            "recordedAt": now,
        }
    ]
    bill = market.bill(order_id, 1)
    assert (bill["status"], bill["amount"], bill["deliveredAt"], bill["deliveryEvidence"]) == (
        BillStatus.DUE,
        400 * PER_CALL_PRICE,
        now,
        h("usage log"),
    )
    stored = market.order(order_id)
    assert (stored["billedUnits"], stored["statementCount"]) == (400, 1)


def test_statements_are_numbered_in_order(market: Market) -> None:
    order_id = metered_order(market)
    assert [market.statement(order_id, units) for units in (10, 20, 30)] == [1, 2, 3]
    assert market.order(order_id)["billedUnits"] == 60


def test_paying_a_statement_moves_it_straight_to_delivered(market: Market) -> None:
    order_id = metered_order(market)
    bill_no = market.statement(order_id, 400)
    call = market.settlement.functions.pay(order_id, bill_no, h("statement payment"))
    receipt = market.chain.transact(call, market.operator_b)
    [paid] = events(market, receipt, "BillPaid")
    assert (paid["billNo"], paid["status"]) == (bill_no, BillStatus.DELIVERED)
    assert events(market, receipt, "AuthorizationIssued") == []
    assert market.bill(order_id, bill_no)["status"] == BillStatus.DELIVERED


def test_a_paid_statement_is_settled_by_the_buyer(market: Market) -> None:
    order_id = metered_order(market)
    bill_no = market.statement(order_id, 400)
    market.chain.transact(
        market.settlement.functions.pay(order_id, bill_no, h("statement payment")),
        market.operator_b,
    )
    call = market.settlement.functions.confirm(order_id, bill_no)
    receipt = market.chain.transact(call, market.buyer)
    [anchor] = events(market, receipt, "TradeSettled")
    # 250 and 150 basis points of 2,000.
    legs = {"buyerRefund": 0, "listingFee": 50, "buyerExchangeFee": 30, "supplier": 1_920}
    assert anchor["certificate"] == certificate(
        market, order_id, bill_no, productId=PER_CALL_PRODUCT, legs=legs
    )
    assert anchor["certificate"]["grantId"] == 1


def test_an_unpaid_statement_cannot_be_settled(market: Market) -> None:
    order_id = metered_order(market)
    bill_no = market.statement(order_id, 400)
    market.chain.advance(INSPECTION_PERIOD)
    call = market.settlement.functions.finalize(order_id, bill_no)
    market.chain.expect_revert(
        call, market.stranger, "BillNotInStatus", order_id, bill_no, BillStatus.DUE
    )


def test_a_paid_statement_is_finalized_after_inspection_from_its_recording(market: Market) -> None:
    order_id = metered_order(market)
    bill_no = market.statement(order_id, 400)
    market.chain.advance(INSPECTION_PERIOD)
    market.chain.transact(
        market.settlement.functions.pay(order_id, bill_no, h("late payment")), market.operator_b
    )
    call = market.settlement.functions.finalize(order_id, bill_no)
    market.chain.transact(call, market.stranger)
    assert market.bill(order_id, bill_no)["status"] == BillStatus.SETTLED


def test_only_the_delivering_exchange_records_statements(market: Market) -> None:
    order_id = metered_order(market)
    call = market.settlement.functions.recordStatement(order_id, 1, 0, 1, h("usage"))
    market.chain.expect_revert(
        call, market.operator_b, "NotListingExchangeOperator", market.operator_b, EXCHANGE_A
    )


def test_a_fixed_price_order_takes_no_statements(market: Market) -> None:
    order_id = market.accepted()
    call = market.settlement.functions.recordStatement(order_id, 1, 0, 1, h("usage"))
    market.chain.expect_revert(call, market.operator_a, "NotMetered", order_id)


def test_a_metered_order_not_yet_accepted_takes_no_statements(market: Market) -> None:
    order_id = market.create(PER_CALL_PRODUCT, quantity=10)
    call = market.settlement.functions.recordStatement(order_id, 1, 0, 1, h("usage"))
    market.chain.expect_revert(
        call, market.operator_a, "OrderNotInStatus", order_id, OrderStatus.CREATED
    )


@pytest.mark.parametrize(
    ("units", "start", "end", "evidence", "error", "args"),
    [
        (0, 0, 1, h("usage"), "ZeroQuantity", ()),
        (11, 0, 1, h("usage"), "UnitsExceedOrder", (1, 10, 11)),
        (1, 5, 4, h("usage"), "InvalidPeriod", (5, 4)),
        (1, 0, 1, bytes(32), "MissingHash", ()),
    ],
)
def test_a_bad_statement_is_rejected(
    market: Market,
    units: int,
    start: int,
    end: int,
    evidence: bytes,
    error: str,
    args: tuple[Any, ...],
) -> None:
    order_id = metered_order(market, quantity=10)
    assert order_id == 1
    call = market.settlement.functions.recordStatement(order_id, units, start, end, evidence)
    market.chain.expect_revert(call, market.operator_a, error, *args)


def test_statements_cannot_bill_more_than_the_units_remaining(market: Market) -> None:
    order_id = metered_order(market, quantity=10)
    market.statement(order_id, 7)
    call = market.settlement.functions.recordStatement(order_id, 4, 0, 1, h("usage"))
    market.chain.expect_revert(call, market.operator_a, "UnitsExceedOrder", order_id, 3, 4)


def test_a_disputed_statement_refund_revokes_the_authorization(market: Market) -> None:
    order_id = metered_order(market)
    bill_no = market.statement(order_id, 400)
    market.chain.transact(
        market.settlement.functions.pay(order_id, bill_no, h("payment")), market.operator_b
    )
    market.chain.transact(
        market.settlement.functions.raiseDispute(order_id, bill_no, h("wrong count")),
        market.buyer,
    )
    call = market.settlement.functions.recordAward(
        order_id, bill_no, Resolution.ARBITRAL_AWARD, Outcome.PARTIAL, 500, h("award")
    )
    receipt = market.chain.transact(call, market.regulator)
    assert events(market, receipt, "AuthorizationRevoked") == [{"orderId": order_id, "grantId": 1}]
    bill = market.bill(order_id, bill_no)
    assert (bill["status"], bill["refund"], bill["dispute"]) == (
        BillStatus.SETTLED,
        500,
        DisputeStatus.RESOLVED,
    )


def test_no_statement_is_recorded_after_a_refund_revoked_the_grant(market: Market) -> None:
    order_id = metered_order(market)
    bill_no = market.statement(order_id, 400)
    market.chain.transact(
        market.settlement.functions.pay(order_id, bill_no, h("payment")), market.operator_b
    )
    market.chain.transact(
        market.settlement.functions.raiseDispute(order_id, bill_no, h("wrong count")),
        market.buyer,
    )
    market.chain.transact(
        market.settlement.functions.recordAward(
            order_id, bill_no, Resolution.ARBITRAL_AWARD, Outcome.PARTIAL, 500, h("award")
        ),
        market.regulator,
    )
    call = market.settlement.functions.recordStatement(order_id, 10, 1, 2, h("later usage"))
    market.chain.expect_revert(call, market.operator_a, "GrantNotActive", order_id, 1)
    assert market.order(order_id)["statementCount"] == 1


def test_no_statement_is_recorded_after_a_regulator_revoked_the_grant(market: Market) -> None:
    order_id = metered_order(market)
    market.chain.transact(
        market.authorizations.functions.revoke(1, h("unlawful use")), market.regulator
    )
    call = market.settlement.functions.recordStatement(order_id, 10, 1, 2, h("usage"))
    market.chain.expect_revert(call, market.operator_a, "GrantNotActive", order_id, 1)


def test_a_second_refund_on_an_order_does_not_revoke_its_grant_twice(market: Market) -> None:
    order_id = metered_order(market)
    for bill_no in (market.statement(order_id, 10), market.statement(order_id, 20)):
        market.chain.transact(
            market.settlement.functions.pay(order_id, bill_no, h("payment")), market.operator_b
        )
        market.chain.transact(
            market.settlement.functions.raiseDispute(order_id, bill_no, h("outage")),
            market.buyer,
        )
        amount = market.bill(order_id, bill_no)["amount"]
        call = market.settlement.functions.recordAward(
            order_id, bill_no, Resolution.COURT_JUDGMENT, Outcome.REFUND, amount, h("judgment")
        )
        receipt = market.chain.transact(call, market.regulator)
        revoked = events(market, receipt, "AuthorizationRevoked")
        assert revoked == ([{"orderId": order_id, "grantId": 1}] if bill_no == 1 else [])
    assert market.bill(order_id, 2)["status"] == BillStatus.REFUNDED


def test_settling_costs_less_than_200k_gas(market: Market) -> None:
    order_id = market.delivered()
    receipt = market.chain.transact(market.settlement.functions.confirm(order_id, 0), market.buyer)
    assert receipt["gasUsed"] < 200_000


def test_finalizing_costs_less_than_200k_gas(market: Market) -> None:
    order_id = market.delivered()
    market.chain.advance(INSPECTION_PERIOD)
    call = market.settlement.functions.finalize(order_id, 0)
    assert market.chain.transact(call, market.stranger)["gasUsed"] < 200_000


def test_an_invoice_for_a_refunded_bill_is_rejected(market: Market) -> None:
    order_id = market.paid()
    market.chain.advance(DELIVERY_DEADLINE + 1)
    market.chain.transact(market.settlement.functions.claimNonDelivery(order_id), market.buyer)
    call = market.settlement.functions.recordInvoice(order_id, 0, h("VAT invoice"))
    market.chain.expect_revert(
        call, market.seller, "BillNotInStatus", order_id, 0, BillStatus.REFUNDED
    )
