"""TradeSettlement re-checks standing on in-flight orders: a new obligation (acceptance, the
grant a payment issues, a delivery of data) needs the product Listed and both parties active in
their roles; winding down an existing one (confirm, finalize, disputes, non-delivery claims,
statements and their payment) stays open to a suspended party."""

from __future__ import annotations

from tests.contracts.market import (
    DELIVERY_DEADLINE,
    FIXED_PRODUCT,
    INSPECTION_PERIOD,
    PER_CALL_PRODUCT,
    BillStatus,
    DisputeStatus,
    Market,
    OrderStatus,
    ProductStatus,
    h,
)


def suspend(market: Market, account: str) -> None:
    """A regulator suspends the participant `account`."""
    market.chain.transact(
        market.participants.functions.suspend(account, h("suspension")), market.regulator
    )


def revoke_product(market: Market, product_id: int) -> None:
    market.chain.transact(
        market.products.functions.revoke(product_id, h("revocation")), market.regulator
    )


def grant_count(market: Market) -> int:
    return int(market.authorizations.functions.grantCount().call())


# ----- acceptance -----


def test_a_seller_suspended_after_the_order_cannot_accept_it(market: Market) -> None:
    order_id = market.create()
    suspend(market, market.seller)
    call = market.settlement.functions.accept(order_id)
    market.chain.expect_revert(call, market.seller, "SupplierNotActive", market.seller)
    assert market.order(order_id)["status"] == OrderStatus.CREATED


def test_an_order_of_a_buyer_suspended_after_ordering_cannot_be_accepted(market: Market) -> None:
    order_id = market.create()
    suspend(market, market.buyer)
    call = market.settlement.functions.accept(order_id)
    market.chain.expect_revert(call, market.seller, "NotActiveBuyer", market.buyer)
    assert market.order(order_id)["status"] == OrderStatus.CREATED


def test_a_metered_order_of_a_suspended_buyer_gets_no_grant_at_acceptance(market: Market) -> None:
    order_id = market.create(PER_CALL_PRODUCT)
    suspend(market, market.buyer)
    call = market.settlement.functions.accept(order_id)
    market.chain.expect_revert(call, market.seller, "NotActiveBuyer", market.buyer)
    assert grant_count(market) == 0


# ----- payment of a fixed-price order (issues the grant) -----


def test_payment_after_the_product_was_revoked_issues_no_grant(market: Market) -> None:
    order_id = market.accepted()
    revoke_product(market, FIXED_PRODUCT)
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    market.chain.expect_revert(
        call, market.operator_b, "ProductNotListed", FIXED_PRODUCT, ProductStatus.REVOKED
    )
    assert market.bill(order_id)["status"] == BillStatus.DUE
    assert grant_count(market) == 0


def test_payment_after_the_product_was_suspended_issues_no_grant(market: Market) -> None:
    order_id = market.accepted()
    market.suspend_product(FIXED_PRODUCT)
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    market.chain.expect_revert(
        call, market.operator_b, "ProductNotListed", FIXED_PRODUCT, ProductStatus.SUSPENDED
    )


def test_payment_to_a_seller_suspended_after_acceptance_issues_no_grant(market: Market) -> None:
    order_id = market.accepted()
    suspend(market, market.seller)
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    market.chain.expect_revert(call, market.operator_b, "SupplierNotActive", market.seller)
    assert grant_count(market) == 0


def test_payment_by_a_buyer_suspended_after_acceptance_issues_no_grant(market: Market) -> None:
    order_id = market.accepted()
    suspend(market, market.buyer)
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    market.chain.expect_revert(call, market.operator_b, "NotActiveBuyer", market.buyer)
    assert grant_count(market) == 0


def test_an_order_stopped_before_payment_is_still_cancelled_by_both(market: Market) -> None:
    order_id = market.accepted()
    suspend(market, market.seller)
    market.chain.transact(market.settlement.functions.cancel(order_id), market.buyer)
    market.chain.transact(market.settlement.functions.cancel(order_id), market.seller)
    assert market.order(order_id)["status"] == OrderStatus.CANCELLED


# ----- delivery -----


def test_a_seller_suspended_after_payment_cannot_deliver(market: Market) -> None:
    order_id = market.paid()
    suspend(market, market.seller)
    call = market.settlement.functions.deliver(order_id, h("delivery"))
    market.chain.expect_revert(call, market.seller, "SupplierNotActive", market.seller)
    assert market.bill(order_id)["status"] == BillStatus.PAID


def test_the_buyer_of_a_suspended_seller_is_refunded_after_the_deadline(market: Market) -> None:
    order_id = market.paid()
    suspend(market, market.seller)
    market.chain.advance(DELIVERY_DEADLINE + 1)
    market.chain.transact(market.settlement.functions.claimNonDelivery(order_id), market.buyer)
    assert market.bill(order_id)["status"] == BillStatus.REFUNDED


# ----- wind-down open to a suspended party -----


def test_a_suspended_buyer_still_confirms_a_delivered_bill(market: Market) -> None:
    order_id = market.delivered()
    suspend(market, market.buyer)
    market.chain.transact(market.settlement.functions.confirm(order_id, 0), market.buyer)
    assert market.bill(order_id)["status"] == BillStatus.SETTLED


def test_a_delivered_bill_of_a_suspended_seller_is_finalized_after_inspection(
    market: Market,
) -> None:
    order_id = market.delivered()
    suspend(market, market.seller)
    market.chain.advance(INSPECTION_PERIOD)
    market.chain.transact(market.settlement.functions.finalize(order_id, 0), market.stranger)
    assert market.bill(order_id)["status"] == BillStatus.SETTLED


def test_a_suspended_seller_still_raises_a_dispute(market: Market) -> None:
    order_id = market.delivered()
    suspend(market, market.seller)
    market.chain.transact(
        market.settlement.functions.raiseDispute(order_id, 0, h("complaint")), market.seller
    )
    assert market.bill(order_id)["dispute"] == DisputeStatus.OPEN


def test_a_statement_of_a_suspended_buyer_is_still_recorded_and_paid(market: Market) -> None:
    order_id = market.accepted(PER_CALL_PRODUCT)
    suspend(market, market.buyer)
    bill_no = market.statement(order_id, 2)
    market.chain.transact(
        market.settlement.functions.pay(order_id, bill_no, h("payment")), market.operator_b
    )
    assert market.bill(order_id, bill_no)["status"] == BillStatus.DELIVERED
