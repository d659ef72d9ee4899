"""A regulator's freeze stops the order's clocks: once lifted, every running deadline of the
order's bills (delivery, inspection, dispute window) ends later by the time it lasted, so no
party gains or loses a right because of a freeze (review finding 8)."""

from __future__ import annotations

from typing import Any

from tests.contracts.market import (
    DAY,
    DELIVERY_DEADLINE,
    DISPUTE_WINDOW,
    INSPECTION_PERIOD,
    PER_CALL_PRODUCT,
    BillStatus,
    DisputeStatus,
    Market,
    events,
    h,
)


def freeze(market: Market, order_id: int, seconds: int) -> dict[str, Any]:
    """Freeze the order, let `seconds` pass, lift the freeze; the lift's FreezeChanged event,
    with `liftedAt`, the lift's block time."""
    set_frozen = market.settlement.functions.setFrozen
    market.chain.transact(set_frozen(order_id, True, h("investigation")), market.regulator)
    market.chain.advance(seconds)
    receipt = market.chain.transact(set_frozen(order_id, False, h("cleared")), market.regulator)
    (lifted,) = events(market, receipt, "FreezeChanged")
    return {**lifted, "liftedAt": market.chain.timestamp}


def advance_to(market: Market, timestamp: int) -> None:
    """Mine up to `timestamp` - 1, so the next transaction runs at `timestamp`."""
    market.chain.advance(timestamp - market.chain.timestamp - 1)


# ----- delivery deadline -----


def test_a_freeze_across_the_delivery_deadline_extends_it_by_the_time_frozen(
    market: Market,
) -> None:
    order_id = market.paid()
    market.chain.advance(DELIVERY_DEADLINE - DAY)
    lifted = freeze(market, order_id, 2 * DAY)
    frozen_for = lifted["liftedAt"] - lifted["frozenAt"]
    paid_at = market.bill(order_id)["paidAt"]
    assert (lifted["frozenFor"], lifted["deadline"]) == (
        frozen_for,
        paid_at + DELIVERY_DEADLINE + frozen_for,
    )
    assert market.order(order_id)["frozenFor"] == frozen_for


def test_non_delivery_cannot_be_claimed_until_the_extended_deadline(market: Market) -> None:
    order_id = market.paid()
    market.chain.advance(DELIVERY_DEADLINE - DAY)
    extended = freeze(market, order_id, 2 * DAY)["deadline"]
    advance_to(market, extended)
    call = market.settlement.functions.claimNonDelivery(order_id)
    market.chain.expect_revert(call, market.buyer, "DeliveryDeadlineNotPassed", order_id, extended)


def test_non_delivery_is_claimed_once_the_extended_deadline_has_passed(market: Market) -> None:
    order_id = market.paid()
    market.chain.advance(DELIVERY_DEADLINE - DAY)
    extended = freeze(market, order_id, 2 * DAY)["deadline"]
    advance_to(market, extended + 1)
    market.chain.transact(market.settlement.functions.claimNonDelivery(order_id), market.buyer)
    assert market.bill(order_id)["status"] == BillStatus.REFUNDED


def test_the_seller_still_delivers_at_the_extended_deadline(market: Market) -> None:
    order_id = market.paid()
    market.chain.advance(DELIVERY_DEADLINE - DAY)
    extended = freeze(market, order_id, 2 * DAY)["deadline"]
    advance_to(market, extended)
    call = market.settlement.functions.deliver(order_id, h("delivery"))
    market.chain.transact(call, market.seller)
    bill = market.bill(order_id)
    assert (bill["status"], bill["deliveredAt"]) == (BillStatus.DELIVERED, extended)


def test_a_freeze_that_began_after_the_deadline_does_not_revive_it(market: Market) -> None:
    order_id = market.paid()
    market.chain.advance(DELIVERY_DEADLINE + 1)
    lifted = freeze(market, order_id, DAY)
    frozen_for = lifted["liftedAt"] - lifted["frozenAt"]
    paid_at = market.bill(order_id)["paidAt"]
    assert lifted["deadline"] == paid_at + DELIVERY_DEADLINE + frozen_for
    assert lifted["deadline"] < lifted["liftedAt"]
    market.chain.transact(market.settlement.functions.claimNonDelivery(order_id), market.buyer)
    assert market.bill(order_id)["status"] == BillStatus.REFUNDED


def test_a_freeze_before_payment_leaves_the_delivery_deadline_whole(market: Market) -> None:
    order_id = market.accepted()
    freeze(market, order_id, DAY)
    market.chain.transact(
        market.settlement.functions.pay(order_id, 0, h("payment")), market.operator_b
    )
    deadline = market.bill(order_id)["paidAt"] + DELIVERY_DEADLINE
    call = market.settlement.functions.claimNonDelivery(order_id)
    market.chain.expect_revert(call, market.buyer, "DeliveryDeadlineNotPassed", order_id, deadline)


def test_two_freezes_extend_the_deadline_by_both(market: Market) -> None:
    order_id = market.paid()
    first = freeze(market, order_id, DAY)
    second = freeze(market, order_id, 2 * DAY)
    both = (first["liftedAt"] - first["frozenAt"]) + (second["liftedAt"] - second["frozenAt"])
    assert second["frozenFor"] == both
    paid_at = market.bill(order_id)["paidAt"]
    assert second["deadline"] == paid_at + DELIVERY_DEADLINE + both


# ----- inspection period -----


def test_finalize_waits_for_the_inspection_period_extended_by_the_freeze(market: Market) -> None:
    order_id = market.delivered()
    market.chain.advance(INSPECTION_PERIOD - DAY)
    lifted = freeze(market, order_id, 2 * DAY)
    ends_at = market.bill(order_id)["deliveredAt"] + INSPECTION_PERIOD + lifted["frozenFor"]
    assert lifted["deadline"] == ends_at
    advance_to(market, ends_at - 1)
    call = market.settlement.functions.finalize(order_id, 0)
    market.chain.expect_revert(call, market.stranger, "InspectionNotOver", order_id, 0, ends_at)


def test_finalize_settles_at_the_end_of_the_extended_inspection_period(market: Market) -> None:
    order_id = market.delivered()
    market.chain.advance(INSPECTION_PERIOD - DAY)
    ends_at = freeze(market, order_id, 2 * DAY)["deadline"]
    advance_to(market, ends_at)
    market.chain.transact(market.settlement.functions.finalize(order_id, 0), market.stranger)
    bill = market.bill(order_id)
    assert (bill["status"], bill["settledAt"]) == (BillStatus.SETTLED, ends_at)


def test_a_statement_s_inspection_period_is_extended_by_a_freeze(market: Market) -> None:
    order_id = market.accepted(PER_CALL_PRODUCT, quantity=1_000)
    bill_no = market.statement(order_id, 100)
    lifted = freeze(market, order_id, INSPECTION_PERIOD)
    assert lifted["deadline"] == 0
    market.chain.transact(
        market.settlement.functions.pay(order_id, bill_no, h("payment")), market.operator_b
    )
    bill = market.bill(order_id, bill_no)
    ends_at = bill["deliveredAt"] + INSPECTION_PERIOD + lifted["frozenFor"]
    call = market.settlement.functions.finalize(order_id, bill_no)
    market.chain.expect_revert(
        call, market.stranger, "InspectionNotOver", order_id, bill_no, ends_at
    )


# ----- dispute window -----


def test_a_settled_bill_is_still_disputed_within_its_extended_window(market: Market) -> None:
    order_id = market.settled()
    market.chain.advance(DISPUTE_WINDOW - DAY)
    lifted = freeze(market, order_id, 2 * DAY)
    closes_at = lifted["deadline"]
    settled_at = market.bill(order_id)["settledAt"]
    assert closes_at == settled_at + DISPUTE_WINDOW + lifted["frozenFor"]
    advance_to(market, closes_at - 1)
    call = market.settlement.functions.raiseDispute(order_id, 0, h("complaint"))
    market.chain.transact(call, market.buyer)
    assert market.bill(order_id)["dispute"] == DisputeStatus.OPEN


def test_a_settled_bill_cannot_be_disputed_once_its_extended_window_closed(
    market: Market,
) -> None:
    order_id = market.settled()
    market.chain.advance(DISPUTE_WINDOW - DAY)
    closes_at = freeze(market, order_id, 2 * DAY)["deadline"]
    market.chain.advance(closes_at - market.chain.timestamp)
    call = market.settlement.functions.raiseDispute(order_id, 0, h("complaint"))
    market.chain.expect_revert(call, market.buyer, "DisputeWindowClosed", order_id, 0, closes_at)


def test_clearing_waits_for_the_extended_dispute_window(market: Market) -> None:
    order_id = market.settled()
    market.chain.advance(DISPUTE_WINDOW - DAY)
    closes_at = freeze(market, order_id, 2 * DAY)["deadline"]
    advance_to(market, closes_at - 1)
    call = market.settlement.functions.finalizeClearing(order_id, 0)
    market.chain.expect_revert(call, market.stranger, "DisputeWindowOpen", order_id, 0, closes_at)
    market.chain.transact(call, market.stranger)
    assert market.bill(order_id)["cleared"] is True


def test_a_bill_records_the_frozen_time_its_running_clock_started_with(market: Market) -> None:
    order_id = market.paid()
    frozen_for = freeze(market, order_id, DAY)["frozenFor"]
    market.chain.transact(market.settlement.functions.deliver(order_id, h("d")), market.seller)
    assert market.bill(order_id)["frozenForAtStart"] == frozen_for
