"""Importing an Ethereum (non-QBFT) chain into a ledger: real LevelDB, real py-evm."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from eth.abc import BlockAPI

from node.chain.chain_file import decode_block, split_blocks
from node.chain.genesis import load_genesis
from node.chain.ledger import InvalidBlockError, Ledger
from node.storage.leveldb import LevelDB

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rpc-compat"
GENESIS_HASH = "414c637788e37e9f65ed2c6ee962d32aeea39722ad50ee764e712fabebd69118"
HEAD_HASH = "8f64c4436f7213cfdf02cfb9f45d012f1774dfb329b8803de5e7479b11586902"


@pytest.fixture
def ledger(open_leveldb: Callable[[str], LevelDB]) -> Ledger:
    return Ledger(open_leveldb("node"), load_genesis(FIXTURES / "genesis.json"))


def blocks(ledger: Ledger) -> list[BlockAPI]:
    data = (FIXTURES / "chain.rlp").read_bytes()
    return [decode_block(item, offset, ledger) for offset, item in split_blocks(data)]


def test_the_geth_genesis_gets_geths_genesis_hash(ledger: Ledger) -> None:
    assert ledger.head().hash.hex() == GENESIS_HASH


def test_importing_every_block_reaches_the_recorded_head(ledger: Ledger) -> None:
    for block in blocks(ledger):
        ledger.import_ethereum_block(block)
    assert (ledger.head().block_number, ledger.head().hash.hex()) == (20, HEAD_HASH)


def test_total_difficulty_stops_growing_at_the_merge(ledger: Ledger) -> None:
    for block in blocks(ledger):
        ledger.import_ethereum_block(block)
    assert ledger.total_difficulty(ledger.head()) == 0x20000


def test_a_block_that_does_not_extend_the_head_is_refused_and_writes_nothing(
    ledger: Ledger, db_items: Callable[[LevelDB], dict[bytes, bytes]]
) -> None:
    second = blocks(ledger)[1]
    before = db_items(ledger.db)
    with pytest.raises(InvalidBlockError) as error:
        ledger.import_ethereum_block(second)
    assert str(error.value) == (
        f"block #2 is invalid: its parent 0x{second.header.parent_hash.hex()} is not the head #0"
    )
    assert db_items(ledger.db) == before


def test_a_block_executing_to_another_state_is_refused_and_writes_nothing(
    ledger: Ledger, db_items: Callable[[LevelDB], dict[bytes, bytes]]
) -> None:
    first = blocks(ledger)[0]
    forged = first.copy(header=first.header.copy(gas_used=first.header.gas_used + 1))
    before = db_items(ledger.db)
    with pytest.raises(InvalidBlockError) as error:
        ledger.import_ethereum_block(forged)
    assert error.value.number == 1
    assert db_items(ledger.db) == before
    assert ledger.head().hash.hex() == GENESIS_HASH


def test_a_proof_of_work_block_after_the_terminal_difficulty_is_refused(ledger: Ledger) -> None:
    first = blocks(ledger)[0]
    mined = first.copy(header=first.header.copy(difficulty=1))
    with pytest.raises(InvalidBlockError) as error:
        ledger.import_ethereum_block(mined)
    assert str(error.value) == (
        "block #1 is invalid: proof-of-work block (difficulty 1) after the terminal total"
        " difficulty 131072"
    )
