"""Fee suggestions and history. Gas is metered but free here: the base fee is always zero and
no tip is needed, so the suggestions are zero (web3.py then builds EIP-1559 transactions with
a zero tip, ethers legacy ones with a zero price, both payable from an empty account)."""

from __future__ import annotations

from typing import Any

from node.chain.chain_reader import ChainReader
from node.rpc import params
from node.rpc.errors import server_error
from node.rpc.fee_history import (
    MAX_BLOCK_COUNT,
    BlockFees,
    blob_base_fee,
    block_fees,
    fee_history_json,
    percentile_problem,
)
from node.rpc.format import quantity
from node.rpc.params import BlockNumber, BlockTag
from node.rpc.registry import RpcContext, optional, required, rpc_method

SUGGESTED_TIP = 0


@rpc_method("eth_gasPrice")
async def gas_price(ctx: RpcContext) -> str:
    """geth's legacy price suggestion: the suggested tip plus the head's base fee."""
    return quantity(SUGGESTED_TIP + (ctx.backend.ledger.head().base_fee_per_gas or 0))


@rpc_method("eth_maxPriorityFeePerGas")
async def max_priority_fee_per_gas(ctx: RpcContext) -> str:
    return quantity(SUGGESTED_TIP)


@rpc_method("eth_blobBaseFee")
async def blob_base_fee_of_head(ctx: RpcContext) -> str:
    return quantity(blob_base_fee(ctx.backend.ledger.head().excess_blob_gas))


def _newest(ledger: ChainReader, newest: BlockNumber) -> int:
    head = ledger.head().block_number
    if newest is BlockTag.EARLIEST:
        return 0
    if isinstance(newest, BlockTag):
        return head
    if newest > head:
        raise server_error(f"request beyond head block: requested {newest}, head {head}")
    return newest


def _fee_history(
    ledger: ChainReader, count: int, newest: BlockNumber, percentiles: tuple[float, ...]
) -> dict[str, Any]:
    last = _newest(ledger, newest)
    count = min(count, MAX_BLOCK_COUNT, last + 1)
    oldest = last + 1 - count
    fees: list[BlockFees] = []
    for number in range(oldest, last + 1):
        header = ledger.header_by_number(number)
        if header is None:
            break
        if percentiles:
            transactions = ledger.block(header).transactions
            fees.append(block_fees(header, percentiles, transactions, ledger.receipts(header)))
        else:
            fees.append(block_fees(header, percentiles))
    return fee_history_json(oldest, fees, with_rewards=bool(percentiles))


@rpc_method(
    "eth_feeHistory",
    required(params.hex_or_decimal64),
    required(params.block_number),
    optional(params.percentiles, ()),
)
async def fee_history(
    ctx: RpcContext, count: int, newest: BlockNumber, percentiles: tuple[float, ...]
) -> dict[str, Any]:
    """Base fees (one more than blocks), gas used ratios, blob figures and, when percentiles
    are asked for, rewards; an empty history for a count of zero, as geth."""
    if count == 0:
        return {"oldestBlock": quantity(0), "gasUsedRatio": None}
    problem = percentile_problem(percentiles)
    if problem is not None:
        raise server_error(problem)
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(lambda: _fee_history(ledger, count, newest, percentiles))
