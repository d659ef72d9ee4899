"""Fee history figures: geth's percentile rules and its JSON shape."""

from __future__ import annotations

import pytest

from node.rpc.fee_history import BlockFees, blob_base_fee, fee_history_json, percentile_problem


@pytest.mark.parametrize(
    ("percentiles", "problem"),
    [
        ((), None),
        ((0.0, 50.0, 100.0), None),
        ((101.0,), "invalid reward percentile: 101.000000"),
        ((-1.0,), "invalid reward percentile: -1.000000"),
        ((10.0, 10.0), "invalid reward percentile: #0:10.000000 >= #1:10.000000"),
        (
            tuple(float(n) for n in range(101)),
            "invalid reward percentile: over the query limit 100",
        ),
    ],
)
def test_percentiles_must_rise_within_0_and_100(
    percentiles: tuple[float, ...], problem: str | None
) -> None:
    assert percentile_problem(percentiles) == problem


def test_the_blob_base_fee_is_one_wei_at_zero_excess_and_grows_with_it() -> None:
    assert (blob_base_fee(0), blob_base_fee(10_000_000)) == (1, 7)


def test_fee_history_lists_one_more_base_fee_than_blocks_and_writes_integral_ratios_bare() -> None:
    fees = [BlockFees(0, 0, 0.0, 1, 1, 0.0, (0,)), BlockFees(0, 0, 0.25, 1, 2, 1.0, (3,))]

    assert fee_history_json(7, fees, with_rewards=True) == {
        "oldestBlock": "0x7",
        "reward": [["0x0"], ["0x3"]],
        "baseFeePerBlobGas": ["0x1", "0x1", "0x2"],
        "baseFeePerGas": ["0x0", "0x0", "0x0"],
        "blobGasUsedRatio": [0, 1],
        "gasUsedRatio": [0, 0.25],
    }
