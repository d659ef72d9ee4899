"""Which blocks changed the validator set, found from the headers alone.

Every QBFT header lists the set that seals it, and the set of block N is the registry's list
in the state after block N-1; so block N-1 changed the set exactly when header N lists another
set than header N-1. The scan is incremental: a node keeps one history and each certificate
reads only the headers added since the last one.
"""

from __future__ import annotations

import threading
from weakref import WeakKeyDictionary

from eth.abc import BlockHeaderAPI

from node.certificate.errors import MissingChainData
from node.chain.chain_reader import ChainReader
from node.chain.header_rules import decoded_extra


class ValidatorSetHistory:
    """The set-changing blocks of one chain up to the highest block scanned so far; one
    history may serve several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scanned = 0
        self._listed: tuple[bytes, ...] | None = None
        self._changes: list[int] = []

    def changes_before(self, reader: ChainReader, number: int) -> tuple[int, ...]:
        """The blocks ``C`` whose execution changed the set of block ``C + 1 <= number``."""
        with self._lock:
            return self._scan(reader, number)

    def _scan(self, reader: ChainReader, number: int) -> tuple[int, ...]:
        if self._listed is None:
            genesis = _header(reader, 0)
            self._listed = tuple(sorted(set(decoded_extra(genesis).validators)))
        for height in range(self._scanned + 1, number + 1):
            listed = decoded_extra(_header(reader, height)).validators
            if listed != self._listed:
                self._changes.append(height - 1)
            self._listed = listed
            self._scanned = height
        return tuple(change for change in self._changes if change + 1 <= number)


_HISTORIES: WeakKeyDictionary[ChainReader, ValidatorSetHistory] = WeakKeyDictionary()
_HISTORIES_LOCK = threading.Lock()


def history_of(reader: ChainReader) -> ValidatorSetHistory:
    """The history kept for ``reader`` as long as it lives, so a node scans each header once
    however many certificates it builds."""
    with _HISTORIES_LOCK:
        history = _HISTORIES.get(reader)
        if history is None:
            history = _HISTORIES[reader] = ValidatorSetHistory()
        return history


def _header(reader: ChainReader, number: int) -> BlockHeaderAPI:
    header = reader.header_by_number(number)
    if header is None:
        raise MissingChainData(f"header #{number} is missing")
    return header
