"""eth_feeHistory's per-block figures, computed as geth's gas price oracle does.

On a QBFT chain the base fee is zero in every block (its VM refuses any other), so the base
fee of the block after the newest is zero as well; an imported chain's next base fee follows
EIP-1559. Blob figures follow the block's fork (Prague's rules on QBFT): the blob base fee
derives from ``excessBlobGas`` (1 wei at zero excess), and the blob gas ratio is over the
fork's maximum blob gas per block; before Cancun both are zero. Rewards are the effective tips
paid, at the requested percentiles of the block's gas, weighted by each transaction's gas as
geth weights them; an empty block rewards zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth.abc import BlockHeaderAPI, ReceiptAPI, SignedTransactionAPI

from node.chain.fees import PRAGUE_BLOBS, BlobParams
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


def blob_base_fee(excess_blob_gas: int, blobs: BlobParams = PRAGUE_BLOBS) -> int:
    return blobs.base_fee(excess_blob_gas)


@dataclass(frozen=True)
class ForkFees:
    """What the block's fork and the next block's say about fees."""

    blobs: BlobParams | None
    next_blobs: BlobParams | None
    next_base_fee: int


QBFT_FEES = ForkFees(PRAGUE_BLOBS, PRAGUE_BLOBS, 0)


def block_fees(
    header: BlockHeaderAPI,
    percentiles: Sequence[float],
    transactions: Sequence[SignedTransactionAPI] = (),
    receipts: Sequence[ReceiptAPI] = (),
    fork: ForkFees = QBFT_FEES,
) -> BlockFees:
    """The figures of one block; ``transactions`` and ``receipts`` only matter for rewards."""
    blob_fee = next_blob_fee = 0
    blob_ratio = 0.0
    if fork.blobs is not None:
        blob_fee = fork.blobs.base_fee(header.excess_blob_gas)
        blob_ratio = header.blob_gas_used / fork.blobs.max_gas
        if fork.next_blobs is not None:
            next_blob_fee = fork.next_blobs.base_fee(fork.blobs.next_excess(header))
    return BlockFees(
        base_fee=getattr(header, "base_fee_per_gas", 0) or 0,
        next_base_fee=fork.next_base_fee,
        gas_used_ratio=header.gas_used / header.gas_limit,
        blob_base_fee=blob_fee,
        next_blob_base_fee=next_blob_fee,
        blob_gas_used_ratio=blob_ratio,
        rewards=_rewards(header, percentiles, transactions, receipts),
    )


def _rewards(
    header: BlockHeaderAPI,
    percentiles: Sequence[float],
    transactions: Sequence[SignedTransactionAPI],
    receipts: Sequence[ReceiptAPI],
) -> tuple[int, ...]:
    if not transactions:
        return tuple(0 for _ in percentiles)
    base_fee = getattr(header, "base_fee_per_gas", 0) or 0
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
