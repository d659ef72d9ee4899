"""The log index: every log's position under its address and under each topic slot, and a
copy of the log itself, written in the block's own batch.

``eth_getLogs`` answers from here without reading a receipt. A log's position is its block
number and block-wide log index (:func:`~node.storage.schema.log_position`); the keys
``address → position`` and ``(slot, topic) → position`` are empty markers sorted in chain
order, so a filter is a merge join of sorted key ranges: each constraint (the addresses, or
one topic slot's alternatives) is a union of ranges, and the constraints are intersected by
leapfrogging (each cursor jumps to the largest position another has reached). The work
follows the rarest constraint, not the range: a query for one tag among a million logs reads
about as many keys as it finds logs, even when another constraint (the event signature)
matches them all. The copy (``position → tx index, tx hash, address, topics, data``, in the
fixed layout of :func:`encode_record`) costs one more write per log, and spares decoding whole
receipts to answer a few of their logs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass

from eth.abc import DatabaseAPI, ReceiptAPI

from node.storage.leveldb import KeyCursor, LevelDB
from node.storage.schema import (
    LOG_POSITION_BYTES,
    LOG_RECORD_PREFIX,
    log_address_key,
    log_address_prefix,
    log_position,
    log_position_bytes,
    log_record_key,
    log_topic_key,
    log_topic_prefix,
)


@dataclass(frozen=True)
class IndexedLog:
    """One log as eth_getLogs reports it, without the block hash (read from the header)."""

    block_number: int
    log_index: int
    transaction_index: int
    transaction_hash: bytes
    address: bytes
    topics: tuple[bytes, ...]
    data: bytes


def index_block_logs(
    db: DatabaseAPI,
    block_number: int,
    transaction_hashes: Sequence[bytes],
    receipts: Sequence[ReceiptAPI],
) -> None:
    """Write the markers and copies of a block's logs (into the block's write batch)."""
    log_index = 0
    for tx_index, (tx_hash, receipt) in enumerate(zip(transaction_hashes, receipts, strict=True)):
        for log in receipt.logs:
            position = log_position(block_number, log_index)
            topics = [topic.to_bytes(32, "big") for topic in log.topics]
            db[log_address_key(log.address, position)] = b""
            for slot, topic in enumerate(topics):
                db[log_topic_key(slot, topic, position)] = b""
            db[log_record_key(position)] = encode_record(
                tx_index, tx_hash, log.address, topics, log.data
            )
            log_index += 1


def matching_logs(
    db: LevelDB,
    first: int,
    last: int,
    addresses: Sequence[bytes],
    topics: Sequence[Sequence[bytes] | None],
) -> Iterator[IndexedLog]:
    """The logs of blocks ``first..last`` that match, in chain order, lazily: geth's rule, an
    allowed address and each constrained topic slot holding one of its alternatives."""
    start, stop = log_position(first, 0), log_position(last + 1, 0)
    constraints = [[log_address_prefix(address) for address in addresses]] if addresses else []
    constraints += [
        [log_topic_prefix(slot, topic) for topic in alternatives]
        for slot, alternatives in enumerate(topics)
        if alternatives
    ]
    least_topics = len(topics)  # a wildcard slot still needs a topic there
    if not constraints:
        found: Iterator[IndexedLog] = _records_in(db, start, stop)
        yield from (log for log in found if len(log.topics) >= least_topics)
        return
    with ExitStack() as cursors:
        unions = [_Union(db, prefixes, start, stop, cursors) for prefixes in constraints]
        for position in _intersection(unions, start):
            log = _decode(position, db[log_record_key(position)])
            if len(log.topics) >= least_topics:
                yield log


def _records_in(db: LevelDB, start: int, stop: int) -> Iterator[IndexedLog]:
    prefix_length = len(LOG_RECORD_PREFIX)
    for key, value in db.iterate_range(log_record_key(start), log_record_key(stop)):
        yield _decode(int.from_bytes(key[prefix_length:], "big"), value)


def encode_record(
    tx_index: int, tx_hash: bytes, address: bytes, topics: Sequence[bytes], data: bytes
) -> bytes:
    """4-byte transaction index, 32-byte hash, 20-byte address, 1-byte topic count, the
    32-byte topics, then the data: sliced back without a general decoder."""
    return b"".join(
        (tx_index.to_bytes(4, "big"), tx_hash, address, bytes([len(topics)]), *topics, data)
    )


def _decode(position: int, record: bytes) -> IndexedLog:
    count = record[56]
    end = 57 + 32 * count
    return IndexedLog(
        block_number=position >> 32,
        log_index=position & 0xFFFFFFFF,
        transaction_index=int.from_bytes(record[:4], "big"),
        transaction_hash=record[4:36],
        address=record[36:56],
        topics=tuple(record[start : start + 32] for start in range(57, end, 32)),
        data=record[end:],
    )


class _Union:
    """Ascending positions found under any of several prefixes, within ``[start, stop)``."""

    def __init__(
        self, db: LevelDB, prefixes: list[bytes], start: int, stop: int, cursors: ExitStack
    ) -> None:
        self._prefixes = prefixes
        self._cursors: list[KeyCursor] = []
        for prefix in prefixes:
            cursor = db.key_cursor(
                prefix + log_position_bytes(start), prefix + log_position_bytes(stop)
            )
            cursors.callback(cursor.close)
            self._cursors.append(cursor)
        self._heads: list[int | None] = [-1] * len(prefixes)

    def seek(self, position: int) -> int | None:
        """The smallest position ``>= position`` under any prefix, or None when none is left."""
        best: int | None = None
        for index, head in enumerate(self._heads):
            if head is not None and head < position:
                key = self._cursors[index].seek(
                    self._prefixes[index] + log_position_bytes(position)
                )
                head = None if key is None else int.from_bytes(key[-LOG_POSITION_BYTES:], "big")
                self._heads[index] = head
            if head is not None and (best is None or head < best):
                best = head
        return best


def _intersection(unions: list[_Union], start: int) -> Iterator[int]:
    """Positions present in every union, ascending (a leapfrog join)."""
    target = start
    while True:
        agreeing = 0
        turn = 0
        while agreeing < len(unions):
            found = unions[turn].seek(target)
            if found is None:
                return
            if found == target:
                agreeing += 1
            else:
                target, agreeing = found, 1
            turn = (turn + 1) % len(unions)
        yield target
        target += 1
