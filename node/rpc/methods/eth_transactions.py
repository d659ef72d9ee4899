"""Transactions and receipts by hash or position, and submission of signed transactions.

A transaction still in the pool is returned with null block fields; its receipt is null until
a block includes it (web3.py and ethers poll for exactly that). The pool's refusals reach the
client as -32000 with geth's text.
"""

from __future__ import annotations

from typing import Any

from eth.abc import BlockHeaderAPI
from eth_typing import Hash32

from node.chain.chain_reader import ChainReader
from node.rpc import params
from node.rpc.errors import server_error
from node.rpc.format import hex_data, receipt_json, transaction_json, tx_location
from node.rpc.params import BlockNumber
from node.rpc.registry import RpcContext, required, rpc_method
from node.rpc.selectors import header_by_hash, header_by_number
from node.txpool.errors import TxPoolError


def _included(ledger: ChainReader, tx_hash: bytes) -> tuple[BlockHeaderAPI, int] | None:
    location = ledger.transaction_location(tx_hash)
    if location is None:
        return None
    number, index = location
    header = ledger.header_by_number(number)
    return None if header is None else (header, index)


def _included_transaction(ledger: ChainReader, tx_hash: bytes) -> dict[str, Any] | None:
    found = _included(ledger, tx_hash)
    if found is None:
        return None
    header, index = found
    location = tx_location(header, index, ledger.blob_base_fee(header))
    return transaction_json(ledger.block(header).transactions[index], location)


@rpc_method("eth_getTransactionByHash", required(params.hash32))
async def get_transaction_by_hash(ctx: RpcContext, tx_hash: Hash32) -> dict[str, Any] | None:
    ledger = ctx.backend.ledger
    included = await ctx.backend.run_query(lambda: _included_transaction(ledger, tx_hash))
    if included is not None:
        return included
    pooled = ctx.backend.pooled_transaction(tx_hash)
    return None if pooled is None else transaction_json(pooled, None)


def _transaction_at(
    ledger: ChainReader, header: BlockHeaderAPI | None, index: int
) -> dict[str, Any] | None:
    if header is None:
        return None
    transactions = ledger.block(header).transactions
    if index >= len(transactions):
        return None
    return transaction_json(transactions[index], tx_location(header, index))


@rpc_method(
    "eth_getTransactionByBlockNumberAndIndex", required(params.block_number), required(params.uint)
)
async def get_transaction_by_block_number_and_index(
    ctx: RpcContext, number: BlockNumber, index: int
) -> dict[str, Any] | None:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(
        lambda: _transaction_at(ledger, header_by_number(ledger, number), index)
    )


@rpc_method("eth_getTransactionByBlockHashAndIndex", required(params.hash32), required(params.uint))
async def get_transaction_by_block_hash_and_index(
    ctx: RpcContext, block_hash: Hash32, index: int
) -> dict[str, Any] | None:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(
        lambda: _transaction_at(ledger, header_by_hash(ledger, block_hash), index)
    )


def _receipt(ledger: ChainReader, tx_hash: bytes) -> dict[str, Any] | None:
    found = _included(ledger, tx_hash)
    if found is None:
        return None
    header, index = found
    transactions = ledger.block(header).transactions
    receipts = ledger.receipts(header)
    earlier = receipts[:index]
    return receipt_json(
        transactions[index],
        receipts[index],
        tx_location(header, index, ledger.blob_base_fee(header)),
        previous_cumulative_gas=earlier[-1].gas_used if earlier else 0,
        first_log_index=sum(len(receipt.logs) for receipt in earlier),
    )


@rpc_method("eth_getTransactionReceipt", required(params.hash32))
async def get_transaction_receipt(ctx: RpcContext, tx_hash: Hash32) -> dict[str, Any] | None:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(lambda: _receipt(ledger, tx_hash))


@rpc_method("eth_sendRawTransaction", required(params.data))
async def send_raw_transaction(ctx: RpcContext, raw: bytes) -> str:
    try:
        tx_hash = await ctx.backend.submit_raw_transaction(raw)
    except TxPoolError as error:
        raise server_error(str(error)) from None
    return hex_data(tx_hash)
