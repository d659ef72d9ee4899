"""py-evm database backend over LevelDB (plyvel).

py-evm 0.12 ships no LevelDB backend. Every write reaches the disk as a plyvel write batch
flushed with ``sync`` (a single put is a batch of one): LevelDB applies a batch entirely or not
at all, so a crash at any instant leaves either the old or the new contents, never a mixture.
The batch is built transactionally, so an error while filling it writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import plyvel
from eth.abc import AtomicWriteBatchAPI
from eth.db.atomic import AtomicDBWriteBatch
from eth.db.backends.base import BaseAtomicDB, BaseDB

logger = logging.getLogger(__name__)


class DatabaseLockedError(RuntimeError):
    """Another process holds the data directory (LevelDB allows one process)."""


class LevelDB(BaseAtomicDB):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self._db = plyvel.DB(
                str(self.path),
                create_if_missing=True,
                lru_cache_size=64 * 1024 * 1024,
                write_buffer_size=16 * 1024 * 1024,
                max_open_files=512,
            )
        except plyvel.IOError as error:
            if "lock" in str(error).lower():
                raise DatabaseLockedError(
                    f"{self.path} is in use by another process (stop that node, or work on a copy)"
                ) from error
            raise

    def __getitem__(self, key: bytes) -> bytes:
        value = self._db.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.write({key: value})

    def __delitem__(self, key: bytes) -> None:
        if self._db.get(key) is None:
            raise KeyError(key)
        self.write({key: None})

    def _exists(self, key: bytes) -> bool:
        return self._db.get(key) is not None

    def write(self, changes: Mapping[bytes, bytes | None]) -> None:
        """Apply puts (bytes) and deletes (None) in one synced LevelDB write batch, in order."""
        logger.debug("batch write begin", extra={"fields": {"keys": len(changes)}})
        with self._db.write_batch(sync=True, transaction=True) as batch:
            for key, value in changes.items():
                if value is None:
                    batch.delete(key)
                else:
                    batch.put(key, value)
        logger.debug("batch write end", extra={"fields": {"keys": len(changes)}})

    @contextmanager
    def atomic_batch(self) -> Iterator[AtomicWriteBatchAPI]:
        pending = _PendingBatchTarget()
        with AtomicDBWriteBatch._commit_unless_raises(_ReadThrough(self, pending)) as batch:
            yield batch
        self.write(pending.changes)

    def iterate_range(self, start: bytes, stop: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Key-value pairs with ``start <= key < stop``, in key order."""
        with self._db.iterator(start=start, stop=stop) as iterator:
            yield from iterator

    def key_cursor(self, start: bytes, stop: bytes) -> KeyCursor:
        """A cursor over the keys in ``[start, stop)`` that can jump forward; close it after
        use (it pins a LevelDB snapshot)."""
        return KeyCursor(self._db.iterator(start=start, stop=stop, include_value=False))

    def close(self) -> None:
        if not self._db.closed:
            self._db.close()

    @property
    def closed(self) -> bool:
        return bool(self._db.closed)


class KeyCursor:
    """Seeks within a key range: the basis of merge joins over sorted index keys."""

    def __init__(self, iterator: Any) -> None:
        self._iterator = iterator

    def seek(self, key: bytes) -> bytes | None:
        """The first key ``>= key`` in the range, or None past its end."""
        self._iterator.seek(key)
        found: bytes | None = next(self._iterator, None)
        return found

    def close(self) -> None:
        self._iterator.close()


class _PendingBatchTarget:
    """Collects what a py-evm write batch commits, so it can be flushed as one LevelDB batch."""

    def __init__(self) -> None:
        self.changes: dict[bytes, bytes | None] = {}


class _ReadThrough(BaseDB):
    """The write target of a py-evm batch: reads fall through to LevelDB, writes are kept."""

    def __init__(self, base: LevelDB, pending: _PendingBatchTarget) -> None:
        self._base = base
        self._pending = pending

    def __getitem__(self, key: bytes) -> bytes:
        if key in self._pending.changes:
            value = self._pending.changes[key]
            if value is None:
                raise KeyError(key)
            return value
        return self._base[key]

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self._pending.changes[key] = value

    def __delitem__(self, key: bytes) -> None:
        self._pending.changes[key] = None

    def _exists(self, key: bytes) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True
