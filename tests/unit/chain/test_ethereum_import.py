"""Importing an Ethereum (non-QBFT) chain into a ledger: real LevelDB, real py-evm."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from eth.abc import BlockAPI
from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth_keys import keys

from node.chain.chain_file import decode_block, split_blocks
from node.chain.ethereum_chain import ethereum_genesis_header, make_ethereum_chain_class
from node.chain.ethereum_vms import vm_class_for
from node.chain.genesis import Genesis, genesis_state_root, load_genesis, parse_genesis
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


POW_SENDER_KEY = keys.PrivateKey(b"\x01" * 32)
POW_GENESIS: dict[str, Any] = {
    "config": {
        "chainId": 7,
        "homesteadBlock": 0,
        "eip150Block": 0,
        "eip155Block": 2,
        "eip158Block": 2,
        "byzantiumBlock": 3,
        "constantinopleBlock": 3,
        "petersburgBlock": 3,
        "istanbulBlock": 4,
        "berlinBlock": 5,
        "londonBlock": 6,
    },
    "difficulty": "0x20000",
    "gasLimit": "0x1000000",
    "alloc": {POW_SENDER_KEY.public_key.to_canonical_address().hex(): {"balance": hex(10**20)}},
}


def mine_pow_chain(genesis: Genesis, blocks: int) -> list[BlockAPI]:
    """Blocks mined by py-evm's own MiningChain under the same schedule, one transfer each."""
    assert genesis.forks is not None
    numbered = dict((number, vm_class_for(fork)) for number, fork in genesis.forks.blocks)
    mining = MiningChain.configure(vm_configuration=tuple(numbered.items()), chain_id=7)
    db = AtomicDB()
    header = ethereum_genesis_header(
        make_ethereum_chain_class(genesis, genesis.forks),
        genesis,
        genesis_state_root(genesis.alloc, db),
    )
    chain = mining.from_genesis_header(db, header)
    mined = []
    for nonce in range(blocks):
        unsigned = chain.get_vm().create_unsigned_transaction(
            nonce=nonce, gas_price=10**10, gas=21_000, to=b"\x02" * 20, value=1, data=b""
        )
        chain.apply_transaction(unsigned.as_signed_transaction(POW_SENDER_KEY))
        mined.append(chain.mine_block(mix_hash=b"\x00" * 32, nonce=b"\x00" * 8))
    return mined


def test_a_proof_of_work_chain_across_six_forks_imports_to_the_mined_head(
    open_leveldb: Callable[[str], LevelDB],
) -> None:
    genesis = parse_genesis(POW_GENESIS)
    mined = mine_pow_chain(genesis, blocks=8)
    ledger = Ledger(open_leveldb("pow"), genesis)
    for block in mined:
        ledger.import_ethereum_block(block)
    head = ledger.head()
    assert (head.block_number, head.hash) == (8, mined[-1].hash)
    assert [type(ledger.block(ledger.header_by_number(n) or head)).__name__ for n in (1, 3, 6)] == [
        "HomesteadBlock",
        "PetersburgBlock",
        "LondonBlock",
    ]
    assert ledger.total_difficulty(head) == 0x20000 + sum(b.header.difficulty for b in mined)
