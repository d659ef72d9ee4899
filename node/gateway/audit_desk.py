"""The regulator's desk kept live: a ``MarketDesk`` brought up to the committed head before each
read, from the node's log index.

The first read after a start folds the chain from block 1, as ``dcl audit report`` does; each
later one folds only the blocks since. Folding and reading run on the desk's own thread, one
at a time, so no read sees a half-folded block and a long first fold never holds the query
threads that JSON-RPC and the other routes share. A fold that fails, or is cut short because
the node stops, starts over at the next read.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from eth.abc import BlockHeaderAPI

from client.domain_events import EventDecoder, Involvement
from node.audit.datadir_events import chain_events
from node.audit.market_desk import MarketDesk
from node.gateway.backend import GatewayBackend

T = TypeVar("T")


class DeskClosed(RuntimeError):
    """The node is stopping: the fold in progress was abandoned."""


class LiveDesk:
    def __init__(self) -> None:
        self._desk = MarketDesk()
        self._involvement = Involvement()
        self._decoder: EventDecoder | None = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="audit")
        self._closing = threading.Event()

    async def read(
        self, backend: GatewayBackend, function: Callable[[MarketDesk, BlockHeaderAPI], T]
    ) -> T:
        """``function(desk, head)`` with the desk folded through the committed head."""
        head = backend.ledger.head()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._read_at, backend, head, function)

    def close(self) -> None:
        """Abandon a fold in progress and wait for the desk's thread (before the database
        closes)."""
        self._closing.set()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _read_at(
        self,
        backend: GatewayBackend,
        head: BlockHeaderAPI,
        function: Callable[[MarketDesk, BlockHeaderAPI], T],
    ) -> T:
        if head.block_number > self._desk.through:
            self._fold(backend, head.block_number)
        return function(self._desk, head)

    def _fold(self, backend: GatewayBackend, through: int) -> None:
        if self._decoder is None:
            self._decoder = EventDecoder()
        events = chain_events(
            backend.ledger,
            backend.database,
            self._desk.through + 1,
            through,
            self._involvement,
            self._decoder,
        )
        try:
            for event in events:
                if self._closing.is_set():
                    raise DeskClosed("the node is stopping")
                self._desk.add(event)
            self._desk.through = through
        except BaseException:
            self._desk, self._involvement = MarketDesk(), Involvement()
            raise
