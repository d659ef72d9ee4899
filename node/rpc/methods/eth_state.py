"""Account state at a block: balance, code, storage and nonce.

The block defaults to "latest". "pending" is the head, except for eth_getTransactionCount,
where it is the next nonce counting the sender's pooled transactions (what wallets need to
send several transactions in a row).
"""

from __future__ import annotations

from eth.abc import StateAPI
from eth_typing import Address

from node.rpc import params
from node.rpc.errors import server_error
from node.rpc.format import hex_data, quantity, word
from node.rpc.params import BlockSelector, BlockTag, ParamError
from node.rpc.registry import RpcContext, optional, required, rpc_method
from node.rpc.selectors import state_header


def _state(ctx: RpcContext, selector: BlockSelector) -> StateAPI:
    ledger = ctx.backend.ledger
    return ledger.state_at(state_header(ledger, selector))


_LATEST = optional(params.block_selector, BlockTag.LATEST)


@rpc_method("eth_getBalance", required(params.address), _LATEST)
async def get_balance(ctx: RpcContext, account: Address, selector: BlockSelector) -> str:
    return quantity(_state(ctx, selector).get_balance(account))


@rpc_method("eth_getCode", required(params.address), _LATEST)
async def get_code(ctx: RpcContext, account: Address, selector: BlockSelector) -> str:
    return hex_data(_state(ctx, selector).get_code(account))


@rpc_method("eth_getStorageAt", required(params.address), required(params.string), _LATEST)
async def get_storage_at(
    ctx: RpcContext, account: Address, key: str, selector: BlockSelector
) -> str:
    state = _state(ctx, selector)
    try:
        slot = params.storage_slot(key)
    except ParamError as error:
        raise server_error(f"unable to decode storage key: {error}") from None
    return word(state.get_storage(account, slot))


@rpc_method("eth_getTransactionCount", required(params.address), _LATEST)
async def get_transaction_count(ctx: RpcContext, account: Address, selector: BlockSelector) -> str:
    if selector is BlockTag.PENDING:
        return quantity(ctx.backend.pending_nonce(account))
    return quantity(_state(ctx, selector).get_nonce(account))
