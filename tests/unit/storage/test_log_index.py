"""The log index narrows ``eth_getLogs`` to candidate blocks: exactly the blocks whose receipts
hold a log of a wanted address and, for each topic position filtered, a log carrying one of
the wanted topics (at any position); never fewer than the blocks with an exact match."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from eth.rlp.logs import Log
from eth.rlp.receipts import Receipt
from hypothesis import given, settings
from hypothesis import strategies as st

from node.storage.leveldb import LevelDB
from node.storage.log_index import candidate_blocks, index_block_logs
from node.storage.schema import log_address_key, log_topic_key

ADDRESSES = [bytes([byte]) * 20 for byte in (0xA1, 0xA2, 0xA3)]
TOPICS = [bytes([byte]) * 32 for byte in (0x01, 0x02, 0x03, 0x04)]
Blocks = dict[int, list[Receipt]]
TopicFilter = list[list[bytes] | None]


def receipt(*logs: tuple[bytes, Sequence[bytes]]) -> Receipt:
    return Receipt(
        state_root=b"\x01",
        gas_used=21_000,
        bloom=0,
        logs=[
            Log(address, [int.from_bytes(topic, "big") for topic in topics], b"")
            for address, topics in logs
        ],
    )


def write_index(db: LevelDB, blocks: Blocks) -> None:
    for number, receipts in blocks.items():
        index_block_logs(db, number, receipts)


def block_logs(blocks: Blocks, number: int) -> list[tuple[bytes, list[bytes]]]:
    return [
        (log.address, [topic.to_bytes(32, "big") for topic in log.topics])
        for block_receipt in blocks.get(number, [])
        for log in block_receipt.logs
    ]


def scan_candidates(
    blocks: Blocks, first: int, last: int, addresses: list[bytes], topics: TopicFilter
) -> list[int]:
    """The index's rule, by reading every receipt: some log of a wanted address, and for each
    filtered position some log carrying a wanted topic anywhere."""
    found = []
    for number in range(first, last + 1):
        logs = block_logs(blocks, number)
        if addresses and not any(address in addresses for address, _ in logs):
            continue
        carried = {topic for _, log_topics in logs for topic in log_topics}
        if all(not wanted or carried & set(wanted) for wanted in topics):
            found.append(number)
    return found


def scan_exact_matches(
    blocks: Blocks, first: int, last: int, addresses: list[bytes], topics: TopicFilter
) -> list[int]:
    """Blocks holding one log that matches the whole filter, as ``eth_getLogs`` defines it."""

    def matches(address: bytes, log_topics: list[bytes]) -> bool:
        if addresses and address not in addresses:
            return False
        return all(
            not wanted or (position < len(log_topics) and log_topics[position] in wanted)
            for position, wanted in enumerate(topics)
        )

    return [
        number
        for number in range(first, last + 1)
        if any(matches(address, log_topics) for address, log_topics in block_logs(blocks, number))
    ]


logs = st.tuples(st.sampled_from(ADDRESSES), st.lists(st.sampled_from(TOPICS), max_size=3))
receipts = st.lists(logs, max_size=3).map(lambda entries: receipt(*entries))
block_sets = st.dictionaries(
    st.integers(min_value=0, max_value=12), st.lists(receipts, max_size=3), max_size=8
)
topic_filters = st.lists(
    st.none() | st.lists(st.sampled_from(TOPICS), max_size=2, unique=True), max_size=3
)
address_filters = st.lists(st.sampled_from(ADDRESSES), max_size=2, unique=True)


@settings(max_examples=60, deadline=None)
@given(blocks=block_sets, data=st.data())
def test_candidate_blocks_equal_a_scan_of_the_receipts(blocks: Blocks, data: st.DataObject) -> None:
    first = data.draw(st.integers(min_value=0, max_value=12), label="first")
    last = data.draw(st.integers(min_value=first, max_value=13), label="last")
    addresses = data.draw(address_filters, label="addresses")
    topics = data.draw(topic_filters, label="topics")
    directory = Path(tempfile.mkdtemp(prefix="dcl-logs-"))
    db = LevelDB(directory)
    try:
        write_index(db, blocks)
        candidates = candidate_blocks(db, first, last, addresses, topics)
    finally:
        db.close()
        shutil.rmtree(directory, ignore_errors=True)
    assert candidates == scan_candidates(blocks, first, last, addresses, topics)
    assert set(scan_exact_matches(blocks, first, last, addresses, topics)) <= set(candidates)


def test_indexing_writes_one_empty_marker_per_address_and_topic(leveldb: LevelDB) -> None:
    index_block_logs(
        leveldb,
        258,
        [receipt((ADDRESSES[0], [TOPICS[0], TOPICS[1]])), receipt((ADDRESSES[0], [TOPICS[0]]))],
    )
    assert dict(leveldb.iterate_range(b"", b"\xff")) == {
        log_address_key(ADDRESSES[0], 258): b"",
        log_topic_key(TOPICS[0], 258): b"",
        log_topic_key(TOPICS[1], 258): b"",
    }


def test_index_keys_are_prefix_then_value_then_big_endian_block_number() -> None:
    assert log_address_key(ADDRESSES[0], 258) == (
        b"dcl:log:a:" + ADDRESSES[0] + b"\x00\x00\x00\x00\x00\x00\x01\x02"
    )
    assert log_topic_key(TOPICS[0], 1) == b"dcl:log:t:" + TOPICS[0] + b"\x00" * 7 + b"\x01"


def test_without_filters_every_block_in_the_range_is_a_candidate(leveldb: LevelDB) -> None:
    assert candidate_blocks(leveldb, 3, 6, [], []) == [3, 4, 5, 6]
    assert candidate_blocks(leveldb, 3, 6, [], [None, []]) == [3, 4, 5, 6]


def test_candidates_stay_within_the_range(leveldb: LevelDB) -> None:
    write_index(leveldb, {n: [receipt((ADDRESSES[0], []))] for n in (1, 2, 5, 9)})
    assert candidate_blocks(leveldb, 2, 5, [ADDRESSES[0]], []) == [2, 5]


def test_address_and_topic_filters_intersect(leveldb: LevelDB) -> None:
    write_index(
        leveldb,
        {
            1: [receipt((ADDRESSES[0], [TOPICS[0]]))],
            2: [receipt((ADDRESSES[1], [TOPICS[0]]))],
            3: [receipt((ADDRESSES[0], [TOPICS[1]]))],
        },
    )
    assert candidate_blocks(leveldb, 0, 3, [ADDRESSES[0]], [[TOPICS[0]]]) == [1]
    assert candidate_blocks(leveldb, 0, 3, [ADDRESSES[0], ADDRESSES[1]], [[TOPICS[0]]]) == [1, 2]
    assert candidate_blocks(leveldb, 0, 3, [], [[TOPICS[0], TOPICS[1]]]) == [1, 2, 3]
