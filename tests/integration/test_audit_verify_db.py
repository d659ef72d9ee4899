"""``dcl audit verify-db`` on a copy of the data directory the contracts' scenario left on a
real node: untouched, every check passes; each kind of record altered behind the node's back
with plyvel (a header, a seal, the canonical index, the head pointer, a transaction or receipt
trie node, a transaction lookup, the log index, the domain index, the head state, the genesis
record) is named with the check that found it and its LevelDB key."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import plyvel
import pytest
import rlp
from eth.constants import BLANK_ROOT_HASH, EMPTY_SHA3
from eth.db.chain import BlockDataKey
from eth.db.schema import SchemaV1
from eth.rlp.accounts import Account
from eth_typing import BlockNumber

from node.audit.trie_walk import trie_leaves
from node.audit.verify_db import Finding, verify_db
from node.chain.chain_reader import ChainReader
from node.chain.extra_data import decode_extra_data, encode_extra_data
from node.datadir import DataDir
from node.storage.leveldb import LevelDB
from node.storage.schema import (
    DOMAIN_BY_PARTY_PREFIX,
    DOMAIN_EVENT_PREFIX,
    DOMAIN_ORDER_PREFIX,
    DOMAIN_PREFIX,
    GENESIS_HASH_KEY,
    domain_id,
    log_record_key,
    log_topic_key,
)
from tests.support.block_bytes import flip
from tests.support.node_process import run_dcl, running_node
from tests.support.rpc_compat import FIXTURES
from tests.support.scenario_chain import ScenarioChain, shared_scenario_chain

BAD = 4
"""The block whose records the tests alter: a registration with its events."""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> ScenarioChain:
    return shared_scenario_chain(tmp_path_factory)


@dataclass(frozen=True)
class Facts:
    """What the untouched directory holds, read through the node's own reader."""

    block_hash: bytes
    previous_hash: bytes
    header_rlp: bytes
    transaction_root: bytes
    receipt_root: bytes
    tx_hash: bytes
    head_state_root: bytes
    storage_root: bytes
    code_hash: bytes


@pytest.fixture(scope="module")
def facts(scenario: ScenarioChain) -> Facts:
    data = DataDir(scenario.datadir)
    db = LevelDB(data.chaindata)
    try:
        reader = ChainReader(db, data.load_genesis())
        header = reader.header_by_number(BAD)
        previous = reader.header_by_number(BAD - 1)
        assert header is not None and previous is not None
        accounts = [
            rlp.decode(leaf, sedes=Account) for leaf in trie_leaves(db, reader.head().state_root)
        ]
        with_storage = next(a for a in accounts if a.storage_root != BLANK_ROOT_HASH)
        with_code = next(a for a in accounts if a.code_hash != EMPTY_SHA3)
        return Facts(
            block_hash=header.hash,
            previous_hash=previous.hash,
            header_rlp=db[header.hash],
            transaction_root=header.transaction_root,
            receipt_root=header.receipt_root,
            tx_hash=reader.block(header).transactions[0].hash,
            head_state_root=reader.head().state_root,
            storage_root=with_storage.storage_root,
            code_hash=with_code.code_hash,
        )
    finally:
        db.close()


@pytest.fixture
def copy(scenario: ScenarioChain, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(scenario.datadir, target)
    return target


@contextmanager
def behind_the_nodes_back(datadir: Path) -> Iterator[plyvel.DB]:
    db = plyvel.DB(str(datadir / "chaindata"))
    try:
        yield db
    finally:
        db.close()


def findings(datadir: Path) -> list[tuple[str, bytes]]:
    data = DataDir(datadir)
    db = LevelDB(data.chaindata)
    try:
        return [(f.check, f.key) for f in verify_db(db, data.load_genesis()).findings]
    finally:
        db.close()


def altered(db: plyvel.DB, key: bytes) -> None:
    value = db.get(key)
    assert value is not None, key
    db.put(key, flip(value, len(value) - 1))


def tx_lookup_key(tx_hash: bytes) -> bytes:
    return SchemaV1.make_transaction_hash_to_block_lookup_key(tx_hash)  # type: ignore[arg-type]


def canonical_key(number: int) -> bytes:
    return SchemaV1.make_block_number_to_hash_lookup_key(BlockNumber(number))


# -- the untouched directory --------------------------------------------------------------------


def test_an_untouched_directory_passes_every_check(scenario: ScenarioChain, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run_dcl("audit", "verify-db", "--datadir", scenario.datadir, "--report", report)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"verified {scenario.head_number + 1} blocks, {scenario.head_number} transactions;"
        f" head #{scenario.head_number} {scenario.head_hash}: every check passed\n"
    )
    written = json.loads(report.read_text())
    assert (written["ok"], written["findings"]) == (True, [])


def test_verify_db_refuses_the_directory_of_a_running_node(copy: Path) -> None:
    with running_node(copy, "--no-empty-blocks"):
        result = run_dcl("audit", "verify-db", "--datadir", copy)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"dcl: error: {copy / 'chaindata'} is in use by another process"
        " (stop that node, or work on a copy)"
    )


def test_an_altered_directory_exits_2_listing_the_check_and_key(copy: Path, facts: Facts) -> None:
    with behind_the_nodes_back(copy) as db:
        altered(db, facts.receipt_root)
    result = run_dcl("audit", "verify-db", "--datadir", copy)
    assert result.returncode == 2
    assert result.stdout.endswith(": 1 altered records found\n")
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f"receipts 0x{facts.receipt_root.hex()} block #{BAD}: trie node hashes to 0x"
    )


# -- each kind of record altered ----------------------------------------------------------------


def resealed_with_another_seal(db: plyvel.DB, facts: Facts) -> None:
    """The seal is outside the block hash: the header keeps its key, with a forged seal."""
    header = rlp.decode(facts.header_rlp)
    extra = decode_extra_data(header[12])
    seal = extra.seals[0]
    header[12] = encode_extra_data(
        extra.with_seals((seal[:10] + bytes([seal[10] ^ 1]) + seal[11:],))
    )
    db.put(facts.block_hash, rlp.encode(header))


def log_keys_of_block(db: plyvel.DB, prefix: bytes) -> list[bytes]:
    return [
        key
        for key in db.iterator(prefix=prefix, include_value=False)
        if int.from_bytes(key[-12:], "big") >> 32 == BAD
    ]


ALTERATIONS: dict[
    str, tuple[Callable[[plyvel.DB, Facts], None], Callable[[Facts], list[tuple[str, bytes]]]]
] = {
    "a header": (
        lambda db, f: altered(db, f.block_hash),
        lambda f: [("header-chain", f.block_hash)],
    ),
    "a commit seal": (
        resealed_with_another_seal,
        lambda f: [("header-chain", f.block_hash)],
    ),
    "the canonical index": (
        lambda db, f: db.put(canonical_key(BAD), rlp.encode(f.previous_hash)),
        lambda f: [("header-chain", canonical_key(BAD))],
    ),
    "the head pointer": (
        lambda db, f: db.put(SchemaV1.make_canonical_head_hash_lookup_key(), f.block_hash),
        lambda f: [("head", SchemaV1.make_canonical_head_hash_lookup_key())],
    ),
    "a transaction trie node": (
        lambda db, f: altered(db, f.transaction_root),
        lambda f: [("transactions", f.transaction_root)],
    ),
    "a receipt trie node": (
        lambda db, f: altered(db, f.receipt_root),
        lambda f: [("receipts", f.receipt_root)],
    ),
    "a transaction lookup": (
        lambda db, f: db.put(tx_lookup_key(f.tx_hash), rlp.encode(BlockDataKey(BAD + 1, 0))),
        lambda f: [("tx-lookup", tx_lookup_key(f.tx_hash))],
    ),
    "a deleted transaction lookup": (
        lambda db, f: db.delete(tx_lookup_key(f.tx_hash)),
        lambda f: [("tx-lookup", tx_lookup_key(f.tx_hash))],
    ),
    "an invented transaction lookup": (
        lambda db, f: db.put(tx_lookup_key(b"\x42" * 32), rlp.encode(BlockDataKey(BAD, 1))),
        lambda f: [("tx-lookup", tx_lookup_key(b"\x42" * 32))],
    ),
    "a log record": (
        lambda db, f: altered(db, log_record_key(BAD << 32)),
        lambda f: [("log-index", log_record_key(BAD << 32))],
    ),
    "an invented log topic": (
        lambda db, f: db.put(log_topic_key(0, b"\x42" * 32, BAD << 32), b""),
        lambda f: [("log-index", log_topic_key(0, b"\x42" * 32, BAD << 32))],
    ),
    "an order record of the domain index": (
        lambda db, f: altered(db, DOMAIN_ORDER_PREFIX + domain_id(1)),
        lambda f: [("domain-index", DOMAIN_ORDER_PREFIX + domain_id(1))],
    ),
    "an invented domain event marker": (
        lambda db, f: db.put(
            DOMAIN_BY_PARTY_PREFIX + b"\x42" * 20 + (BAD << 32).to_bytes(12, "big"), b""
        ),
        lambda f: [
            (
                "domain-index",
                DOMAIN_BY_PARTY_PREFIX + b"\x42" * 20 + (BAD << 32).to_bytes(12, "big"),
            )
        ],
    ),
    "the head state root node": (
        lambda db, f: altered(db, f.head_state_root),
        lambda f: [("state", f.head_state_root)],
    ),
    "a storage trie node": (
        lambda db, f: altered(db, f.storage_root),
        lambda f: [("state", f.storage_root)],
    ),
    "contract code": (
        lambda db, f: altered(db, f.code_hash),
        lambda f: [("state", f.code_hash)],
    ),
    "the genesis record": (
        lambda db, f: db.put(GENESIS_HASH_KEY, f.block_hash),
        lambda f: [("schema", GENESIS_HASH_KEY)],
    ),
}


@pytest.mark.parametrize("record", ALTERATIONS)
def test_each_kind_of_altered_record_is_named_with_its_check_and_key(
    record: str, copy: Path, facts: Facts
) -> None:
    alter, expected = ALTERATIONS[record]
    with behind_the_nodes_back(copy) as db:
        alter(db, facts)
    assert findings(copy) == expected(facts)


def test_a_deleted_domain_event_is_named_with_its_key(copy: Path) -> None:
    with behind_the_nodes_back(copy) as db:
        event = next(db.iterator(prefix=DOMAIN_EVENT_PREFIX, include_value=False))
        db.delete(event)
    assert findings(copy) == [("domain-index", event)]


def test_a_directory_without_a_domain_index_passes_since_the_node_indexes_it_at_start(
    copy: Path,
) -> None:
    with behind_the_nodes_back(copy) as db:
        for key in list(db.iterator(prefix=DOMAIN_PREFIX, include_value=False)):
            db.delete(key)
    assert findings(copy) == []


def test_a_deleted_log_marker_is_named_with_its_key(copy: Path) -> None:
    with behind_the_nodes_back(copy) as db:
        marker = log_keys_of_block(db, b"dcl:log:t:")[0]
        db.delete(marker)
    assert findings(copy) == [("log-index", marker)]


def test_findings_carry_a_reason(copy: Path, facts: Facts) -> None:
    with behind_the_nodes_back(copy) as db:
        db.delete(tx_lookup_key(facts.tx_hash))
    data = DataDir(copy)
    db = LevelDB(data.chaindata)
    try:
        found = verify_db(db, data.load_genesis()).findings
    finally:
        db.close()
    assert found == [
        Finding(
            "tx-lookup",
            tx_lookup_key(facts.tx_hash),
            f"transaction 0x{facts.tx_hash.hex()} is #0 of block #{BAD};"
            " its lookup entry says otherwise",
        )
    ]


def test_an_imported_ethereum_chain_passes_every_check(tmp_path: Path) -> None:
    imported = run_dcl(
        "import-chain", "--genesis", FIXTURES / "genesis.json", "--datadir", tmp_path / "node",
        FIXTURES / "chain.rlp",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    result = run_dcl("audit", "verify-db", "--datadir", tmp_path / "node")
    assert (result.returncode, result.stdout) == (
        0,
        "verified 21 blocks, 73 transactions; head #20"
        " 0x8f64c4436f7213cfdf02cfb9f45d012f1774dfb329b8803de5e7479b11586902: every check passed\n",
    )
