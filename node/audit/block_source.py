"""Where a replay reads its blocks: a chain file (geth's format) or a stopped node's data
directory (or a copy of it).

Both yield the encoded blocks in chain order, so the replay decodes and checks blocks from a
directory exactly as it does those from a file. A block that cannot be read is yielded as an
:class:`UnreadableBlock`, which the replay reports as its first failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from node.chain.chain_file import ChainFileError, encode_block, list_item_end
from node.chain.chain_reader import ChainReader
from node.datadir import DataDir
from node.storage.leveldb import LevelDB


@dataclass(frozen=True)
class EncodedBlock:
    data: bytes
    offset: int | None
    """Where the block starts in a chain file (None for a data directory)."""


@dataclass(frozen=True)
class UnreadableBlock:
    reason: str


class ChainFileSource:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._data = path.read_bytes()

    @property
    def description(self) -> str:
        return str(self.path)

    def count(self) -> int:
        """The blocks the file holds up to its first malformed one."""
        blocks = offset = 0
        while offset < len(self._data):
            try:
                offset = list_item_end(self._data, offset)
            except ChainFileError:
                break
            blocks += 1
        return blocks

    def __iter__(self) -> Iterator[EncodedBlock | UnreadableBlock]:
        offset = 0
        while offset < len(self._data):
            try:
                end = list_item_end(self._data, offset)
            except ChainFileError as error:
                yield UnreadableBlock(str(error))
                return
            yield EncodedBlock(self._data[offset:end], offset)
            offset = end

    def close(self) -> None:
        self._data = b""


class DataDirSource:
    """The canonical blocks, genesis to head, of a data directory no node is running on
    (LevelDB allows one process; a directory in use is refused)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        data = DataDir(root)
        genesis = data.load_genesis()
        if not data.chaindata.is_dir():
            raise FileNotFoundError(f"{data.chaindata} does not exist: {root} holds no chain")
        self._db = LevelDB(data.chaindata)
        self._reader = ChainReader(self._db, genesis)

    @property
    def description(self) -> str:
        return str(self.root)

    def count(self) -> int:
        return self._reader.head().block_number + 1

    def __iter__(self) -> Iterator[EncodedBlock | UnreadableBlock]:
        for number in range(self.count()):
            try:
                header = self._reader.header_by_number(number)
                if header is None:
                    yield UnreadableBlock(f"no canonical block #{number}")
                    return
                data = encode_block(self._reader.block(header))
            except Exception as error:  # a damaged record surfaces as any decoding error
                yield UnreadableBlock(f"block #{number} cannot be read: {error!r}")
                return
            yield EncodedBlock(data, None)

    def close(self) -> None:
        self._db.close()
