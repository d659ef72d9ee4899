"""One block, one LevelDB write batch.

py-evm commits a block in several batches (state, then block and receipts), each applied key by
key. This layer sits between py-evm and LevelDB while one block is built or imported: it keeps
every write in memory, readable, and :meth:`PendingBlockWrites.flush` hands them to LevelDB as a
single synced batch. Until then nothing is on disk, so a crash leaves the previous head and
everything it points to intact.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from eth.abc import AtomicWriteBatchAPI
from eth.db.atomic import AtomicDBWriteBatch
from eth.db.backends.base import BaseAtomicDB

from node.storage.leveldb import LevelDB


class PendingBlockWrites(BaseAtomicDB):
    def __init__(self, base: LevelDB) -> None:
        self._base = base
        self._changes: dict[bytes, bytes | None] = {}

    def __getitem__(self, key: bytes) -> bytes:
        if key in self._changes:
            value = self._changes[key]
            if value is None:
                raise KeyError(key)
            return value
        return self._base[key]

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self._changes[key] = value

    def __delitem__(self, key: bytes) -> None:
        if not self._exists(key):
            raise KeyError(key)
        self._changes[key] = None

    def _exists(self, key: bytes) -> bool:
        if key in self._changes:
            return self._changes[key] is not None
        return key in self._base

    @contextmanager
    def atomic_batch(self) -> Iterator[AtomicWriteBatchAPI]:
        """py-evm's nested batches land in this buffer, all or nothing."""
        with AtomicDBWriteBatch._commit_unless_raises(self) as batch:
            yield batch

    @property
    def pending_count(self) -> int:
        return len(self._changes)

    def flush(self) -> None:
        """Write everything, head pointer included, in one synced LevelDB batch, which LevelDB
        applies atomically."""
        self._base.write(self._changes)
        self._changes = {}

    def discard(self) -> None:
        self._changes = {}
