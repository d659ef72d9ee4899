"""The regulator's desk kept live: a ``MarketDesk`` brought up to the committed head before each
read, from the node's log index.

The first read after a start folds the chain from block 1, as ``dcl audit report`` does; each
later one folds only the blocks since. Folding and reading run on a query thread under one
lock, so no read sees a half-folded block, and a request cancelled while its thread runs
cannot let another fold the same blocks again. A fold that fails starts over at the next read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from eth.abc import BlockHeaderAPI

from client.domain_events import EventDecoder, Involvement
from node.audit.datadir_events import chain_events
from node.audit.market_desk import MarketDesk
from node.gateway.backend import GatewayBackend

T = TypeVar("T")


class LiveDesk:
    def __init__(self) -> None:
        self._desk = MarketDesk()
        self._involvement = Involvement()
        self._decoder: EventDecoder | None = None
        self._lock = threading.Lock()

    async def read(
        self, backend: GatewayBackend, function: Callable[[MarketDesk, BlockHeaderAPI], T]
    ) -> T:
        """``function(desk, head)`` with the desk folded through the head."""
        head = backend.ledger.head()
        return await backend.run_query(lambda: self._read_at(backend, head, function))

    def _read_at(
        self,
        backend: GatewayBackend,
        head: BlockHeaderAPI,
        function: Callable[[MarketDesk, BlockHeaderAPI], T],
    ) -> T:
        with self._lock:
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
            self._desk.add_all(events, through)
        except BaseException:
            self._desk, self._involvement = MarketDesk(), Involvement()
            raise
