"""Property: whatever partial refund an award grants on whatever amount, the clearing legs the
contract emits are the fee split's, sum to the amount and are never negative."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from client.fee_split import split
from tests.contracts.market import (
    A_LISTING_FEE,
    B_BUYER_EXCHANGE_FEE,
    FIXED_PRODUCT,
    Market,
    Outcome,
    Resolution,
    events,
    h,
)


@st.composite
def priced_partial_refunds(draw: st.DrawFn) -> tuple[int, int, int]:
    unit_price = draw(st.integers(min_value=2, max_value=10**12))
    quantity = draw(st.integers(min_value=1, max_value=10**6))
    refund = draw(st.integers(min_value=1, max_value=unit_price * quantity - 1))
    return unit_price, quantity, refund


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(priced_partial_refunds())
def test_an_awarded_partial_refund_clears_by_the_fee_split_rule(
    deployed_market: Market, case: tuple[int, int, int]
) -> None:
    unit_price, quantity, refund = case
    market = deployed_market
    snapshot = market.chain.snapshot()
    try:
        market.reprice(FIXED_PRODUCT, unit_price)
        order_id = market.disputed(quantity=quantity, unitPrice=unit_price)
        call = market.settlement.functions.recordAward(
            order_id, 0, Resolution.ARBITRAL_AWARD, Outcome.PARTIAL, refund, h("award")
        )
        receipt = market.chain.transact(call, market.regulator)
        [clearing] = events(market, receipt, "ClearingInstruction")
        legs = clearing["certificate"]["legs"]
        expected = split(unit_price * quantity, refund, A_LISTING_FEE, B_BUYER_EXCHANGE_FEE)
        assert legs == {
            "buyerRefund": expected.buyer_refund,
            "listingFee": expected.listing_fee,
            "buyerExchangeFee": expected.buyer_exchange_fee,
            "supplier": expected.supplier,
        }
        assert sum(legs.values()) == unit_price * quantity
        assert min(legs.values()) >= 0
    finally:
        market.chain.revert_to(snapshot)
