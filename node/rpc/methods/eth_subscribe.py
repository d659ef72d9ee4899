"""eth_subscribe and eth_unsubscribe, as geth serves them over WebSocket.

``newHeads`` notifies each new block's header (no transactions); ``logs`` each matching log of
each new block, with ``removed: false`` (a committed QBFT block is final, so no log is ever
removed); ``newPendingTransactions`` each pooled transaction's hash, or its JSON when the
second parameter is ``true``. A logs subscription matches on ``address`` and ``topics``; its
``fromBlock`` and ``toBlock`` are ignored, as in geth, since it only sees new blocks.

Over HTTP there is no connection to notify, so both methods answer geth's
"notifications not supported".
"""

from __future__ import annotations

from typing import Any

from node.rpc import params
from node.rpc.errors import METHOD_NOT_FOUND, RpcError, invalid_params, server_error
from node.rpc.methods.eth_filters import filter_id
from node.rpc.registry import RpcContext, optional, required, rpc_method
from node.rpc.subscriptions import SubscriptionKind, SubscriptionSession, TooManySubscriptions

_KINDS = {kind.value: kind for kind in SubscriptionKind}


def _session(ctx: RpcContext) -> SubscriptionSession:
    if ctx.subscriptions is None:
        raise RpcError(METHOD_NOT_FOUND, "notifications not supported")
    return ctx.subscriptions


def _argument(decode: Any, value: Any) -> Any:
    try:
        return decode(value)
    except params.ParamError as error:
        raise invalid_params(f"invalid argument 1: {error}") from None


@rpc_method("eth_subscribe", required(params.string), optional(lambda value: value))
async def subscribe(ctx: RpcContext, name: str, argument: Any) -> str:
    session = _session(ctx)
    kind = _KINDS.get(name)
    if kind is None:
        raise RpcError(METHOD_NOT_FOUND, f'no "{name}" subscription in eth namespace')
    try:
        if kind is SubscriptionKind.NEW_HEADS:
            if argument is not None:
                raise invalid_params("too many arguments, want at most 1")
            return session.subscribe(kind)
        if kind is SubscriptionKind.LOGS:
            if argument is None:
                raise invalid_params("missing value for required argument 1")
            criteria = _argument(params.log_filter, argument)
            if criteria.block_hash is not None:
                raise server_error("blockHash is not supported by a logs subscription")
            return session.subscribe(kind, criteria)
        full = False if argument is None else _argument(params.boolean, argument)
        return session.subscribe(kind, full_transactions=full)
    except TooManySubscriptions as error:
        raise server_error(str(error)) from None


@rpc_method("eth_unsubscribe", required(filter_id))
async def unsubscribe(ctx: RpcContext, identifier: str) -> bool:
    if not _session(ctx).unsubscribe(identifier):
        raise server_error("subscription not found")
    return True
