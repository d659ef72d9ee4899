"""Fee suggestions and history. Gas is metered but free on a QBFT chain: the base fee is always
zero and no tip is needed, so the suggestions are zero (web3.py then builds EIP-1559
transactions with a zero tip, ethers legacy ones with a zero price, both payable from an empty
account). An imported chain's figures follow its forks' fee rules."""

from __future__ import annotations

from typing import Any

from eth.abc import BlockHeaderAPI

from node.chain.chain_reader import ChainReader
from node.chain.fees import blob_params
from node.rpc import params
from node.rpc.errors import server_error
from node.rpc.fee_history import (
    MAX_BLOCK_COUNT,
    BlockFees,
    ForkFees,
    block_fees,
    fee_history_json,
    percentile_problem,
)
from node.rpc.format import quantity
from node.rpc.params import BlockNumber, BlockTag
from node.rpc.registry import RpcContext, optional, required, rpc_method
from node.txpool.rules import GETH_MIN_TIP

SUGGESTED_TIP = 0


def suggested_tip(ledger: ChainReader) -> int:
    """Zero on QBFT; on an imported chain the least tip its pool admits (geth's default
    price limit), so that a wallet following the suggestion is not refused."""
    return SUGGESTED_TIP if ledger.is_qbft else GETH_MIN_TIP


@rpc_method("eth_gasPrice")
async def gas_price(ctx: RpcContext) -> str:
    """geth's legacy price suggestion: the suggested tip plus the head's base fee."""
    ledger = ctx.backend.ledger
    head = ledger.head()
    return quantity(suggested_tip(ledger) + (getattr(head, "base_fee_per_gas", 0) or 0))


@rpc_method("eth_maxPriorityFeePerGas")
async def max_priority_fee_per_gas(ctx: RpcContext) -> str:
    return quantity(suggested_tip(ctx.backend.ledger))


@rpc_method("eth_blobBaseFee")
async def blob_base_fee_of_head(ctx: RpcContext) -> str:
    """The head's blob base fee, as geth; an error before Cancun, which has no blob market."""
    ledger = ctx.backend.ledger
    head = ledger.head()
    blobs = blob_params(ledger.fork_of(head))
    if blobs is None:
        raise server_error("blob base fee is not available before Cancun")
    return quantity(blobs.base_fee(head.excess_blob_gas))


def _fork_fees(ledger: ChainReader, header: BlockHeaderAPI) -> ForkFees:
    return ForkFees(
        blobs=blob_params(ledger.fork_of(header)),
        next_blobs=blob_params(ledger.next_fork(header)),
        next_base_fee=ledger.next_base_fee(header),
    )


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
        fork = _fork_fees(ledger, header)
        if percentiles:
            transactions = ledger.block(header).transactions
            receipts = ledger.receipts(header)
            fees.append(block_fees(header, percentiles, transactions, receipts, fork))
        else:
            fees.append(block_fees(header, percentiles, fork=fork))
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
