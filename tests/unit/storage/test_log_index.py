"""The log index answers a filter exactly as a scan of every receipt would: the same logs, in
chain order, with their block-wide log index, transaction index and hash."""

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
from node.storage.log_index import IndexedLog, encode_record, index_block_logs, matching_logs
from node.storage.schema import (
    log_address_key,
    log_position,
    log_record_key,
    log_topic_key,
)

ADDRESSES = [bytes([byte]) * 20 for byte in (0xA1, 0xA2, 0xA3)]
TOPICS = [bytes([byte]) * 32 for byte in (0x01, 0x02, 0x03, 0x04)]
Blocks = dict[int, list[Receipt]]
TopicFilter = list[list[bytes] | None]


def receipt(*logs: tuple[bytes, Sequence[bytes]], data: bytes = b"") -> Receipt:
    return Receipt(
        state_root=b"\x01",
        gas_used=21_000,
        bloom=0,
        logs=[
            Log(address, [int.from_bytes(topic, "big") for topic in topics], data)
            for address, topics in logs
        ],
    )


def tx_hash(number: int, index: int) -> bytes:
    return number.to_bytes(16, "big") + index.to_bytes(16, "big")


def write_index(db: LevelDB, blocks: Blocks) -> None:
    for number, receipts in blocks.items():
        index_block_logs(db, number, [tx_hash(number, i) for i in range(len(receipts))], receipts)


def scan(
    blocks: Blocks, first: int, last: int, addresses: list[bytes], topics: TopicFilter
) -> list[IndexedLog]:
    """eth_getLogs by reading every receipt of every block in the range."""
    found = []
    for number in range(first, last + 1):
        log_index = 0
        for tx_index, block_receipt in enumerate(blocks.get(number, [])):
            for log in block_receipt.logs:
                log_topics = tuple(topic.to_bytes(32, "big") for topic in log.topics)
                address_ok = not addresses or log.address in addresses
                topics_ok = len(topics) <= len(log_topics) and all(
                    not wanted or log_topics[slot] in wanted for slot, wanted in enumerate(topics)
                )
                if address_ok and topics_ok:
                    found.append(
                        IndexedLog(
                            number,
                            log_index,
                            tx_index,
                            tx_hash(number, tx_index),
                            log.address,
                            log_topics,
                            log.data,
                        )
                    )
                log_index += 1
    return found


def query(
    db: LevelDB, first: int, last: int, addresses: list[bytes], topics: TopicFilter
) -> list[IndexedLog]:
    return list(matching_logs(db, first, last, addresses, topics))


logs = st.tuples(st.sampled_from(ADDRESSES), st.lists(st.sampled_from(TOPICS), max_size=3))
receipts = st.lists(logs, max_size=3).map(lambda entries: receipt(*entries))
block_sets = st.dictionaries(
    st.integers(min_value=0, max_value=12), st.lists(receipts, max_size=3), max_size=8
)
topic_filters = st.lists(
    st.none() | st.lists(st.sampled_from(TOPICS), max_size=2, unique=True), max_size=4
)
address_filters = st.lists(st.sampled_from(ADDRESSES), max_size=2, unique=True)


@settings(max_examples=80, deadline=None)
@given(blocks=block_sets, data=st.data())
def test_the_index_finds_exactly_the_logs_a_scan_of_the_receipts_finds(
    blocks: Blocks, data: st.DataObject
) -> None:
    first = data.draw(st.integers(min_value=0, max_value=12), label="first")
    last = data.draw(st.integers(min_value=first, max_value=13), label="last")
    addresses = data.draw(address_filters, label="addresses")
    topics = data.draw(topic_filters, label="topics")
    directory = Path(tempfile.mkdtemp(prefix="dcl-logs-"))
    db = LevelDB(directory)
    try:
        write_index(db, blocks)
        found = query(db, first, last, addresses, topics)
    finally:
        db.close()
        shutil.rmtree(directory, ignore_errors=True)
    assert found == scan(blocks, first, last, addresses, topics)


def test_indexing_writes_an_address_marker_a_marker_per_topic_slot_and_a_copy_per_log(
    leveldb: LevelDB,
) -> None:
    index_block_logs(
        leveldb,
        258,
        [b"\x0a" * 32, b"\x0b" * 32],
        [receipt((ADDRESSES[0], [TOPICS[0], TOPICS[1]])), receipt((ADDRESSES[1], [TOPICS[0]]))],
    )
    first, second = log_position(258, 0), log_position(258, 1)
    assert set(dict(leveldb.iterate_range(b"", b"\xff"))) == {
        log_address_key(ADDRESSES[0], first),
        log_topic_key(0, TOPICS[0], first),
        log_topic_key(1, TOPICS[1], first),
        log_record_key(first),
        log_address_key(ADDRESSES[1], second),
        log_topic_key(0, TOPICS[0], second),
        log_record_key(second),
    }


def test_index_keys_are_prefix_then_value_then_block_number_and_log_index() -> None:
    position = log_position(258, 3)
    assert log_address_key(ADDRESSES[0], position) == (
        b"dcl:log:a:" + ADDRESSES[0] + bytes.fromhex("0000000000000102" + "00000003")
    )
    assert log_topic_key(2, TOPICS[0], position) == (
        b"dcl:log:t:\x02" + TOPICS[0] + bytes.fromhex("0000000000000102" + "00000003")
    )
    assert log_record_key(position) == b"dcl:log:r:" + bytes.fromhex(
        "0000000000000102" + "00000003"
    )


def test_a_found_log_carries_its_transaction_its_block_wide_index_and_its_data(
    leveldb: LevelDB,
) -> None:
    write_index(
        leveldb,
        {7: [receipt((ADDRESSES[0], [])), receipt((ADDRESSES[1], [TOPICS[2]]), data=b"\x99")]},
    )
    assert query(leveldb, 7, 7, [ADDRESSES[1]], []) == [
        IndexedLog(7, 1, 1, tx_hash(7, 1), ADDRESSES[1], (TOPICS[2],), b"\x99")
    ]


def test_a_topic_matches_only_in_the_slot_the_filter_names(leveldb: LevelDB) -> None:
    write_index(leveldb, {1: [receipt((ADDRESSES[0], [TOPICS[0], TOPICS[1]]))]})
    assert query(leveldb, 0, 1, [], [[TOPICS[1]]]) == []
    assert len(query(leveldb, 0, 1, [], [None, [TOPICS[1]]])) == 1


def test_logs_outside_the_range_are_not_found(leveldb: LevelDB) -> None:
    write_index(leveldb, {n: [receipt((ADDRESSES[0], [TOPICS[0]]))] for n in (1, 2, 5, 9)})
    assert [log.block_number for log in query(leveldb, 2, 5, [ADDRESSES[0]], [])] == [2, 5]
    assert [log.block_number for log in query(leveldb, 2, 5, [], [])] == [2, 5]


def test_a_rare_topic_among_common_ones_is_found_by_a_join_of_both(leveldb: LevelDB) -> None:
    common, rare = TOPICS[0], TOPICS[3]
    write_index(
        leveldb,
        {
            number: [
                receipt(
                    *[(ADDRESSES[0], [common, rare if n == 5 else TOPICS[1]]) for n in range(10)]
                )
            ]
            for number in range(1, 6)
        },
    )
    found = query(leveldb, 1, 5, [ADDRESSES[0]], [[common], [rare]])
    assert [(log.block_number, log.log_index) for log in found] == [(n, 5) for n in range(1, 6)]


def test_a_log_copy_is_tx_index_hash_address_topic_count_topics_then_data() -> None:
    record = encode_record(258, b"\x0a" * 32, ADDRESSES[0], [TOPICS[0], TOPICS[1]], b"\x99")
    assert (
        record
        == (
            bytes.fromhex("00000102")
            + b"\x0a" * 32
            + ADDRESSES[0]
            + b"\x02"
            + TOPICS[0]
            + TOPICS[1]
        )
        + b"\x99"
    )
