"""The fee split rule: fees on the amount kept after any refund, each rounded down, the
remainder to the supplier, the four legs summing to the amount."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.fee_split import (
    MAX_UINT128,
    FeeRatesExceedWhole,
    FeeSplitError,
    Legs,
    RefundExceedsAmount,
    split,
)

amounts = st.integers(min_value=0, max_value=MAX_UINT128)
rate_pairs = st.integers(min_value=0, max_value=10_000).flatmap(
    lambda listing: st.tuples(
        st.just(listing), st.integers(min_value=0, max_value=10_000 - listing)
    )
)


@st.composite
def amount_and_refund(draw: st.DrawFn) -> tuple[int, int]:
    amount = draw(amounts)
    return amount, draw(st.integers(min_value=0, max_value=amount))


def test_fees_are_taken_in_basis_points_of_the_amount() -> None:
    assert split(10_000, 0, 250, 150) == Legs(0, 250, 150, 9_600)


def test_each_fee_rounds_down_and_the_remainder_goes_to_the_supplier() -> None:
    assert split(999, 0, 250, 150) == Legs(0, 24, 14, 961)


def test_a_partial_refund_takes_fees_on_the_amount_kept() -> None:
    assert split(37_035, 10_000, 250, 150) == Legs(10_000, 675, 405, 25_955)


def test_a_full_refund_leaves_no_fees_and_nothing_for_the_supplier() -> None:
    assert split(37_035, 37_035, 250, 150) == Legs(37_035, 0, 0, 0)


def test_rates_summing_to_the_whole_leave_the_supplier_nothing() -> None:
    assert split(1_001, 0, 6_000, 4_000) == Legs(0, 600, 400, 1)


def test_rates_above_the_whole_are_rejected() -> None:
    with pytest.raises(FeeRatesExceedWhole):
        split(100, 0, 6_000, 4_001)


def test_a_refund_above_the_amount_is_rejected() -> None:
    with pytest.raises(RefundExceedsAmount):
        split(100, 101, 0, 0)


@pytest.mark.parametrize(
    ("amount", "refund", "listing", "buyer_side"),
    [(-1, 0, 0, 0), (2**128, 0, 0, 0), (1, -1, 0, 0), (1, 0, -1, 0), (1, 0, 0, 2**16)],
)
def test_values_outside_the_contract_types_are_rejected(
    amount: int, refund: int, listing: int, buyer_side: int
) -> None:
    with pytest.raises(FeeSplitError):
        split(amount, refund, listing, buyer_side)


@given(amount_and_refund(), rate_pairs)
def test_the_legs_always_sum_to_the_amount(
    amounts: tuple[int, int], rates: tuple[int, int]
) -> None:
    legs = split(amounts[0], amounts[1], *rates)
    assert (
        legs.buyer_refund + legs.listing_fee + legs.buyer_exchange_fee + legs.supplier == amounts[0]
    )


@given(amount_and_refund(), rate_pairs)
def test_no_leg_is_ever_negative(amounts: tuple[int, int], rates: tuple[int, int]) -> None:
    legs = split(amounts[0], amounts[1], *rates)
    assert min(legs.buyer_refund, legs.listing_fee, legs.buyer_exchange_fee, legs.supplier) >= 0


@given(amount_and_refund(), rate_pairs)
def test_each_fee_is_its_rate_of_the_kept_amount_rounded_down(
    amounts: tuple[int, int], rates: tuple[int, int]
) -> None:
    amount, refund = amounts
    legs = split(amount, refund, *rates)
    kept = amount - refund
    for fee, rate in ((legs.listing_fee, rates[0]), (legs.buyer_exchange_fee, rates[1])):
        assert fee * 10_000 <= kept * rate < (fee + 1) * 10_000


@given(amount_and_refund(), rate_pairs)
def test_a_partial_refund_reduces_each_fee_in_proportion(
    amounts: tuple[int, int], rates: tuple[int, int]
) -> None:
    amount, refund = amounts
    full = split(amount, 0, *rates)
    partial = split(amount, refund, *rates)
    kept = amount - refund
    assert partial.listing_fee <= full.listing_fee
    assert partial.buyer_exchange_fee <= full.buyer_exchange_fee
    assert partial.listing_fee == split(kept, 0, *rates).listing_fee
    assert partial.buyer_exchange_fee == split(kept, 0, *rates).buyer_exchange_fee
