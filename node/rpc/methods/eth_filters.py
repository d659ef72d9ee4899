"""Polled filters: eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter,
eth_getFilterChanges, eth_getFilterLogs and eth_uninstallFilter, as geth serves them.

The registry (:mod:`node.rpc.filters`) holds the filters; a log filter's new logs are found at
poll time with the eth_getLogs query (:mod:`node.rpc.log_filter`) over the blocks committed
since its last poll, on a worker thread.
"""

from __future__ import annotations

from typing import Any

from node.chain.chain_reader import ChainReader
from node.rpc import params
from node.rpc.errors import RpcError, server_error
from node.rpc.filters import FilterKind, FilterNotFound, LogRange, TooManyFilters
from node.rpc.format import hex_data
from node.rpc.limits import RpcLimits
from node.rpc.log_filter import find_logs
from node.rpc.params import LogFilter
from node.rpc.registry import RpcContext, required, rpc_method


def _not_found() -> RpcError:
    return server_error("filter not found")


def _too_many(error: TooManyFilters) -> RpcError:
    return server_error(str(error))


def filter_id(value: Any) -> str:
    """geth's ``rpc.ID``: a string, compared as given."""
    if not isinstance(value, str):
        raise params.ParamError(
            f"json: cannot unmarshal {_kind(value)} into Go value of type rpc.ID"
        )
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


@rpc_method("eth_newFilter", required(params.log_filter))
async def new_filter(ctx: RpcContext, criteria: LogFilter) -> str:
    if criteria.block_hash is not None:
        raise server_error("blockHash is not supported by eth_newFilter, use eth_getLogs")
    head = ctx.backend.ledger.head().block_number
    try:
        return ctx.backend.filters.new_log_filter(criteria, head)
    except TooManyFilters as error:
        raise _too_many(error) from None


@rpc_method("eth_newBlockFilter")
async def new_block_filter(ctx: RpcContext) -> str:
    try:
        return ctx.backend.filters.new_block_filter()
    except TooManyFilters as error:
        raise _too_many(error) from None


@rpc_method("eth_newPendingTransactionFilter")
async def new_pending_transaction_filter(ctx: RpcContext) -> str:
    try:
        return ctx.backend.filters.new_pending_transaction_filter()
    except TooManyFilters as error:
        raise _too_many(error) from None


@rpc_method("eth_getFilterChanges", required(filter_id))
async def get_filter_changes(ctx: RpcContext, identifier: str) -> list[Any]:
    registry = ctx.backend.filters
    try:
        if registry.kind(identifier) is not FilterKind.LOGS:
            return [hex_data(value) for value in registry.take_hashes(identifier)]
        ledger = ctx.backend.ledger
        pending = registry.take_log_range(identifier, ledger.head().block_number)
    except FilterNotFound:
        raise _not_found() from None
    if pending is None:
        return []
    return await ctx.backend.run_query(lambda: _range_logs(ledger, pending, ctx.limits))


@rpc_method("eth_getFilterLogs", required(filter_id))
async def get_filter_logs(ctx: RpcContext, identifier: str) -> list[dict[str, Any]]:
    try:
        criteria = ctx.backend.filters.log_criteria(identifier)
    except FilterNotFound:
        raise _not_found() from None
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(lambda: find_logs(ledger, criteria, ctx.limits))


@rpc_method("eth_uninstallFilter", required(filter_id))
async def uninstall_filter(ctx: RpcContext, identifier: str) -> bool:
    return ctx.backend.filters.uninstall(identifier)


def _range_logs(ledger: ChainReader, pending: LogRange, limits: RpcLimits) -> list[dict[str, Any]]:
    """The logs of ``[first, last]``, queried in spans of at most the eth_getLogs range limit."""
    logs: list[dict[str, Any]] = []
    first = pending.first
    while first <= pending.last:
        last = min(pending.last, first + limits.max_log_block_range)
        span = LogFilter(
            block_hash=None,
            from_block=first,
            to_block=last,
            addresses=pending.criteria.addresses,
            topics=pending.criteria.topics,
        )
        logs.extend(find_logs(ledger, span, limits))
        first = last + 1
    return logs
