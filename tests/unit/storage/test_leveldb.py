"""The LevelDB backend behaves as py-evm's in-memory database, and its batches are atomic.

The state machine follows py-evm's own ``JournalComparison``: random operations run against our
backend and against py-evm's ``AtomicDB`` over a ``MemoryDB``, which must agree on every result
and on the whole contents after every step.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from eth.abc import DatabaseAPI
from eth.db.atomic import AtomicDB
from eth.db.backends.memory import MemoryDB
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from node.storage.leveldb import DatabaseLockedError, LevelDB

OpenLeveldb = Callable[[str], LevelDB]

# Few keys, so that operations often meet: empty, ordered neighbours, the top byte.
KEYS = st.sampled_from([b"", b"\x00", b"a", b"ab", b"\xff", b"\xff\xff"])
VALUES = st.just(b"") | st.binary(min_size=1, max_size=4)
OPERATION = st.one_of(
    st.tuples(st.just("set"), KEYS, VALUES),
    st.tuples(st.just("delete"), KEYS, st.none()),
    st.tuples(st.just("get"), KEYS, st.none()),
    st.tuples(st.just("exists"), KEYS, st.none()),
)
Operation = tuple[str, bytes, bytes | None]
ALL_KEYS_STOP = b"\xff" * 8


class Abort(Exception):
    """Raised inside a batch to abandon it."""


def apply(db: DatabaseAPI, operation: Operation) -> object:
    """Run one operation; its result, or ``KeyError`` if it raised one."""
    kind, key, value = operation
    try:
        if kind == "set":
            assert value is not None
            db[key] = value
            return None
        if kind == "delete":
            del db[key]
            return None
        if kind == "get":
            return db[key]
        return key in db
    except KeyError:
        return KeyError


def run_committed_batch(db: LevelDB | AtomicDB, operations: Sequence[Operation]) -> list[object]:
    with db.atomic_batch() as batch:
        return [apply(batch, operation) for operation in operations]


def run_aborted_batch(db: LevelDB | AtomicDB, operations: Sequence[Operation]) -> list[object]:
    results: list[object] = []
    with pytest.raises(Abort), db.atomic_batch() as batch:
        results = [apply(batch, operation) for operation in operations]
        raise Abort
    return results


def contents(db: LevelDB) -> dict[bytes, bytes]:
    return dict(db.iterate_range(b"", ALL_KEYS_STOP))


class LevelDBAgainstMemoryDB(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="dcl-leveldb-"))
        self.leveldb = LevelDB(self.directory)
        self.memory = MemoryDB()
        self.reference = AtomicDB(self.memory)

    @rule(key=KEYS, value=VALUES)
    def set(self, key: bytes, value: bytes) -> None:
        assert apply(self.leveldb, ("set", key, value)) == apply(
            self.reference, ("set", key, value)
        )

    @rule(key=KEYS)
    def delete(self, key: bytes) -> None:
        operation = ("delete", key, None)
        assert apply(self.leveldb, operation) == apply(self.reference, operation)

    @rule(key=KEYS)
    def get(self, key: bytes) -> None:
        assert apply(self.leveldb, ("get", key, None)) == apply(self.reference, ("get", key, None))

    @rule(key=KEYS)
    def exists(self, key: bytes) -> None:
        operation = ("exists", key, None)
        assert apply(self.leveldb, operation) == apply(self.reference, operation)

    @rule(operations=st.lists(OPERATION, max_size=8))
    def commit_batch(self, operations: list[Operation]) -> None:
        assert run_committed_batch(self.leveldb, operations) == run_committed_batch(
            self.reference, operations
        )

    @rule(operations=st.lists(OPERATION, min_size=1, max_size=8))
    def abort_batch_midway(self, operations: list[Operation]) -> None:
        assert run_aborted_batch(self.leveldb, operations) == run_aborted_batch(
            self.reference, operations
        )

    @rule()
    def reopen(self) -> None:
        self.leveldb.close()
        self.leveldb = LevelDB(self.directory)

    @invariant()
    def same_contents(self) -> None:
        assert contents(self.leveldb) == self.memory.kv_store

    def teardown(self) -> None:
        self.leveldb.close()
        shutil.rmtree(self.directory, ignore_errors=True)


LevelDBAgainstMemoryDB.TestCase.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None
)
TestLevelDBAgainstMemoryDB = LevelDBAgainstMemoryDB.TestCase


def test_a_value_set_is_read_back(leveldb: LevelDB) -> None:
    leveldb[b"k"] = b"v"
    assert leveldb[b"k"] == b"v"
    assert b"k" in leveldb


def test_an_empty_value_is_stored_and_exists(leveldb: LevelDB) -> None:
    leveldb[b"k"] = b""
    assert leveldb[b"k"] == b""
    assert b"k" in leveldb


def test_reading_a_missing_key_raises_key_error(leveldb: LevelDB) -> None:
    with pytest.raises(KeyError):
        leveldb[b"absent"]
    assert b"absent" not in leveldb


def test_deleting_a_missing_key_raises_key_error(leveldb: LevelDB) -> None:
    with pytest.raises(KeyError):
        del leveldb[b"absent"]


def test_values_survive_closing_and_reopening(open_leveldb: OpenLeveldb) -> None:
    db = open_leveldb("db")
    db[b"k"] = b"v"
    db.close()
    assert open_leveldb("db")[b"k"] == b"v"


def test_reads_inside_a_batch_see_its_own_writes_and_deletes(leveldb: LevelDB) -> None:
    leveldb[b"old"] = b"1"
    with leveldb.atomic_batch() as batch:
        batch[b"new"] = b"2"
        del batch[b"old"]
        assert batch[b"new"] == b"2"
        assert b"old" not in batch
        assert b"new" not in leveldb
        assert leveldb[b"old"] == b"1"
    assert contents(leveldb) == {b"new": b"2"}


def test_a_batch_that_raises_midway_writes_nothing(leveldb: LevelDB) -> None:
    leveldb[b"kept"] = b"1"
    with pytest.raises(Abort), leveldb.atomic_batch() as batch:
        batch[b"a"] = b"2"
        del batch[b"kept"]
        raise Abort
    assert contents(leveldb) == {b"kept": b"1"}


def test_write_applies_puts_and_deletes_in_order(leveldb: LevelDB) -> None:
    leveldb[b"gone"] = b"1"
    leveldb.write({b"gone": None, b"a": b"2", b"b": b"3"})
    assert contents(leveldb) == {b"a": b"2", b"b": b"3"}


def test_iterate_range_yields_keys_from_start_up_to_stop_in_order(leveldb: LevelDB) -> None:
    leveldb.write({b"c": b"3", b"a": b"1", b"b": b"2", b"d": b"4"})
    assert list(leveldb.iterate_range(b"b", b"d")) == [(b"b", b"2"), (b"c", b"3")]


def test_a_second_open_of_the_same_directory_raises_database_locked(
    leveldb: LevelDB, tmp_path: Path
) -> None:
    with pytest.raises(DatabaseLockedError, match="is in use by another process"):
        LevelDB(tmp_path / "db")


def test_closing_twice_is_harmless(leveldb: LevelDB) -> None:
    leveldb.close()
    leveldb.close()
    assert leveldb.closed


def test_an_error_while_filling_a_write_batch_writes_nothing(leveldb: LevelDB) -> None:
    with pytest.raises(TypeError):
        leveldb.write({b"first": b"1", b"second": 2})  # type: ignore[dict-item]
    assert b"first" not in leveldb
    assert b"second" not in leveldb
