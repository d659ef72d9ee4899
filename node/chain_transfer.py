"""``dcl import-chain`` and ``dcl export-chain``: a data directory to and from a chain file.

Import writes each block in its own LevelDB batch, so an interrupted or failed import leaves
every block before the failing one imported and nothing of the failing one. Export reads a
stopped node's data directory (LevelDB allows one process, so a running node's directory is
refused) and writes to a temporary file renamed into place once complete.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from eth.abc import BlockHeaderAPI

from node.chain.chain_file import decode_block, encode_block, split_blocks
from node.chain.chain_reader import ChainReader
from node.chain.ledger import Ledger
from node.datadir import DataDir, init_datadir
from node.storage.leveldb import LevelDB

logger = logging.getLogger(__name__)
PROGRESS_INTERVAL_SECONDS = 5.0


class ExportRangeError(ValueError):
    """The requested block range is empty or beyond the head."""


@dataclass(frozen=True)
class ImportSummary:
    imported: int
    skipped: int
    head_number: int
    head_hash: bytes
    state_root: bytes


@dataclass(frozen=True)
class ExportSummary:
    first: int
    last: int
    bytes_written: int


class _Progress:
    """A log line every few seconds, so a long import or export shows it is alive."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._next = time.monotonic() + PROGRESS_INTERVAL_SECONDS

    def tick(self, number: int, done: int) -> None:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + PROGRESS_INTERVAL_SECONDS
            logger.info(self._what, extra={"fields": {"block": number, "blocks": done}})


def import_chain(datadir: Path, genesis_file: Path, chain_file: Path) -> ImportSummary:
    """Import the blocks of ``chain_file`` onto the chain of ``genesis_file``, initialising
    ``datadir`` for that genesis if it is new. Blocks the chain already holds are skipped."""
    encoded = chain_file.read_bytes()  # before anything is created, so a wrong path leaves none
    data = init_datadir(datadir, genesis_file)
    db = LevelDB(data.chaindata)
    try:
        ledger = Ledger(db, data.load_genesis())
        imported = skipped = 0
        progress = _Progress("importing")
        for offset, item in split_blocks(encoded):
            block = decode_block(item, offset, ledger)
            stored = ledger.header_by_number(block.number)
            if stored is not None and stored.hash == block.hash:
                skipped += 1
                continue
            if ledger.is_qbft:
                ledger.import_block(block, now=time.time())
            else:
                ledger.import_ethereum_block(block)
            imported += 1
            progress.tick(block.number, imported)
        head = ledger.head()
    finally:
        db.close()
    logger.info(
        "import done",
        extra={"fields": {"imported": imported, "skipped": skipped, **_head_fields(head)}},
    )
    return ImportSummary(imported, skipped, head.block_number, head.hash, head.state_root)


def export_chain(
    datadir: Path, out: Path, first: int | None = None, last: int | None = None
) -> ExportSummary:
    """Write blocks ``first``..``last`` (genesis to head by default, as geth) to ``out``."""
    data = DataDir(datadir)
    genesis = data.load_genesis()
    db = LevelDB(data.chaindata)
    try:
        reader = ChainReader(db, genesis)
        head = reader.head().block_number
        first = 0 if first is None else first
        last = head if last is None else last
        if not 0 <= first <= last <= head:
            raise ExportRangeError(
                f"cannot export blocks {first}..{last}: the chain holds blocks 0..{head}"
            )
        written = _write_blocks(reader, out, first, last)
    finally:
        db.close()
    logger.info("export done", extra={"fields": {"first": first, "last": last, "bytes": written}})
    return ExportSummary(first, last, written)


def _write_blocks(reader: ChainReader, out: Path, first: int, last: int) -> int:
    partial = out.with_name(out.name + ".partial")
    written = 0
    progress = _Progress("exporting")
    try:
        with partial.open("wb") as sink:
            for number in range(first, last + 1):
                header = reader.header_by_number(number)
                assert header is not None, f"canonical block {number} is missing"
                written += sink.write(encode_block(reader.block(header)))
                progress.tick(number, number - first + 1)
            sink.flush()
            os.fsync(sink.fileno())
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _head_fields(head: BlockHeaderAPI) -> dict[str, object]:
    return {
        "head": head.block_number,
        "hash": "0x" + head.hash.hex(),
        "state_root": "0x" + head.state_root.hex(),
    }
