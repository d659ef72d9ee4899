"""eth_feeHistory's per-block figures, computed as geth's gas price oracle does.

The base fee is zero in every block (the QBFT VM refuses any other), so the base fee of the
block after the newest is zero as well. Blob figures follow Prague's rules from genesis: the
blob base fee derives from ``excessBlobGas`` (1 wei at zero excess), and the blob gas ratio is
over Prague's 1,179,648 blob gas per block. Rewards are the effective tips paid, at the
requested percentiles of the block's gas, weighted by each transaction's gas as geth weights
them; an empty block rewards zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth._utils.calculations import fake_exponential
from eth.abc import ReceiptAPI, SignedTransactionAPI
from eth.vm.forks.cancun.constants import MIN_BLOB_BASE_FEE
from eth.vm.forks.prague.constants import (
    BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE,
    MAX_BLOB_GAS_PER_BLOCK,
    TARGET_BLOB_GAS_PER_BLOCK,
)

from node.chain.header import QbftBlockHeader
from node.rpc.format import effective_gas_price, quantity

MAX_BLOCK_COUNT = 1024
"""Longest history answered; longer requests are shortened (geth's ``MaxHeaderHistory``)."""
MAX_PERCENTILES = 100


@dataclass(frozen=True)
class BlockFees:
    base_fee: int
    next_base_fee: int
    gas_used_ratio: float
    blob_base_fee: int
    next_blob_base_fee: int
    blob_gas_used_ratio: float
    rewards: tuple[int, ...]


def percentile_problem(percentiles: Sequence[float]) -> str | None:
    """geth's refusal of a percentile list, or None when it is usable."""
    if len(percentiles) > MAX_PERCENTILES:
        return f"invalid reward percentile: over the query limit {MAX_PERCENTILES}"
    for index, percentile in enumerate(percentiles):
        if not 0 <= percentile <= 100:
            return f"invalid reward percentile: {percentile:f}"
        if index and percentile <= percentiles[index - 1]:
            previous = percentiles[index - 1]
            return (
                f"invalid reward percentile: #{index - 1}:{previous:f} >= #{index}:{percentile:f}"
            )
    return None


def blob_base_fee(excess_blob_gas: int) -> int:
    return fake_exponential(
        MIN_BLOB_BASE_FEE, excess_blob_gas, BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE
    )


def block_fees(
    header: QbftBlockHeader,
    percentiles: Sequence[float],
    transactions: Sequence[SignedTransactionAPI] = (),
    receipts: Sequence[ReceiptAPI] = (),
) -> BlockFees:
    """The figures of one block; ``transactions`` and ``receipts`` only matter for rewards."""
    next_excess = max(0, header.excess_blob_gas + header.blob_gas_used - TARGET_BLOB_GAS_PER_BLOCK)
    return BlockFees(
        base_fee=header.base_fee_per_gas or 0,
        next_base_fee=0,
        gas_used_ratio=header.gas_used / header.gas_limit,
        blob_base_fee=blob_base_fee(header.excess_blob_gas),
        next_blob_base_fee=blob_base_fee(next_excess),
        blob_gas_used_ratio=header.blob_gas_used / MAX_BLOB_GAS_PER_BLOCK,
        rewards=_rewards(header, percentiles, transactions, receipts),
    )


def _rewards(
    header: QbftBlockHeader,
    percentiles: Sequence[float],
    transactions: Sequence[SignedTransactionAPI],
    receipts: Sequence[ReceiptAPI],
) -> tuple[int, ...]:
    if not transactions:
        return tuple(0 for _ in percentiles)
    base_fee = header.base_fee_per_gas or 0
    previous = 0
    tips: list[tuple[int, int]] = []
    for tx, receipt in zip(transactions, receipts, strict=True):
        tips.append((effective_gas_price(tx, base_fee) - base_fee, receipt.gas_used - previous))
        previous = receipt.gas_used
    tips.sort(key=lambda entry: entry[0])
    rewards: list[int] = []
    index = 0
    gas_so_far = tips[0][1]
    for percentile in percentiles:
        threshold = int(header.gas_used * percentile / 100)
        while gas_so_far < threshold and index < len(tips) - 1:
            index += 1
            gas_so_far += tips[index][1]
        rewards.append(tips[index][0])
    return tuple(rewards)


def fee_history_json(oldest: int, fees: Sequence[BlockFees], with_rewards: bool) -> dict[str, Any]:
    """geth's answer for blocks ``oldest ..`` (in the fixtures' key order)."""
    result: dict[str, Any] = {"oldestBlock": quantity(oldest)}
    if with_rewards:
        result["reward"] = [[quantity(reward) for reward in block.rewards] for block in fees]
    result["baseFeePerBlobGas"] = [quantity(block.blob_base_fee) for block in fees] + [
        quantity(fees[-1].next_blob_base_fee)
    ]
    result["baseFeePerGas"] = [quantity(block.base_fee) for block in fees] + [
        quantity(fees[-1].next_base_fee)
    ]
    result["blobGasUsedRatio"] = [_go_float(block.blob_gas_used_ratio) for block in fees]
    result["gasUsedRatio"] = [_go_float(block.gas_used_ratio) for block in fees]
    return result


def _go_float(value: float) -> float | int:
    """Go writes an integral float64 without a fraction (``0``, not ``0.0``)."""
    return int(value) if value.is_integer() else value
