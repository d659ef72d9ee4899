"""Real LevelDB directories under ``tmp_path``, closed at teardown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from node.storage.leveldb import LevelDB


@pytest.fixture
def open_leveldb(tmp_path: Path) -> Iterator[Callable[[str], LevelDB]]:
    """Open (or reopen) ``tmp_path/<name>`` as a LevelDB; every one is closed at teardown."""
    opened: list[LevelDB] = []

    def open_db(name: str = "db") -> LevelDB:
        db = LevelDB(tmp_path / name)
        opened.append(db)
        return db

    yield open_db
    for db in opened:
        db.close()


@pytest.fixture
def leveldb(open_leveldb: Callable[[str], LevelDB]) -> LevelDB:
    return open_leveldb("db")
