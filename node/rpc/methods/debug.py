"""geth's raw-data debug methods: a block, header, receipts or transaction in its consensus
encoding, byte for byte as stored, for tools that verify hashes and roots themselves (and for
certificates, whose headers must be exact)."""

from __future__ import annotations

import rlp
from eth_typing import Hash32

from node.chain.chain_reader import ChainReader
from node.rpc import params
from node.rpc.errors import server_error
from node.rpc.format import hex_data
from node.rpc.params import BlockSelector
from node.rpc.registry import RpcContext, required, rpc_method
from node.rpc.selectors import header_by_selector


def _raw_header(ledger: ChainReader, selector: BlockSelector) -> str:
    header = header_by_selector(ledger, selector)
    if header is None:
        raise server_error("header not found")
    return hex_data(rlp.encode(header))


def _raw_block(ledger: ChainReader, selector: BlockSelector) -> str:
    header = header_by_selector(ledger, selector)
    if header is None:
        raise server_error("block not found")
    return hex_data(rlp.encode(ledger.block(header)))


def _raw_receipts(ledger: ChainReader, selector: BlockSelector) -> list[str]:
    header = header_by_selector(ledger, selector)
    if header is None:
        raise server_error("block not found")
    return [hex_data(receipt.encode()) for receipt in ledger.receipts(header)]


def _raw_transaction(ledger: ChainReader, tx_hash: Hash32) -> str | None:
    location = ledger.transaction_location(tx_hash)
    if location is None:
        return None
    number, index = location
    header = ledger.header_by_number(number)
    if header is None:
        return None
    return hex_data(ledger.block(header).transactions[index].encode())


@rpc_method("debug_getRawHeader", required(params.block_selector))
async def get_raw_header(ctx: RpcContext, selector: BlockSelector) -> str:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(lambda: _raw_header(ledger, selector))


@rpc_method("debug_getRawBlock", required(params.block_selector))
async def get_raw_block(ctx: RpcContext, selector: BlockSelector) -> str:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(lambda: _raw_block(ledger, selector))


@rpc_method("debug_getRawReceipts", required(params.block_selector))
async def get_raw_receipts(ctx: RpcContext, selector: BlockSelector) -> list[str]:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(lambda: _raw_receipts(ledger, selector))


@rpc_method("debug_getRawTransaction", required(params.hash32))
async def get_raw_transaction(ctx: RpcContext, tx_hash: Hash32) -> str | None:
    """An included transaction, else a pooled one, else null (geth)."""
    ledger = ctx.backend.ledger
    included = await ctx.backend.run_query(lambda: _raw_transaction(ledger, tx_hash))
    if included is not None:
        return included
    pooled = ctx.backend.pooled_transaction(tx_hash)
    return None if pooled is None else hex_data(pooled.encode())
