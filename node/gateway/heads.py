"""New heads announced to waiting requests (``?wait=true``, the event stream)."""

from __future__ import annotations

import asyncio
import contextlib


class HeadSignal:
    """Wakes every waiter when the node commits a block; lives on the node's event loop."""

    def __init__(self, number: int) -> None:
        self.number = number
        self._changed = asyncio.Event()

    def announce(self, number: int) -> None:
        self.number = max(self.number, number)
        self._changed.set()
        self._changed = asyncio.Event()

    async def after(self, number: int, timeout: float) -> int:
        """The head number once it passes ``number``, or the current one after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.number <= number:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return self.number
