"""Blocks and their receipts by number, tag or hash; an unknown block is null.

Anything that decodes a block body runs on a worker thread: a block of a few hundred
transactions costs a signature recovery per transaction.
"""

from __future__ import annotations

from typing import Any

from eth.abc import BlockHeaderAPI

from node.chain.chain_reader import ChainReader
from node.rpc import params
from node.rpc.format import block_json, block_receipts_json, quantity
from node.rpc.params import BlockNumber, BlockSelector
from node.rpc.registry import RpcContext, required, rpc_method
from node.rpc.selectors import header_by_hash, header_by_number, header_by_selector


def _block(ledger: ChainReader, header: BlockHeaderAPI | None, full: bool) -> dict[str, Any] | None:
    if header is None:
        return None
    total_difficulty = ledger.total_difficulty(header)
    return block_json(ledger.block(header), total_difficulty, full_transactions=full)


@rpc_method("eth_getBlockByNumber", required(params.block_number), required(params.boolean))
async def get_block_by_number(
    ctx: RpcContext, number: BlockNumber, full: bool
) -> dict[str, Any] | None:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(
        lambda: _block(ledger, header_by_number(ledger, number), full)
    )


@rpc_method("eth_getBlockByHash", required(params.hash32), required(params.boolean))
async def get_block_by_hash(
    ctx: RpcContext, block_hash: bytes, full: bool
) -> dict[str, Any] | None:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(
        lambda: _block(ledger, header_by_hash(ledger, block_hash), full)
    )


def _transaction_count(ledger: ChainReader, header: BlockHeaderAPI | None) -> str | None:
    return None if header is None else quantity(len(ledger.block(header).transactions))


@rpc_method("eth_getBlockTransactionCountByNumber", required(params.block_number))
async def get_block_transaction_count_by_number(ctx: RpcContext, number: BlockNumber) -> str | None:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(
        lambda: _transaction_count(ledger, header_by_number(ledger, number))
    )


@rpc_method("eth_getBlockTransactionCountByHash", required(params.hash32))
async def get_block_transaction_count_by_hash(ctx: RpcContext, block_hash: bytes) -> str | None:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(
        lambda: _transaction_count(ledger, header_by_hash(ledger, block_hash))
    )


def _block_receipts(ledger: ChainReader, selector: BlockSelector) -> list[dict[str, Any]] | None:
    header = header_by_selector(ledger, selector)
    if header is None:
        return None
    transactions = ledger.block(header).transactions
    receipts = ledger.receipts(header)
    return block_receipts_json(header, transactions, receipts, ledger.blob_base_fee(header))


@rpc_method("eth_getBlockReceipts", required(params.block_selector))
async def get_block_receipts(
    ctx: RpcContext, selector: BlockSelector
) -> list[dict[str, Any]] | None:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(lambda: _block_receipts(ledger, selector))
