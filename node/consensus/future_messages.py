"""Besu's ``FutureMessageBuffer``, bounded per author as well.

Messages for heights above the current one wait until this node reaches that height (a peer
may finish a block before this node imports it). Heights more than ``max_distance`` ahead are
refused; each author may hold ``per_author`` messages per height, so one peer cannot fill the
buffer; past the total ``limit`` the highest height is evicted first, as in Besu.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from node.consensus.messages import QbftMessage
from node.consensus.validation.reasons import Reason


@dataclass(frozen=True)
class BufferedMessage:
    message: QbftMessage
    data: bytes


class FutureMessageBuffer:
    def __init__(self, max_distance: int, limit: int, per_author: int, height: int) -> None:
        self._max_distance = max_distance
        self._limit = limit
        self._per_author = per_author
        self._height = height
        self._by_height: dict[int, list[BufferedMessage]] = {}
        self._count: defaultdict[tuple[int, bytes], int] = defaultdict(int)
        self._total = 0

    def add(self, message: QbftMessage, data: bytes) -> Reason | None:
        height, author = message.round_id.height, message.author
        if not self._height < height <= self._height + self._max_distance or self._limit == 0:
            return Reason.TOO_FAR_AHEAD
        if self._count[(height, author)] >= self._per_author:
            return Reason.FUTURE_BUFFER_FULL
        self._by_height.setdefault(height, []).append(BufferedMessage(message, data))
        self._count[(height, author)] += 1
        self._total += 1
        if self._total > self._limit:
            self._evict()
        return None

    def _evict(self) -> None:
        highest = max(self._by_height)
        if len(self._by_height) > 1:
            for entry in self._by_height.pop(highest):
                self._forget(highest, entry)
        else:
            self._forget(highest, self._by_height[highest].pop(0))

    def _forget(self, height: int, entry: BufferedMessage) -> None:
        key = (height, entry.message.author)
        self._count[key] -= 1
        if not self._count[key]:
            del self._count[key]
        self._total -= 1

    def take(self, height: int) -> list[BufferedMessage]:
        """The messages for ``height``, now current; everything at or below it is dropped."""
        self._height = height
        taken = self._by_height.get(height, [])
        for old in [h for h in self._by_height if h <= height]:
            for entry in self._by_height.pop(old):
                self._forget(old, entry)
        return taken

    def __len__(self) -> int:
        return self._total
