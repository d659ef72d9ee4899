"""The asyncio client: the shared API (:mod:`client.sdk.api`) over an aiohttp session.

Every endpoint of :class:`client.sdk.Client` is here as a coroutine; ``events`` is an async
iterator. Use it as ``async with AsyncClient(url, account) as client: ...`` so that its
connections are closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from types import TracebackType
from typing import Any, TypeVar

import aiohttp
from eth_account.signers.local import LocalAccount

from client.sdk.demand_api import DemandPoolApi
from client.sdk.errors import ConnectionFailed, GatewayError, error_from_answer
from client.sdk.models import DomainEvent
from client.sdk.operation import (
    AsyncRunner,
    Done,
    HttpRequest,
    HttpResponse,
    Operation,
    Sleep,
    step,
)
from client.sdk.sse import STREAM_READ_TIMEOUT, StreamState

T = TypeVar("T")


def _headers(raw: Any) -> dict[str, str]:
    return {key.lower(): value for key, value in raw.items()}


class AsyncClient(DemandPoolApi["AsyncEventStream"], AsyncRunner):
    """The asynchronous twin of :class:`client.sdk.Client`, with the same methods."""

    def __init__(
        self,
        url: str,
        account: LocalAccount | None = None,
        *,
        timeout: float = 60.0,
        **options: Any,
    ) -> None:
        super().__init__(url, account, **options)
        self.timeout = timeout
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.timeout)
            )
        return self._http

    async def _run(self, operation: Operation[T]) -> T:
        outcome = step(operation, None)
        while not isinstance(outcome, Done):
            outcome = step(operation, await self._perform(outcome))
        return outcome.value

    async def _perform(self, effect: HttpRequest | Sleep) -> HttpResponse | None:
        if isinstance(effect, Sleep):
            await asyncio.sleep(effect.seconds)
            return None
        try:
            async with self._session().request(
                effect.method, self.url + effect.path, params=list(effect.params),
                json=effect.body, headers=dict(effect.headers),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as answer:  # fmt: skip
                body = await answer.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ConnectionFailed(f"{effect.method} {self.url}{effect.path}: {error}") from error
        return HttpResponse(answer.status, answer.reason or "", _headers(answer.headers), body)

    def _open_stream(self, state: StreamState) -> AsyncEventStream:
        return AsyncEventStream(self, state)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class AsyncEventStream(AsyncIterator[DomainEvent]):
    """An async iterator of events; ``state.last_event_id`` is where to resume."""

    def __init__(self, client: AsyncClient, state: StreamState) -> None:
        self.state = state
        self._client = client
        self._events = self._follow()

    async def __anext__(self) -> DomainEvent:
        return await anext(self._events)

    async def aclose(self) -> None:
        await self._events.aclose()

    async def __aenter__(self) -> AsyncEventStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _follow(self) -> AsyncGenerator[DomainEvent, None]:
        client = self._client
        while not self.state.done:
            request = await client._run(client._stream_request(self.state))
            error: Exception | None = None
            try:
                async with client._session().get(
                    client.url + request.path, params=list(request.params),
                    headers=dict(request.headers),
                    timeout=aiohttp.ClientTimeout(
                        total=None, sock_connect=client.timeout, sock_read=STREAM_READ_TIMEOUT
                    ),
                ) as answer:  # fmt: skip
                    if answer.status != 200:
                        raise error_from_answer(
                            answer.status, answer.reason or "", _headers(answer.headers),
                            await answer.read(),
                        )  # fmt: skip
                    async for line in answer.content:
                        event = self.state.feed(line.decode().rstrip("\n"))
                        if event is not None:
                            yield event
                        if self.state.done:
                            return
            except (aiohttp.ClientError, TimeoutError, GatewayError) as failure:
                error = failure
            await asyncio.sleep(client._stream_ended(self.state, error))
