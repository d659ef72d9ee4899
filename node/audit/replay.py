"""``dcl audit replay``: re-execute a chain from genesis in a fresh state and find the first
block, and the first check of :mod:`node.audit.checks`, where anything disagrees.

The replay trusts nothing of the source but the genesis file: it builds its own genesis,
derives each height's validators from its own replayed state (the chain's rule,
:meth:`ChainReader.validators_after`), and writes every verified block to its own LevelDB, a
temporary one unless the caller keeps it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth.abc import BlockAPI, BlockHeaderAPI

from node.audit.block_source import EncodedBlock, UnreadableBlock
from node.audit.checks import (
    BlockUnderCheck,
    CheckFailed,
    check_decoded_extra,
    check_permissioning,
    checks_for,
    run_header_checks,
)
from node.audit.execution import execute_and_write
from node.chain.chain_file import ChainFileError, decode_block
from node.chain.genesis import Genesis
from node.chain.ledger import Ledger
from node.chain.vm import next_vanity
from node.storage.leveldb import LevelDB

ProgressCallback = Callable[[int, int, int], None]
"""Called after each block with its number, the blocks and the transactions replayed."""


@dataclass(frozen=True)
class ReplayFailure:
    block: int
    check: str
    detail: str
    offset: int | None = None
    """Where the block starts in the chain file, if it came from one."""


@dataclass(frozen=True)
class ReplayResult:
    source: str
    qbft: bool
    checks: tuple[str, ...]
    genesis_hash: bytes
    blocks: int
    """Blocks executed after genesis."""
    transactions: int
    head_number: int
    head_hash: bytes
    head_state_root: bytes
    seconds: float
    failure: ReplayFailure | None

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_json(self) -> dict[str, Any]:
        failure = None
        if self.failure is not None:
            failure = {"block": self.failure.block, "check": self.failure.check,
                       "detail": self.failure.detail, "offset": self.failure.offset}  # fmt: skip
        return {
            "ok": self.ok,
            "source": self.source,
            "qbft": self.qbft,
            "checks": list(self.checks),
            "genesisHash": "0x" + self.genesis_hash.hex(),
            "blocks": self.blocks,
            "transactions": self.transactions,
            "head": {
                "number": self.head_number,
                "hash": "0x" + self.head_hash.hex(),
                "stateRoot": "0x" + self.head_state_root.hex(),
            },
            "seconds": round(self.seconds, 3),
            "blocksPerSecond": round(self.blocks / self.seconds, 2) if self.seconds else None,
            "transactionsPerSecond": (
                round(self.transactions / self.seconds, 2) if self.seconds else None
            ),
            "failure": failure,
        }


class _Stop(Exception):
    def __init__(self, failure: ReplayFailure) -> None:
        self.failure = failure


class Replayer:
    """Replays blocks onto the ledger of a fresh LevelDB that holds only the genesis."""

    def __init__(
        self, ledger: Ledger, *, clock: Callable[[], float] = time.time, source: str = ""
    ) -> None:
        self._ledger = ledger
        self._clock = clock
        self._source = source
        self._genesis = ledger.head()
        if self._genesis.block_number != 0:
            raise ValueError(f"{ledger.db.path} is not a fresh replay database")
        self._head = self._genesis
        self._blocks = self._transactions = 0
        self._at_start = True

    def run(
        self,
        blocks: Iterable[EncodedBlock | UnreadableBlock],
        progress: ProgressCallback | None = None,
    ) -> ReplayResult:
        start = time.perf_counter()
        failure = None
        try:
            for item in blocks:
                number = self._step(item)
                if progress is not None:
                    progress(number, self._blocks, self._transactions)
        except _Stop as stop:
            failure = stop.failure
        return ReplayResult(
            source=self._source,
            qbft=self._ledger.is_qbft,
            checks=checks_for(self._ledger.is_qbft, self._ledger.genesis.permissioning is not None),
            genesis_hash=self._genesis.hash,
            blocks=self._blocks,
            transactions=self._transactions,
            head_number=self._head.block_number,
            head_hash=self._head.hash,
            head_state_root=self._head.state_root,
            seconds=time.perf_counter() - start,
            failure=failure,
        )

    def _step(self, item: EncodedBlock | UnreadableBlock) -> int:
        """Verify and execute one block. A failure is reported at the block's place in the
        chain (the head's number + 1), since a tampered block's own number may be wrong."""
        at_start, self._at_start = self._at_start, False
        expected = self._head.block_number + 1
        if isinstance(item, UnreadableBlock):
            raise _Stop(ReplayFailure(expected, "decoding", item.reason))
        try:
            block = self._decode(item)
            if at_start and block.number == 0:
                expected = 0
                check_genesis(block.header, self._genesis)
                return 0
            self._verify_and_execute(block, self._head)
        except CheckFailed as failed:
            raise _Stop(ReplayFailure(expected, failed.check, failed.detail, item.offset)) from None
        self._head = block.header
        self._blocks += 1
        self._transactions += len(block.transactions)
        return block.number

    def _decode(self, item: EncodedBlock) -> BlockAPI:
        try:
            block = decode_block(item.data, item.offset or 0, self._ledger)
        except ChainFileError as error:
            raise CheckFailed("decoding", str(error)) from error
        if self._ledger.is_qbft:
            check_decoded_extra(block.header)
        return block

    def _verify_and_execute(self, block: BlockAPI, parent: BlockHeaderAPI) -> None:
        ledger = self._ledger
        item = BlockUnderCheck(
            block=block,
            parent=parent,
            validators=ledger.validators_after(parent),
            vanity=next_vanity(parent) if ledger.is_qbft else b"",
            vm_class=ledger.chain_class.get_vm_class(block.header),
            qbft=ledger.is_qbft,
            now=self._clock(),
        )
        run_header_checks(item)
        check_permissioning(ledger, item)
        execute_and_write(ledger, block, parent)


def check_genesis(header: BlockHeaderAPI, genesis: BlockHeaderAPI) -> None:
    """A source may start with block 0: it must be the genesis the auditor trusts."""
    if header.hash != genesis.hash:
        raise CheckFailed(
            "parent-link",
            f"block 0 is 0x{header.hash.hex()}, not the genesis 0x{genesis.hash.hex()}",
        )


def open_replay_ledger(chaindata: Path, genesis: Genesis) -> tuple[LevelDB, Ledger]:
    """The replay's own ledger: a LevelDB at ``chaindata`` holding only the genesis."""
    db = LevelDB(chaindata)
    try:
        return db, Ledger(db, genesis)
    except BaseException:
        db.close()
        raise
