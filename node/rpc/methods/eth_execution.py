"""eth_call and eth_estimateGas, executed on a worker thread (see :mod:`node.rpc.execution`).

Both take an optional block (default "latest") and optional state overrides; block overrides
are not supported. Each request gets :attr:`RpcLimits.call_timeout_seconds` from the moment its
worker starts, for one call or for all the runs of an estimate.
"""

from __future__ import annotations

from typing import Any

from eth.abc import BlockHeaderAPI

from node.rpc import params
from node.rpc.errors import server_error
from node.rpc.execution import (
    CallRunner,
    Deadline,
    apply_overrides,
    call,
    call_conflicts,
    create_access_list,
    estimate_gas,
    vm_error_text,
)
from node.rpc.format import access_list_json, hex_data, quantity
from node.rpc.params import BlockSelector, BlockTag, CallArgs, StateOverrides
from node.rpc.registry import RpcContext, optional, required, rpc_method
from node.rpc.selectors import state_header


def _runner(
    ctx: RpcContext, args: CallArgs, selector: BlockSelector, overrides: StateOverrides | None
) -> tuple[CallRunner, BlockHeaderAPI]:
    deadline = Deadline.after(ctx.limits.call_timeout_seconds)
    ledger = ctx.backend.ledger
    header = state_header(ledger, selector)
    vm = ledger.vm_at(_without_base_fee(header) if _unpriced(args) else header)
    apply_overrides(vm.state, overrides or {})
    conflict = call_conflicts(args, ctx.backend.chain_id)
    if conflict is not None:
        raise server_error(conflict)
    return CallRunner(vm, args, ctx.backend.chain_id, deadline), header


def _unpriced(args: CallArgs) -> bool:
    return not (args.gas_price or args.max_fee_per_gas or args.max_priority_fee_per_gas)


def _without_base_fee(header: BlockHeaderAPI) -> BlockHeaderAPI:
    """geth runs a call that names no fees with a zero base fee (BASEFEE reads 0), so that an
    account without balance can call on a chain whose base fee is not zero."""
    if getattr(header, "base_fee_per_gas", None):
        return header.copy(base_fee_per_gas=0)
    return header


def _gas_cap(ctx: RpcContext, header: BlockHeaderAPI) -> int:
    return min(ctx.limits.gas_cap, header.gas_limit)


def _call(
    ctx: RpcContext, args: CallArgs, selector: BlockSelector, overrides: StateOverrides | None
) -> bytes:
    runner, header = _runner(ctx, args, selector, overrides)
    cap = _gas_cap(ctx, header)
    return call(runner, cap if args.gas is None else min(args.gas, cap))


def _estimate(
    ctx: RpcContext, args: CallArgs, selector: BlockSelector, overrides: StateOverrides | None
) -> int:
    runner, header = _runner(ctx, args, selector, overrides)
    return estimate_gas(runner, header.gas_limit, args.gas, _gas_cap(ctx, header))


def _access_list(ctx: RpcContext, args: CallArgs, selector: BlockSelector) -> dict[str, Any]:
    runner, header = _runner(ctx, args, selector, None)
    cap = _gas_cap(ctx, header)
    entries, outcome = create_access_list(runner, cap if args.gas is None else min(args.gas, cap))
    result: dict[str, Any] = {"accessList": access_list_json(entries)}
    if outcome.error is not None:
        result["error"] = "execution reverted" if outcome.reverted else vm_error_text(outcome.error)
    result["gasUsed"] = quantity(outcome.gas_used)
    return result


_CALL_PARAMS = (
    required(params.call_args),
    optional(params.block_selector, BlockTag.LATEST),
    optional(params.state_overrides),
)


@rpc_method("eth_call", *_CALL_PARAMS)
async def eth_call(
    ctx: RpcContext, args: CallArgs, selector: BlockSelector, overrides: StateOverrides | None
) -> str:
    output = await ctx.backend.run_query(lambda: _call(ctx, args, selector, overrides))
    return hex_data(output)


@rpc_method("eth_estimateGas", *_CALL_PARAMS)
async def eth_estimate_gas(
    ctx: RpcContext, args: CallArgs, selector: BlockSelector, overrides: StateOverrides | None
) -> str:
    gas = await ctx.backend.run_query(lambda: _estimate(ctx, args, selector, overrides))
    return quantity(gas)


@rpc_method(
    "eth_createAccessList",
    required(params.call_args),
    optional(params.block_selector, BlockTag.LATEST),
)
async def eth_create_access_list(
    ctx: RpcContext, args: CallArgs, selector: BlockSelector
) -> dict[str, Any]:
    """The accounts and slots a call touches, and the gas it uses with that list (geth)."""
    return await ctx.backend.run_query(lambda: _access_list(ctx, args, selector))
