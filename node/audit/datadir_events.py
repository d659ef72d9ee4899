"""The system contracts' events of a stopped node's data directory, decoded, in chain order.

Logs come from the node's log index (the same records ``eth_getLogs`` answers from), so no
receipt is decoded. LevelDB allows one process per directory: a directory in use is refused
with ``DatabaseLockedError``; work on a stopped node's directory or a copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from eth.abc import BlockHeaderAPI
from eth.exceptions import HeaderNotFound
from eth_typing import BlockNumber

from client.domain_events import EventDecoder, Involvement, RawLog
from node.audit.ledger_event import LedgerEvent
from node.chain.chain_reader import ChainReader
from node.datadir import DataDir
from node.storage.leveldb import LevelDB
from node.storage.log_index import matching_logs
from node.storage.schema import SCHEMA_VERSION, SCHEMA_VERSION_KEY


class LedgerReadError(ValueError):
    """The data directory holds no chain this tool can read."""


@dataclass(frozen=True)
class OpenLedger:
    reader: ChainReader
    db: LevelDB
    genesis_hash: bytes

    @property
    def head(self) -> BlockHeaderAPI:
        return self.reader.head()

    def hash_at(self, number: int) -> bytes | None:
        """The canonical hash of block ``number``, None beyond the head."""
        header = self.reader.header_by_number(number)
        return None if header is None else bytes(header.hash)


@contextmanager
def open_ledger(datadir: Path) -> Iterator[OpenLedger]:
    """The chain of a stopped node's data directory, read-only."""
    data = DataDir(datadir)
    genesis = data.load_genesis()
    if not data.chaindata.is_dir():
        raise LedgerReadError(f"{datadir} holds no chain yet (run the node once)")
    db = LevelDB(data.chaindata)
    try:
        version = db.get(SCHEMA_VERSION_KEY)
        if version is None:
            raise LedgerReadError(f"{datadir} holds no chain yet (run the node once)")
        if version != SCHEMA_VERSION:
            raise LedgerReadError(
                f"{datadir} uses storage schema {version.decode()}, this tool reads"
                f" {SCHEMA_VERSION.decode()}"
            )
        reader = ChainReader(db, genesis)
        try:
            genesis_hash = reader.chaindb.get_canonical_block_hash(BlockNumber(0))
        except HeaderNotFound as error:
            raise LedgerReadError(f"{datadir} holds no genesis block") from error
        yield OpenLedger(reader, db, bytes(genesis_hash))
    finally:
        db.close()


def ledger_events(
    ledger: OpenLedger,
    first: int,
    last: int,
    involvement: Involvement,
    decoder: EventDecoder | None = None,
) -> Iterator[LedgerEvent]:
    """The decoded events of blocks ``first..last``; ``involvement`` must have seen every
    event before block ``first`` (it learns these in turn)."""
    return chain_events(ledger.reader, ledger.db, first, last, involvement, decoder)


def chain_events(
    reader: ChainReader,
    db: LevelDB,
    first: int,
    last: int,
    involvement: Involvement,
    decoder: EventDecoder | None = None,
) -> Iterator[LedgerEvent]:
    """``ledger_events`` over any chain reader and its database, a running node's included
    (its committed blocks and their log index never change)."""
    chosen = decoder or EventDecoder()
    addresses = list(chosen.addresses.values())
    timestamps: dict[int, int] = {}
    for log in matching_logs(db, first, last, addresses, []):
        if log.block_number not in timestamps:
            header = reader.header_by_number(log.block_number)
            assert header is not None, f"canonical block {log.block_number} is missing"
            timestamps = {log.block_number: header.timestamp}
        event = chosen.decode(RawLog(log.address, log.topics, log.data))
        concerns = involvement.concerns(event)
        yield LedgerEvent(
            block_number=log.block_number,
            block_timestamp=timestamps[log.block_number],
            transaction_hash=log.transaction_hash,
            log_index=log.log_index,
            contract=event.contract,
            name=event.name,
            exchanges=concerns.exchanges,
            parties=concerns.parties,
            args=event.args,
        )
