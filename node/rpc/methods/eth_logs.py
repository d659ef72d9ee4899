"""eth_getLogs over a block range or one block, on a worker thread (see
:mod:`node.rpc.log_filter`). "pending" names the head, like every other tag."""

from __future__ import annotations

from typing import Any

from node.rpc import params
from node.rpc.log_filter import find_logs
from node.rpc.params import LogFilter
from node.rpc.registry import RpcContext, required, rpc_method


@rpc_method("eth_getLogs", required(params.log_filter))
async def get_logs(ctx: RpcContext, criteria: LogFilter) -> list[dict[str, Any]]:
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(lambda: find_logs(ledger, criteria, ctx.limits))
