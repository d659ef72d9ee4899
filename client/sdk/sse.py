"""Following ``GET /v1/events`` without I/O: the request for the stream (resuming after the
last event received, by ``Last-Event-ID``), the server-sent-event frames read line by line
into domain events, and when to reconnect.

The gateway sends ``: through block N`` after each block's events; a stream that does not
follow new blocks ends there, once it has caught up.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from client.sdk.errors import ConnectionFailed
from client.sdk.models import DomainEvent, parse_event
from client.sdk.operation import HttpRequest

EVENTS_PATH = "/v1/events"
_THROUGH = re.compile(r"^: through block (\d+)$")
MAX_RECONNECT_DELAY = 30.0
STREAM_READ_TIMEOUT = 60.0
"""The gateway sends a keep-alive every 15 s; a silent minute means the connection is gone."""


@dataclass(frozen=True)
class EventFilters:
    """Which events to receive; every filter given must match."""

    event: str | None = None
    """An event name, e.g. ``TradeSettled``."""
    exchange: str | None = None
    product: int | None = None
    party: str | None = None
    order: int | None = None
    grant: int | None = None
    from_block: int | None = None
    """Where to start when not resuming after an event id."""

    def params(self) -> tuple[tuple[str, str], ...]:
        given = {
            "event": self.event,
            "exchange": self.exchange,
            "product": self.product,
            "party": self.party,
            "order": self.order,
            "grant": self.grant,
            "fromBlock": self.from_block,
        }
        return tuple((name, str(value)) for name, value in given.items() if value is not None)


class StreamState:
    """A stream's position (the last event id, the block it is through) and the frame being
    read, kept across reconnections."""

    def __init__(
        self,
        filters: EventFilters,
        *,
        last_event_id: str | None = None,
        follow: bool = True,
        max_failures: int = 8,
    ) -> None:
        self.filters = filters
        self.last_event_id = last_event_id
        self.through_block: int | None = None
        self.follow = follow
        self.max_failures = max_failures
        self._failures = 0
        self._frame: dict[str, str] = {}

    @property
    def done(self) -> bool:
        """A stream that does not follow is done once the gateway says it has caught up."""
        return not self.follow and self.through_block is not None

    def request(self) -> HttpRequest:
        headers = [("Accept", "text/event-stream")]
        if self.last_event_id is not None:
            headers.append(("Last-Event-ID", self.last_event_id))
        return HttpRequest("GET", EVENTS_PATH, self.filters.params(), headers=tuple(headers))

    def feed(self, line: str) -> DomainEvent | None:
        """Read one line (without its end of line); the event a blank line completes."""
        line = line.rstrip("\r")
        if not line:
            frame, self._frame = self._frame, {}
            return self._dispatch(frame) if "data" in frame else None
        if line.startswith(":"):
            through = _THROUGH.match(line)
            if through:
                self.through_block = int(through.group(1))
                self._failures = 0
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        self._frame[name] = self._frame[name] + "\n" + value if name in self._frame else value
        return None

    def _dispatch(self, frame: dict[str, str]) -> DomainEvent:
        event = parse_event(json.loads(frame["data"]))
        self.last_event_id = frame.get("id", event.id)
        return event

    def reconnect_delay(self, error: Exception | None) -> float:
        """Seconds to wait before reconnecting after the stream ended (``error`` None: the
        gateway closed it, as when the session expires); raise once it keeps failing."""
        self._frame = {}
        if error is None:
            return 0.0
        self._failures += 1
        if self._failures > self.max_failures:
            raise ConnectionFailed(
                f"the event stream failed {self._failures} times in a row: {error}"
            ) from error
        return float(min(MAX_RECONNECT_DELAY, 0.5 * 2 ** (self._failures - 1)))
