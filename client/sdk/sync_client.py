"""The blocking client: the shared API (:mod:`client.sdk.api`) over a ``requests`` session."""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from types import TracebackType
from typing import Any, TypeVar

import requests
from eth_account.signers.local import LocalAccount

from client.sdk.demand_api import DemandPoolApi
from client.sdk.errors import ConnectionFailed, GatewayError, error_from_answer
from client.sdk.models import DomainEvent
from client.sdk.operation import Done, HttpRequest, HttpResponse, Operation, Sleep, SyncRunner, step
from client.sdk.sse import STREAM_READ_TIMEOUT, StreamState

T = TypeVar("T")


def _headers(raw: Any) -> dict[str, str]:
    return {key.lower(): value for key, value in raw.items()}


class Client(DemandPoolApi["EventStream"], SyncRunner):
    """A participant's, operator's or regulator's blocking client of the gateway.

    ``Client("http://127.0.0.1:8547", account)`` with an eth-account ``LocalAccount`` signs in
    and transacts as that account; without one it can only use a ``token`` it is given.
    """

    def __init__(
        self,
        url: str,
        account: LocalAccount | None = None,
        *,
        timeout: float = 60.0,
        session: requests.Session | None = None,
        **options: Any,
    ) -> None:
        super().__init__(url, account, **options)
        self.timeout = timeout
        self._http = session or requests.Session()

    def _run(self, operation: Operation[T]) -> T:
        outcome = step(operation, None)
        while not isinstance(outcome, Done):
            outcome = step(operation, self._perform(outcome))
        return outcome.value

    def _perform(self, effect: HttpRequest | Sleep) -> HttpResponse | None:
        if isinstance(effect, Sleep):
            time.sleep(effect.seconds)
            return None
        try:
            answer = self._http.request(
                effect.method, self.url + effect.path, params=list(effect.params),
                json=effect.body, headers=dict(effect.headers), timeout=self.timeout,
            )  # fmt: skip
        except requests.RequestException as error:
            raise ConnectionFailed(f"{effect.method} {self.url}{effect.path}: {error}") from error
        return HttpResponse(
            answer.status_code, answer.reason, _headers(answer.headers), answer.content
        )

    def _open_stream(self, state: StreamState) -> EventStream:
        return EventStream(self, state)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class EventStream(Iterator[DomainEvent]):
    """An iterator of events; ``state.last_event_id`` is where to resume another day."""

    def __init__(self, client: Client, state: StreamState) -> None:
        self.state = state
        self._client = client
        self._events = self._follow()

    def __next__(self) -> DomainEvent:
        return next(self._events)

    def close(self) -> None:
        self._events.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _follow(self) -> Generator[DomainEvent, None, None]:
        client = self._client
        while not self.state.done:
            request = client._run(client._stream_request(self.state))
            error: Exception | None = None
            try:
                with client._http.get(
                    client.url + request.path, params=list(request.params),
                    headers=dict(request.headers), stream=True,
                    timeout=(client.timeout, STREAM_READ_TIMEOUT),
                ) as answer:  # fmt: skip
                    if answer.status_code != 200:
                        raise error_from_answer(
                            answer.status_code, answer.reason, _headers(answer.headers),
                            answer.content,
                        )  # fmt: skip
                    for line in answer.iter_lines():
                        event = self.state.feed(line.decode())
                        if event is not None:
                            yield event
                        if self.state.done:
                            return
            except (requests.RequestException, GatewayError) as failure:
                error = failure
            time.sleep(client._stream_ended(self.state, error))
