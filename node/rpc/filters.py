"""Polled filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter) with
geth's semantics: a random 128-bit id, changes handed out once by eth_getFilterChanges, and
expiry after five minutes without a poll.

The registry is pure: no I/O, and its clock and id source are injectable. Block and pending
transaction filters buffer hashes pushed by the node (:meth:`FilterRegistry.on_block`,
:meth:`FilterRegistry.on_pending`); each buffer keeps the newest ``max_buffered`` hashes and
drops the oldest past that (a filter nobody polls must not grow without bound). A log filter
keeps only a cursor, the last block whose logs it has handed out: its new logs are computed at
poll time over ``[cursor + 1, head]`` by the caller, so the block hook stays cheap.

All methods run on the node's event loop; nothing here is thread-safe.
"""

from __future__ import annotations

import enum
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from node.rpc.params import BlockTag, LogFilter

FILTER_TIMEOUT_SECONDS: Final = 300.0
"""geth's filter deadline: a filter not polled for this long is uninstalled."""
MAX_FILTERS: Final = 10_000
"""Most filters installed at once; more is refused with :class:`TooManyFilters`."""
MAX_BUFFERED: Final = 10_000
"""Most hashes a block or pending transaction filter keeps between polls (oldest dropped)."""


class FilterKind(enum.Enum):
    LOGS = "logs"
    BLOCKS = "blocks"
    PENDING_TRANSACTIONS = "pending transactions"


class FilterNotFound(LookupError):
    """No filter with this id: never installed, uninstalled or expired."""


class TooManyFilters(RuntimeError):
    """The registry already holds its maximum number of filters."""


def random_filter_id() -> str:
    """geth's ``rpc.NewID``: 16 random bytes as a hex quantity (leading zeros trimmed)."""
    digits = secrets.token_bytes(16).hex().lstrip("0") or "0"
    return "0x" + digits


@dataclass
class _Filter:
    kind: FilterKind
    deadline: float
    criteria: LogFilter | None = None
    cursor: int = 0
    hashes: deque[bytes] = field(default_factory=deque)


@dataclass(frozen=True)
class LogRange:
    """The blocks whose logs a log filter has not yet handed out, and its criteria."""

    criteria: LogFilter
    first: int
    last: int


class FilterRegistry:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        new_id: Callable[[], str] = random_filter_id,
        timeout: float = FILTER_TIMEOUT_SECONDS,
        max_filters: int = MAX_FILTERS,
        max_buffered: int = MAX_BUFFERED,
    ) -> None:
        self._clock = clock
        self._new_id = new_id
        self._timeout = timeout
        self._max_filters = max_filters
        self._max_buffered = max_buffered
        self._filters: dict[str, _Filter] = {}

    def __len__(self) -> int:
        return len(self._filters)

    # -- installing and removing ---------------------------------------------------------------

    def new_log_filter(self, criteria: LogFilter, head: int) -> str:
        """A log filter whose first poll covers the blocks after ``head``."""
        return self._install(FilterKind.LOGS, criteria=criteria, cursor=head)

    def new_block_filter(self) -> str:
        return self._install(FilterKind.BLOCKS)

    def new_pending_transaction_filter(self) -> str:
        return self._install(FilterKind.PENDING_TRANSACTIONS)

    def uninstall(self, filter_id: str) -> bool:
        """True if the filter existed (and had not expired)."""
        try:
            self._live(filter_id)  # drops it if expired
        except FilterNotFound:
            return False
        del self._filters[filter_id]
        return True

    def expire(self) -> int:
        """Remove every filter past its deadline; return how many went."""
        now = self._clock()
        expired = [key for key, entry in self._filters.items() if entry.deadline <= now]
        for key in expired:
            del self._filters[key]
        return len(expired)

    # -- events from the node ------------------------------------------------------------------

    def on_block(self, block_hash: bytes, number: int) -> None:
        """A block was committed: buffer its hash for block filters (log filters compute their
        logs at poll time). Also the periodic sweep of expired filters."""
        del number  # log filters read the head at poll time
        self.expire()
        self._push(FilterKind.BLOCKS, block_hash)

    def on_pending(self, tx_hash: bytes) -> None:
        """A transaction entered the pool."""
        self._push(FilterKind.PENDING_TRANSACTIONS, tx_hash)

    # -- polling -------------------------------------------------------------------------------

    def kind(self, filter_id: str) -> FilterKind:
        return self._live(filter_id).kind

    def take_hashes(self, filter_id: str) -> list[bytes]:
        """The buffered hashes of a block or pending transaction filter, handed out once; the
        poll also renews the filter's deadline."""
        entry = self._poll(filter_id)
        if entry.kind is FilterKind.LOGS:
            raise ValueError("a log filter has no hashes")
        taken = list(entry.hashes)
        entry.hashes.clear()
        return taken

    def take_log_range(self, filter_id: str, head: int) -> LogRange | None:
        """The unseen blocks of a log filter up to ``head``, within its fromBlock/toBlock, or
        None when there are none. The cursor moves to ``head`` so they are handed out once."""
        entry = self._poll(filter_id)
        if entry.criteria is None:
            raise ValueError("not a log filter")
        first = max(entry.cursor + 1, _lower_bound(entry.criteria))
        last = min(head, _upper_bound(entry.criteria, head))
        entry.cursor = max(entry.cursor, head)
        if first > last:
            return None
        return LogRange(entry.criteria, first, last)

    def log_criteria(self, filter_id: str) -> LogFilter:
        """A log filter's criteria (eth_getFilterLogs); raises for other kinds, as geth does."""
        criteria = self._live(filter_id).criteria
        if criteria is None:
            raise FilterNotFound(filter_id)
        return criteria

    # -- internals -----------------------------------------------------------------------------

    def _install(
        self, kind: FilterKind, *, criteria: LogFilter | None = None, cursor: int = 0
    ) -> str:
        if len(self._filters) >= self._max_filters:
            self.expire()
            if len(self._filters) >= self._max_filters:
                raise TooManyFilters(f"too many filters installed (limit {self._max_filters})")
        filter_id = self._new_id()
        while filter_id in self._filters:
            filter_id = self._new_id()
        self._filters[filter_id] = _Filter(
            kind=kind,
            deadline=self._clock() + self._timeout,
            criteria=criteria,
            cursor=cursor,
            hashes=deque(maxlen=self._max_buffered),
        )
        return filter_id

    def _live(self, filter_id: str) -> _Filter:
        entry = self._filters.get(filter_id)
        if entry is None:
            raise FilterNotFound(filter_id)
        if entry.deadline <= self._clock():
            del self._filters[filter_id]
            raise FilterNotFound(filter_id)
        return entry

    def _poll(self, filter_id: str) -> _Filter:
        entry = self._live(filter_id)
        entry.deadline = self._clock() + self._timeout
        return entry

    def _push(self, kind: FilterKind, value: bytes) -> None:
        for entry in self._filters.values():
            if entry.kind is kind:
                entry.hashes.append(value)


def _lower_bound(criteria: LogFilter) -> int:
    """fromBlock as a number; a tag (latest, pending, ...) or none bounds nothing."""
    begin = criteria.from_block
    return begin if isinstance(begin, int) else 0


def _upper_bound(criteria: LogFilter, head: int) -> int:
    end = criteria.to_block
    if end is BlockTag.EARLIEST:
        return 0
    return end if isinstance(end, int) else head
