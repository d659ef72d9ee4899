"""Which blocks hold logs of an address or a topic, written in the block's own batch.

``eth_getLogs`` over a long range would otherwise read every receipt of every block. The index
only narrows the candidate blocks; the final match is always made on the receipts themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eth.abc import DatabaseAPI, ReceiptAPI

from node.storage.leveldb import LevelDB
from node.storage.schema import (
    LOG_ADDRESS_PREFIX,
    LOG_TOPIC_PREFIX,
    block_number_bytes,
    log_address_key,
    log_topic_key,
)


def index_block_logs(db: DatabaseAPI, block_number: int, receipts: Iterable[ReceiptAPI]) -> None:
    keys: set[bytes] = set()
    for receipt in receipts:
        for log in receipt.logs:
            keys.add(log_address_key(log.address, block_number))
            for topic in log.topics:
                keys.add(log_topic_key(topic.to_bytes(32, "big"), block_number))
    for key in sorted(keys):
        db[key] = b""


def _blocks_under(db: LevelDB, prefix: bytes, first: int, last: int) -> set[int]:
    start = prefix + block_number_bytes(first)
    stop = prefix + block_number_bytes(last + 1)
    found: set[int] = set()
    for key, _ in db.iterate_range(start, stop):
        found.add(int.from_bytes(key[-8:], "big"))
    return found


def candidate_blocks(
    db: LevelDB,
    first: int,
    last: int,
    addresses: Sequence[bytes],
    topics: Sequence[Sequence[bytes] | None],
) -> list[int]:
    """Block numbers in ``[first, last]`` that may hold a matching log, ascending."""
    candidates: set[int] | None = None
    if addresses:
        candidates = set()
        for address in addresses:
            candidates |= _blocks_under(db, LOG_ADDRESS_PREFIX + address, first, last)
    for alternatives in topics:
        if not alternatives:
            continue
        matching: set[int] = set()
        for topic in alternatives:
            matching |= _blocks_under(db, LOG_TOPIC_PREFIX + topic, first, last)
        candidates = matching if candidates is None else candidates & matching
    if candidates is None:
        return list(range(first, last + 1))
    return sorted(candidates)
