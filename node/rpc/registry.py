"""The method table: each JSON-RPC method is one handler plus the decoders of its parameters.

A method is declared with :func:`rpc_method` above an async handler whose positional
parameters follow the context, in the order of the decoders::

    @rpc_method("eth_getBalance", required(params.address), optional(params.block_selector))
    async def get_balance(ctx: RpcContext, account: bytes, block: BlockSelector) -> str: ...

Binding applies geth's positional rules and texts, so a bad parameter is answered with -32602
``invalid argument N: ...`` before the handler runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from node.rpc.backend import NodeBackend
from node.rpc.errors import invalid_params
from node.rpc.limits import RpcLimits
from node.rpc.params import ParamError
from node.rpc.subscriptions import SubscriptionSession


@dataclass(frozen=True)
class RpcContext:
    """What every handler may use: the node and the limits it must respect; over WebSocket,
    also the subscriptions of the message's connection (None over HTTP)."""

    backend: NodeBackend
    limits: RpcLimits
    subscriptions: SubscriptionSession | None = None


Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Param:
    decode: Callable[[Any], object]
    required: bool
    default: object = None


def required(decode: Callable[[Any], object]) -> Param:
    return Param(decode, required=True)


def optional(decode: Callable[[Any], object], default: object = None) -> Param:
    """A trailing parameter that may be left out or null, then taking ``default``."""
    return Param(decode, required=False, default=default)


@dataclass(frozen=True)
class RpcMethod:
    name: str
    params: tuple[Param, ...]
    handler: Handler

    def bind(self, raw: Any) -> list[object]:
        """Decode positional ``params`` (absent or null meaning none) as geth does."""
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise invalid_params("non-array args")
        if len(raw) > len(self.params):
            raise invalid_params(f"too many arguments, want at most {len(self.params)}")
        values: list[object] = []
        for index, param in enumerate(self.params):
            value = raw[index] if index < len(raw) else None
            if value is None:
                if param.required:
                    raise invalid_params(f"missing value for required argument {index}")
                values.append(param.default)
                continue
            try:
                values.append(param.decode(value))
            except ParamError as error:
                raise invalid_params(f"invalid argument {index}: {error}") from None
        return values


def rpc_method(name: str, *params: Param) -> Callable[[Handler], RpcMethod]:
    def declare(handler: Handler) -> RpcMethod:
        return RpcMethod(name, params, handler)

    return declare


def method_table(methods: Iterable[RpcMethod]) -> dict[str, RpcMethod]:
    table: dict[str, RpcMethod] = {}
    for method in methods:
        if method.name in table:
            raise ValueError(f"JSON-RPC method {method.name} declared twice")
        table[method.name] = method
    return table
