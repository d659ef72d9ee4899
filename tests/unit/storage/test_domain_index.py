"""The domain index writer and its reads on a real LevelDB, fed real ABI-encoded logs of the
system proxies (as the contracts emit them) in the block batches the ledger uses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_abi import encode
from eth_utils import keccak

from client.contracts import encode_exchange_code, system_address
from node.gateway import index
from node.storage.block_writes import PendingBlockWrites
from node.storage.domain_index import DomainIndexWriter
from node.storage.leveldb import LevelDB

TERMS = (
    "(string,bytes32,uint8,uint8,bool,uint8,uint8,uint8,uint128,bytes3,bytes32,bytes32,string,"
    "bool,address)"
)
SUBMITTED = keccak(text=f"ProductSubmitted(uint256,address,bytes32,uint32,{TERMS})")
UPDATED = keccak(text=f"ProductUpdated(uint256,uint32,uint8,address,{TERMS})")
REGISTERED = keccak(text="ParticipantRegistered(address,bytes32,uint32,bytes2,bytes32,address)")
PRODUCTS = bytes.fromhex(system_address("DataProductRegistry")[2:])
PARTICIPANTS = bytes.fromhex(system_address("ParticipantRegistry")[2:])
SUPPLIER = "0x" + "11" * 20
OPERATOR = "0x" + "22" * 20


@dataclass
class Log:
    address: bytes
    topics: tuple[int, ...]
    data: bytes


@dataclass
class Receipt:
    logs: tuple[Log, ...]


def word(value: bytes | str) -> int:
    raw = bytes.fromhex(value[2:]).rjust(32, b"\0") if isinstance(value, str) else value
    return int.from_bytes(raw, "big")


def terms(title: str) -> tuple[object, ...]:
    return (title, keccak(text="cat"), 0, 0, False, 1, 2, 0, 500, b"CNY", b"\1" * 32, b"\2" * 32,
            "uri", True, SUPPLIER)  # fmt: skip


def submitted(product_id: int, title: str) -> Log:
    topics = (word(SUBMITTED), product_id, word(SUPPLIER), word(encode_exchange_code("SHDE")))
    return Log(PRODUCTS, topics, encode(["uint32", TERMS], [1, terms(title)]))


def updated(product_id: int, title: str) -> Log:
    data = encode(["uint32", "uint8", "address", TERMS], [2, 1, "0x" + "00" * 20, terms(title)])
    return Log(PRODUCTS, (word(UPDATED), product_id), data)


def registered(account: str) -> Log:
    topics = (word(REGISTERED), word(account), word(encode_exchange_code("SZDE")))
    data = encode(["uint32", "bytes2", "bytes32", "address"], [2, b"CN", b"\3" * 32, OPERATOR])
    return Log(PARTICIPANTS, topics, data)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[LevelDB]:
    database = LevelDB(tmp_path / "db")
    yield database
    database.close()


def commit(db: LevelDB, writer: DomainIndexWriter, number: int, *logs: Log) -> None:
    writes = PendingBlockWrites(db)
    receipts = [Receipt((log,)) for log in logs]
    hashes = [keccak(bytes([number, i])) for i in range(len(logs))]
    writer.index_block(writes, number, hashes, receipts)  # type: ignore[arg-type]
    writes.flush()


def titles(db: LevelDB, text: str) -> list[str]:
    found, _ = index.search_products(db, index.ProductFilters(text=text), 0, 10)
    return [record["fold"]["terms"]["title"] for record in found]


def test_a_new_data_directory_has_no_index_yet(db: LevelDB) -> None:
    assert DomainIndexWriter(db).indexed_through() is None


def test_the_index_records_the_last_block_written(db: LevelDB) -> None:
    writer = DomainIndexWriter(db)
    commit(db, writer, 1, submitted(1, "Port throughput"))
    commit(db, writer, 2)
    assert writer.indexed_through() == 2


def test_a_product_is_found_by_the_words_of_its_current_title(db: LevelDB) -> None:
    writer = DomainIndexWriter(db)
    commit(db, writer, 1, submitted(1, "Port throughput"), submitted(2, "Retail footfall"))
    commit(db, writer, 2, updated(1, "Harbour throughput"))
    assert titles(db, "port") == []
    assert titles(db, "harb THROUGH") == ["Harbour throughput"]
    assert titles(db, "foot") == ["Retail footfall"]


def test_a_products_history_lists_its_events_in_chain_order(db: LevelDB) -> None:
    writer = DomainIndexWriter(db)
    commit(db, writer, 1, submitted(1, "Port throughput"), submitted(2, "Other"))
    commit(db, writer, 2, updated(1, "Harbour throughput"))
    events, last = index.events(db, index.EventFilters(product=1), None, 10, lambda r: True, 2)
    assert [(e["block"], e["event"]) for e in events] == [
        (1, "ProductSubmitted"),
        (2, "ProductUpdated"),
    ]
    assert last == events[-1]["position"]


def test_events_stop_at_the_block_asked_for(db: LevelDB) -> None:
    writer = DomainIndexWriter(db)
    commit(db, writer, 1, submitted(1, "A"))
    commit(db, writer, 2, submitted(2, "B"))
    events, _ = index.events(db, index.EventFilters(), None, 10, lambda r: True, 1)
    assert [e["args"]["productId"] for e in events] == [1]


def test_what_involvement_learnt_survives_a_new_writer(db: LevelDB) -> None:
    commit(db, DomainIndexWriter(db), 1, registered("0x" + "33" * 20), submitted(7, "A"))
    reopened = DomainIndexWriter(db)
    assert reopened.involvement.participants == {
        "0x3333333333333333333333333333333333333333": "SZDE"
    }
    assert reopened.involvement.products == {
        7: ("SHDE", "0x1111111111111111111111111111111111111111")
    }


def test_a_log_of_another_contract_is_not_indexed(db: LevelDB) -> None:
    writer = DomainIndexWriter(db)
    stranger = Log(b"\x99" * 20, (word(SUBMITTED), 1), b"")
    commit(db, writer, 1, stranger)
    assert index.events(db, index.EventFilters(), None, 10, lambda r: True, 1) == ([], None)


def test_pages_of_products_continue_after_the_cursor(db: LevelDB) -> None:
    writer = DomainIndexWriter(db)
    commit(db, writer, 1, *(submitted(i, f"Series {i}") for i in range(1, 6)))
    first, after = index.search_products(db, index.ProductFilters(), 0, 2)
    rest, end = index.search_products(db, index.ProductFilters(), after or 0, 10)
    assert ([r["productId"] for r in first], after) == ([1, 2], 2)
    assert ([r["productId"] for r in rest], end) == ([3, 4, 5], None)


DEMAND_TERMS = (
    "(string,bytes32,uint8,uint8,uint8,uint128,uint128,bytes3,uint64,bytes32,string,bytes32)"
)
POSTED = keccak(text=f"DemandPosted(uint256,address,bytes32,{DEMAND_TERMS},uint64)")
SEALED = keccak(text="OfferSealed(uint256,uint256,address,bytes32,bytes32,uint64)")
BOARD = bytes.fromhex(system_address("DemandBoard")[2:])
BUYER = "0x" + "44" * 20


def posted(demand_id: int, title: str, home: str = "SZDE") -> Log:
    code = encode_exchange_code(home)
    topics = (word(POSTED), demand_id, word(BUYER), word(code))
    demand = (title, keccak(text="cat"), 0, 2, 0, 100, 900, b"CNY", 10**9, b"\5" * 32, "uri", code)
    return Log(BOARD, topics, encode([DEMAND_TERMS, "uint64"], [demand, 7]))


def sealed(demand_id: int, offer_id: int, supplier: str, home: str) -> Log:
    topics = (word(SEALED), demand_id, offer_id, word(supplier))
    data = encode(["bytes32", "bytes32", "uint64"], [encode_exchange_code(home), b"\6" * 32, 8])
    return Log(BOARD, topics, data)


def test_demands_are_found_by_title_word_home_exchange_and_budget(db: LevelDB) -> None:
    writer = DomainIndexWriter(db)
    commit(db, writer, 1, posted(1, "Port congestion forecasts"), posted(2, "Retail", "SHDE"))

    def found(**filters: object) -> list[int]:
        records, _ = index.search_demands(db, index.DemandFilters(**filters), 0, 10)  # type: ignore[arg-type]
        return [r["demandId"] for r in records]

    assert found(text="forecast") == [1]
    assert found(exchange="SHDE") == [2]
    assert found(budget=900) == [1, 2]
    assert found(budget=901) == []
    assert found(status="open") == [1, 2]
    assert found(status="closed") == []


def test_an_offer_record_concerns_its_supplier_and_the_demand_s_buyer(db: LevelDB) -> None:
    writer = DomainIndexWriter(db)
    supplier = "0x" + "55" * 20
    commit(db, writer, 1, posted(1, "Port"), sealed(1, 1, supplier, "BJIDE"))
    offer = index.offer_record(db, 1)
    assert offer is not None
    assert (offer["exchanges"], offer["parties"]) == (
        ["BJIDE", "SZDE"],
        [
            "0x4444444444444444444444444444444444444444",
            "0x5555555555555555555555555555555555555555",
        ],
    )
    demand = index.demand_record(db, 1)
    assert demand is not None
    assert (demand["fold"]["offerCount"], demand["offerIds"]) == (1, [1])


def test_what_involvement_learnt_of_demands_and_offers_survives_a_new_writer(db: LevelDB) -> None:
    supplier = "0x" + "55" * 20
    commit(db, DomainIndexWriter(db), 1, posted(1, "Port"), sealed(1, 3, supplier, "BJIDE"))
    reopened = DomainIndexWriter(db)
    assert reopened.involvement.demands == {
        1: ("SZDE", "0x4444444444444444444444444444444444444444")
    }
    assert reopened.involvement.offers == {
        3: ("BJIDE", "0x5555555555555555555555555555555555555555")
    }
