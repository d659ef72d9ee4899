"""The Solidity FeeSplit library and its Python mirror compute the same legs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web3.contract import Contract

from client.fee_split import MAX_UINT128, split
from tests.contracts.harness import ContractChain

amounts = st.integers(min_value=0, max_value=MAX_UINT128)
rate_pairs = st.integers(min_value=0, max_value=10_000).flatmap(
    lambda listing: st.tuples(
        st.just(listing), st.integers(min_value=0, max_value=10_000 - listing)
    )
)


@pytest.fixture(scope="module")
def chain() -> ContractChain:
    return ContractChain()


@pytest.fixture(scope="module")
def probe(chain: ContractChain) -> Contract:
    return chain.deploy("FeeSplitProbe")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amounts, st.data(), rate_pairs)
def test_the_library_matches_the_python_mirror(
    probe: Contract, amount: int, data: st.DataObject, rates: tuple[int, int]
) -> None:
    refund = data.draw(st.integers(min_value=0, max_value=amount))
    legs = split(amount, refund, *rates)
    assert probe.functions.split(amount, refund, *rates).call() == (
        legs.buyer_refund,
        legs.listing_fee,
        legs.buyer_exchange_fee,
        legs.supplier,
    )


def test_the_library_rejects_rates_above_the_whole(chain: ContractChain, probe: Contract) -> None:
    chain.expect_revert(
        probe.functions.split(100, 0, 6_000, 4_001),
        chain.accounts[0],
        "FeeRatesExceedWhole",
        6_000,
        4_001,
    )


def test_the_library_rejects_a_refund_above_the_amount(
    chain: ContractChain, probe: Contract
) -> None:
    chain.expect_revert(
        probe.functions.split(100, 101, 0, 0), chain.accounts[0], "RefundExceedsAmount", 101, 100
    )
