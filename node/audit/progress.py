"""Replay progress on a terminal: blocks/s, tx/s and the time left, redrawn in place.

Only a terminal gets it (a redirected stderr stays clean for logs); the line is redrawn at
most every :data:`REDRAW_SECONDS`, so drawing costs nothing next to execution.
"""

from __future__ import annotations

import time
from typing import TextIO

REDRAW_SECONDS = 0.5


def format_progress(number: int, blocks: int, txs: int, elapsed: float, total: int | None) -> str:
    """One status line; ``total`` is the number of blocks the source holds, when known."""
    blocks_per_second = blocks / elapsed if elapsed > 0 else 0.0
    txs_per_second = txs / elapsed if elapsed > 0 else 0.0
    line = (
        f"block #{number}  {blocks} blocks  {txs} txs"
        f"  {blocks_per_second:.1f} blocks/s  {txs_per_second:.1f} tx/s"
    )
    if total is not None and blocks_per_second > 0:
        remaining = max(total - 1 - number, 0) / blocks_per_second
        line += f"  ETA {format_duration(remaining)}"
    return line


def format_duration(seconds: float) -> str:
    whole = int(seconds + 0.5)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TerminalProgress:
    def __init__(self, stream: TextIO, total: int | None) -> None:
        self._stream = stream
        self._total = total
        self._start = time.monotonic()
        self._next = self._start
        self._drawn = False

    def update(self, number: int, blocks: int, txs: int) -> None:
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + REDRAW_SECONDS
        line = format_progress(number, blocks, txs, now - self._start, self._total)
        self._stream.write("\r\x1b[K" + line)
        self._stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
