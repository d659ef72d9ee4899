"""One block, one LevelDB write batch: :class:`PendingBlockWrites` keeps every write in memory,
readable, and hands them to LevelDB in a single batch, the canonical head pointer included."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pytest
from eth.db.atomic import AtomicDB
from eth.db.backends.memory import MemoryDB
from eth.db.schema import SchemaV1
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from node.storage.block_writes import PendingBlockWrites
from node.storage.leveldb import LevelDB

OpenLeveldb = Callable[[str], LevelDB]
ALL_KEYS_STOP = b"\xff" * 64
CANONICAL_HEAD_KEY = SchemaV1.make_canonical_head_hash_lookup_key()


class RecordingLevelDB(LevelDB):
    """A real LevelDB that also records how each write reached it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.batches: list[list[tuple[bytes, bytes | None]]] = []

    def write(self, changes: Mapping[bytes, bytes | None]) -> None:
        self.batches.append(list(changes.items()))
        super().write(changes)


class Abort(Exception):
    """Raised inside a batch to abandon it."""


def contents(db: LevelDB) -> dict[bytes, bytes]:
    return dict(db.iterate_range(b"", ALL_KEYS_STOP))


@pytest.fixture
def recording_db(tmp_path: Path) -> Iterator[RecordingLevelDB]:
    db = RecordingLevelDB(tmp_path / "recorded")
    yield db
    db.close()


def test_reads_see_pending_writes(leveldb: LevelDB) -> None:
    pending = PendingBlockWrites(leveldb)
    pending[b"k"] = b"v"
    assert pending[b"k"] == b"v"
    assert b"k" in pending


def test_reads_fall_through_to_leveldb(leveldb: LevelDB) -> None:
    leveldb[b"stored"] = b"1"
    assert PendingBlockWrites(leveldb)[b"stored"] == b"1"


def test_a_pending_delete_hides_a_stored_key(leveldb: LevelDB) -> None:
    leveldb[b"stored"] = b"1"
    pending = PendingBlockWrites(leveldb)
    del pending[b"stored"]
    assert b"stored" not in pending
    with pytest.raises(KeyError):
        pending[b"stored"]
    assert leveldb[b"stored"] == b"1"


def test_deleting_a_key_that_is_nowhere_raises_key_error(leveldb: LevelDB) -> None:
    with pytest.raises(KeyError):
        del PendingBlockWrites(leveldb)[b"absent"]


def test_nothing_reaches_leveldb_before_flush(recording_db: RecordingLevelDB) -> None:
    recording_db[b"stored"] = b"1"
    pending = PendingBlockWrites(recording_db)
    pending[b"a"] = b"2"
    pending[CANONICAL_HEAD_KEY] = b"\x07" * 32
    del pending[b"stored"]
    assert contents(recording_db) == {b"stored": b"1"}
    assert recording_db.batches == [[(b"stored", b"1")]]
    assert pending.pending_count == 3


def test_flush_writes_everything_in_one_batch_head_pointer_included(
    recording_db: RecordingLevelDB,
) -> None:
    recording_db[b"stored"] = b"1"
    pending = PendingBlockWrites(recording_db)
    pending[b"a"] = b"2"
    pending[CANONICAL_HEAD_KEY] = b"\x07" * 32
    pending[b"z"] = b"3"
    del pending[b"stored"]
    pending.flush()
    assert recording_db.batches[1:] == [
        [
            (b"a", b"2"),
            (CANONICAL_HEAD_KEY, b"\x07" * 32),
            (b"z", b"3"),
            (b"stored", None),
        ]
    ]
    assert contents(recording_db) == {b"a": b"2", b"z": b"3", CANONICAL_HEAD_KEY: b"\x07" * 32}


def test_a_pending_delete_of_the_head_pointer_reaches_leveldb_at_flush(leveldb: LevelDB) -> None:
    leveldb[CANONICAL_HEAD_KEY] = b"\x07" * 32
    pending = PendingBlockWrites(leveldb)
    del pending[CANONICAL_HEAD_KEY]
    pending.flush()
    assert CANONICAL_HEAD_KEY not in leveldb


def test_after_flush_the_buffer_is_empty_and_reads_come_from_leveldb(leveldb: LevelDB) -> None:
    pending = PendingBlockWrites(leveldb)
    pending[b"a"] = b"2"
    pending.flush()
    assert pending.pending_count == 0
    assert leveldb[b"a"] == b"2"
    assert pending[b"a"] == b"2"


def test_flushed_writes_survive_reopening(open_leveldb: OpenLeveldb) -> None:
    db = open_leveldb("db")
    pending = PendingBlockWrites(db)
    pending[b"a"] = b"2"
    pending.flush()
    db.close()
    assert open_leveldb("db")[b"a"] == b"2"


def test_discard_drops_the_pending_writes(leveldb: LevelDB) -> None:
    leveldb[b"stored"] = b"1"
    pending = PendingBlockWrites(leveldb)
    pending[b"a"] = b"2"
    del pending[b"stored"]
    pending.discard()
    assert pending.pending_count == 0
    assert b"a" not in pending
    assert pending[b"stored"] == b"1"
    pending.flush()
    assert contents(leveldb) == {b"stored": b"1"}


def test_a_py_evm_batch_commits_into_the_buffer_not_into_leveldb(leveldb: LevelDB) -> None:
    pending = PendingBlockWrites(leveldb)
    with pending.atomic_batch() as batch:
        batch[b"a"] = b"2"
    assert pending[b"a"] == b"2"
    assert contents(leveldb) == {}


def test_a_py_evm_batch_that_raises_leaves_the_buffer_unchanged(leveldb: LevelDB) -> None:
    pending = PendingBlockWrites(leveldb)
    pending[b"a"] = b"1"
    with pytest.raises(Abort), pending.atomic_batch() as batch:
        batch[b"a"] = b"2"
        batch[b"b"] = b"3"
        raise Abort
    assert pending[b"a"] == b"1"
    assert b"b" not in pending
    assert pending.pending_count == 1


KEYS = st.sampled_from([b"", b"a", b"\xff", CANONICAL_HEAD_KEY])
VALUES = st.just(b"") | st.binary(min_size=1, max_size=4)


class PendingBlockWritesAgainstMemoryDB(RuleBasedStateMachine):
    """Reads through the buffer always match the reference; LevelDB always holds exactly the
    reference as it was at the last flush."""

    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="dcl-pending-"))
        self.leveldb = LevelDB(self.directory)
        self.pending = PendingBlockWrites(self.leveldb)
        self.memory = MemoryDB()
        self.reference = AtomicDB(self.memory)
        self.flushed: dict[bytes, bytes] = {}

    @rule(key=KEYS, value=VALUES)
    def set(self, key: bytes, value: bytes) -> None:
        self.pending[key] = value
        self.reference[key] = value

    @rule(key=KEYS)
    def delete(self, key: bytes) -> None:
        outcomes = []
        for db in (self.pending, self.reference):
            try:
                del db[key]
                outcomes.append(None)
            except KeyError:
                outcomes.append(KeyError)
        assert outcomes[0] == outcomes[1]

    @rule(key=KEYS)
    def get_and_exists(self, key: bytes) -> None:
        assert (key in self.pending) == (key in self.reference)
        assert self.pending.get(key) == self.reference.get(key)

    @rule(key=KEYS, value=VALUES, abort=st.booleans())
    def py_evm_batch(self, key: bytes, value: bytes, abort: bool) -> None:
        for db in (self.pending, self.reference):
            expectation: AbstractContextManager[object] = (
                pytest.raises(Abort) if abort else nullcontext()
            )
            with expectation, db.atomic_batch() as batch:
                batch[key] = value
                if abort:
                    raise Abort

    @rule()
    def flush(self) -> None:
        self.pending.flush()
        self.flushed = dict(self.memory.kv_store)

    @rule()
    def discard(self) -> None:
        self.pending.discard()
        self.memory.kv_store = dict(self.flushed)

    @invariant()
    def leveldb_holds_the_last_flushed_state(self) -> None:
        assert contents(self.leveldb) == self.flushed

    def teardown(self) -> None:
        self.leveldb.close()
        shutil.rmtree(self.directory, ignore_errors=True)


PendingBlockWritesAgainstMemoryDB.TestCase.settings = settings(
    max_examples=150, stateful_step_count=25, deadline=None
)
TestPendingBlockWritesAgainstMemoryDB = PendingBlockWritesAgainstMemoryDB.TestCase
