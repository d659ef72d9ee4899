"""Operations without I/O: each API call is written once as a generator that yields what it
needs done (an HTTP exchange, a pause) and receives the answers; a synchronous and an
asynchronous runner carry the effects out. So the sync and async clients share every line of
request building, retrying, signing and parsing, and differ only in their transport.

``endpoint`` turns such a generator method into a method of either client: on a
:class:`SyncRunner` it returns the result, on an :class:`AsyncRunner` an awaitable of it, and
type checkers see exactly that.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, ParamSpec, TypeAlias, TypeVar, overload

from client.sdk.errors import ProtocolError

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    body: Any = None
    """JSON-ready, sent as ``application/json``; None sends no body."""
    headers: tuple[tuple[str, str], ...] = ()
    authorized: bool = True
    """Whether the request needs the session's bearer token."""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    reason: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """Names in lower case."""
    body: bytes = b""

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise ProtocolError(f"the gateway answered {self.status} without JSON") from error


@dataclass(frozen=True)
class Sleep:
    seconds: float


Effect: TypeAlias = HttpRequest | Sleep
Operation: TypeAlias = Generator[Effect, HttpResponse | None, T]
"""Yields effects; receives the response of each request (None after a pause)."""


@dataclass(frozen=True)
class Done(Generic[T]):
    value: T


def step(operation: Operation[T], answer: HttpResponse | None) -> Effect | Done[T]:
    """Advance ``operation`` with the answer to its last effect (None to start it)."""
    try:
        return operation.send(answer)
    except StopIteration as stop:
        return Done(stop.value)


class SyncRunner:
    """Carries an operation's effects out, blocking."""

    def _run(self, operation: Operation[T]) -> T:
        raise NotImplementedError


class AsyncRunner:
    """Carries an operation's effects out on the running event loop."""

    async def _run(self, operation: Operation[T]) -> T:
        raise NotImplementedError


class endpoint(Generic[P, T]):
    """A public API method, defined once as an operation, run by the client it is called on."""

    def __init__(self, build: Callable[Concatenate[Any, P], Operation[T]]) -> None:
        self._build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, client: None, owner: type) -> endpoint[P, T]: ...

    @overload
    def __get__(self, client: SyncRunner, owner: type) -> Callable[P, T]: ...

    @overload
    def __get__(self, client: AsyncRunner, owner: type) -> Callable[P, Awaitable[T]]: ...

    def __get__(self, client: Any, owner: type) -> Any:
        if client is None:
            return self
        build = self._build

        def call(*args: P.args, **kwargs: P.kwargs) -> Any:
            return client._run(build(client, *args, **kwargs))

        functools.update_wrapper(call, build)
        return call
