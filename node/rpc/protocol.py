"""JSON-RPC 2.0 envelopes: single requests, batches and notifications, independent of HTTP.

The rules are geth's (``rpc/handler.go``, ``rpc/json.go``): unparsable JSON is -32700
"parse error" with id null; a message without ``"jsonrpc": "2.0"``, a method name or a scalar
id is -32600 "invalid request"; an empty batch is one -32600 "empty batch" object; a batch
over the item limit is a one-element array "batch too large" carrying the first call's id;
once a batch's answers exceed the response budget, the remaining calls get -32003 "response
too large". Batch items run in order and answers keep that order; notifications (no ``id``)
run but get no answer. A handler's unexpected exception is logged with its traceback and
answered -32603 "internal error".

Bodies nested deeper than :data:`MAX_JSON_NESTING` are a parse error before the parser sees
them: py-evm raises Python's recursion limit to 100,000 when imported, so a deep enough body
would overflow the C stack inside ``json.loads`` and kill the process instead of raising.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from collections.abc import Mapping
from typing import Any

from node.rpc.access import AccessPolicy
from node.rpc.auth import Caller
from node.rpc.errors import (
    PARSE_ERROR,
    RESPONSE_TOO_LARGE,
    RpcError,
    internal_error,
    invalid_request,
    method_not_found,
)
from node.rpc.registry import RpcContext, RpcMethod

logger = logging.getLogger(__name__)

_VERSION = "2.0"
_NO_ID = object()
MAX_JSON_NESTING = 64
"""Deepest array/object nesting accepted; requests need fewer than 10 levels."""
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")


class _NotJson(ValueError):
    """NaN, Infinity and numbers beyond float range: Python's json reads them, JSON has none."""


def _refuse_constant(name: str) -> Any:
    raise _NotJson(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(text)
    return value


def _nested_too_deep(body: bytes) -> bool:
    """True when the brackets outside strings nest deeper than allowed or do not balance.

    Counting first keeps ordinary requests cheap; otherwise innermost ``[]``/``{}`` pairs are
    peeled off one level per pass, in C, and anything left after the allowed depth is refused
    (unbalanced brackets are invalid JSON anyway).
    """
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_NESTING:
        return False
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    for _ in range(MAX_JSON_NESTING):
        peeled = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if not peeled:
            return False
        if peeled == brackets:
            return True
        brackets = peeled
    return True


def _encode(message: Mapping[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))


def _error_message(request_id: Any, error: RpcError) -> dict[str, Any]:
    return {"jsonrpc": _VERSION, "id": request_id, "error": error.to_json()}


class JsonRpcProcessor:
    """Answers one HTTP body's worth of JSON-RPC: a request or a batch.

    With an access policy, every call of a caller (the token's role) is checked before it
    runs and its answer before it leaves; without one (the loopback-only dev setting, or
    in-process tests), nothing is.
    """

    def __init__(
        self,
        methods: Mapping[str, RpcMethod],
        context: RpcContext,
        access: AccessPolicy | None = None,
    ) -> None:
        self._methods = methods
        self._context = context
        self._access = access

    async def answer(self, body: bytes, caller: Caller | None = None) -> str | None:
        """The encoded answer, or None when there is nothing to answer (only notifications)."""
        parse_error = _encode(_error_message(None, RpcError(PARSE_ERROR, "parse error")))
        if _nested_too_deep(body):
            return parse_error
        try:
            payload = json.loads(body, parse_constant=_refuse_constant, parse_float=_finite_float)
        except ValueError:
            return parse_error
        if isinstance(payload, list):
            return await self._answer_batch(payload, caller)
        answer = await self._answer_message(payload, caller)
        return None if answer is None else _encode(answer)

    async def _answer_batch(self, batch: list[Any], caller: Caller | None) -> str | None:
        limits = self._context.limits
        if not batch:
            return _encode(_error_message(None, invalid_request("empty batch")))
        if len(batch) > limits.max_batch_items:
            first_call = next((_request_id(item) for item in batch if _is_call(item)), None)
            too_large = _error_message(first_call, invalid_request("batch too large"))
            return "[" + _encode(too_large) + "]"
        parts: list[str] = []
        size = 0
        for position, message in enumerate(batch):
            if position:
                # Let other connections in between items: a batch of a thousand raw
                # transactions would otherwise hold the loop for a quarter of a second.
                await asyncio.sleep(0)
            answer = await self._answer_message(message, caller)
            if answer is None:
                continue
            encoded = _encode(answer)
            parts.append(encoded)
            size += len(encoded)
            if size > limits.max_batch_response_bytes:
                parts.extend(_too_large_answers(batch[position + 1 :]))
                break
        return "[" + ",".join(parts) + "]" if parts else None

    async def _answer_message(self, message: Any, caller: Caller | None) -> dict[str, Any] | None:
        if not (_is_call(message) or _is_notification(message)):
            request_id = _request_id(message) if _has_valid_id(message) else None
            return _error_message(request_id, invalid_request())
        request_id = message.get("id", _NO_ID)
        try:
            result = await self._call(message["method"], message.get("params"), caller)
        except RpcError as error:
            answer = _error_message(request_id, error)
        else:
            answer = {"jsonrpc": _VERSION, "id": request_id, "result": result}
        return None if request_id is _NO_ID else answer

    async def _call(self, name: str, raw_params: Any, caller: Caller | None) -> Any:
        method = self._methods.get(name)
        if method is None:
            raise method_not_found(name)
        started = time.perf_counter()
        access = self._access if caller is not None else None
        try:
            if access is not None:
                assert caller is not None
                access.before(caller, name, raw_params)
            result = await method.handler(self._context, *method.bind(raw_params))
            if access is not None:
                assert caller is not None
                result = await access.after(caller, name, result)
        except RpcError as error:
            logger.debug(
                "rpc call failed",
                extra={"rpc_method": name, "rpc_code": error.code, "rpc_error": error.message},
            )
            raise
        except Exception:
            logger.exception("rpc handler crashed", extra={"rpc_method": name})
            raise internal_error() from None
        logger.debug(
            "rpc call served",
            extra={"rpc_method": name, "duration_ms": (time.perf_counter() - started) * 1000},
        )
        return result


def _has_valid_id(message: Any) -> bool:
    return (
        isinstance(message, dict) and "id" in message and not isinstance(message["id"], dict | list)
    )


def _request_id(message: Any) -> Any:
    return message["id"]


def _has_method(message: dict[str, Any]) -> bool:
    method = message.get("method")
    return isinstance(method, str) and method != ""


def _is_call(message: Any) -> bool:
    return _has_valid_id(message) and message.get("jsonrpc") == _VERSION and _has_method(message)


def _is_notification(message: Any) -> bool:
    return (
        isinstance(message, dict)
        and "id" not in message
        and message.get("jsonrpc") == _VERSION
        and _has_method(message)
    )


def _too_large_answers(unanswered: list[Any]) -> list[str]:
    error = RpcError(RESPONSE_TOO_LARGE, "response too large")
    return [
        _encode(_error_message(_request_id(message), error))
        for message in unanswered
        if _has_valid_id(message)
    ]
