"""A data directory is bound to one genesis: written once, checked on every reopen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import rlp
from eth.vm.forks.prague.blocks import PragueBlockHeader
from eth_hash.auto import keccak

from node.chain.extra_data import QbftExtraData, encode_extra_data
from node.chain.genesis import Genesis, genesis_state_root, parse_genesis, qbft_genesis_header
from node.chain.ledger import GenesisMismatchError, Ledger
from node.storage.leveldb import LevelDB
from node.storage.schema import CHAIN_ID_KEY, GENESIS_HASH_KEY, SCHEMA_VERSION_KEY

OpenLeveldb = Callable[[str], LevelDB]
DbItems = Callable[[LevelDB], dict[bytes, bytes]]

FUNDED = bytes.fromhex("fe3b557e8fb62b89f4916b721be55ceb828dbd73")


def with_alloc(document: dict[str, Any]) -> dict[str, Any]:
    document["alloc"] = {
        "0x" + FUNDED.hex(): {"balance": "0x64", "nonce": "0x2"},
        "0x" + "aa" * 20: {"code": "0x6000", "storage": {"0x01": "0x07"}},
    }
    return document


def test_a_new_data_directory_gets_the_genesis_block_as_its_head(
    open_leveldb: OpenLeveldb, genesis: Genesis
) -> None:
    ledger = Ledger(open_leveldb("node"), genesis)
    expected = qbft_genesis_header(genesis, genesis_state_root(genesis.alloc))
    assert ledger.head() == expected
    assert ledger.head().hash == expected.hash
    assert ledger.genesis_hash == expected.hash
    assert ledger.header_by_number(0) == expected


def test_a_new_data_directory_records_schema_chain_id_and_genesis_hash(
    open_leveldb: OpenLeveldb, genesis: Genesis
) -> None:
    db = open_leveldb("node")
    ledger = Ledger(db, genesis)
    assert db[SCHEMA_VERSION_KEY] == b"2"
    assert db[CHAIN_ID_KEY] == b"1337"
    assert db[GENESIS_HASH_KEY] == ledger.genesis_hash


def test_the_genesis_alloc_is_the_state_after_genesis(
    open_leveldb: OpenLeveldb, genesis_document: dict[str, Any]
) -> None:
    ledger = Ledger(open_leveldb("node"), parse_genesis(with_alloc(genesis_document)))
    state = ledger.state_at(ledger.head())
    assert state.get_balance(FUNDED) == 100
    assert state.get_nonce(FUNDED) == 2
    assert state.get_code(b"\xaa" * 20) == b"\x60\x00"
    assert state.get_storage(b"\xaa" * 20, 1) == 7


def test_reopening_with_the_same_genesis_keeps_the_stored_chain_unchanged(
    open_leveldb: OpenLeveldb, genesis: Genesis, db_items: DbItems
) -> None:
    db = open_leveldb("node")
    first = Ledger(db, genesis)
    stored = db_items(db)
    db.close()
    reopened_db = open_leveldb("node")
    reopened = Ledger(reopened_db, genesis)
    assert reopened.genesis_hash == first.genesis_hash
    assert reopened.head().hash == first.genesis_hash
    assert db_items(reopened_db) == stored


def test_a_second_ledger_on_an_initialised_database_writes_nothing(
    open_leveldb: OpenLeveldb, genesis: Genesis, db_items: DbItems
) -> None:
    db = open_leveldb("node")
    Ledger(db, genesis)
    stored = db_items(db)
    Ledger(db, genesis)
    assert db_items(db) == stored


def test_reopening_with_another_alloc_raises_genesis_mismatch(
    open_leveldb: OpenLeveldb, genesis: Genesis, genesis_document: dict[str, Any]
) -> None:
    db = open_leveldb("node")
    stored_hash = Ledger(db, genesis).genesis_hash
    other = parse_genesis(with_alloc(genesis_document))
    other_hash = qbft_genesis_header(other, genesis_state_root(other.alloc)).hash
    with pytest.raises(GenesisMismatchError) as refused:
        Ledger(db, other)
    assert str(refused.value) == (
        f"{db.path} holds chain 1337 with genesis 0x{stored_hash.hex()},"
        f" not chain 1337 with genesis 0x{other_hash.hex()}"
    )


def test_reopening_with_another_chain_id_raises_genesis_mismatch(
    open_leveldb: OpenLeveldb, genesis: Genesis, genesis_document: dict[str, Any]
) -> None:
    db = open_leveldb("node")
    Ledger(db, genesis)
    genesis_document["config"]["chainId"] = 1338
    with pytest.raises(GenesisMismatchError, match=r"holds chain 1337 .* not chain 1338"):
        Ledger(db, parse_genesis(genesis_document))


def test_reopening_with_another_validator_set_raises_genesis_mismatch(
    open_leveldb: OpenLeveldb,
    genesis: Genesis,
    genesis_document: dict[str, Any],
    validator: bytes,
) -> None:
    db = open_leveldb("node")
    Ledger(db, genesis)
    two_validators = QbftExtraData(b"\x00" * 32, (validator, b"\x02" * 20), None, 0, ())
    genesis_document["extraData"] = "0x" + encode_extra_data(two_validators).hex()
    with pytest.raises(GenesisMismatchError):
        Ledger(db, parse_genesis(genesis_document))


def test_a_refused_reopen_writes_nothing(
    open_leveldb: OpenLeveldb, genesis: Genesis, genesis_document: dict[str, Any], db_items: DbItems
) -> None:
    db = open_leveldb("node")
    Ledger(db, genesis)
    stored = db_items(db)
    with pytest.raises(GenesisMismatchError):
        Ledger(db, parse_genesis(with_alloc(genesis_document)))
    assert db_items(db) == stored


def test_a_genesis_without_qbft_starts_an_ethereum_chain_hashed_the_ethereum_way(
    open_leveldb: OpenLeveldb, genesis_document: dict[str, Any]
) -> None:
    del genesis_document["config"]["qbft"]
    ledger = Ledger(open_leveldb("node"), parse_genesis(genesis_document))
    head = ledger.head()
    assert type(head) is PragueBlockHeader
    assert head.hash == keccak(rlp.encode(head))
    assert ledger.validators_after(head) == ()
