"""EIP-1186 proofs: each one is checked by walking it from the state root, as a verifier
holding only the header would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rlp
from eth.constants import BLANK_ROOT_HASH
from eth.rlp.accounts import Account
from eth_hash.auto import keccak
from eth_typing import Address
from rlp.sedes import big_endian_int
from trie import HexaryTrie

from node.chain.chain_file import decode_block, split_blocks
from node.chain.genesis import load_genesis
from node.chain.ledger import Ledger
from node.chain.proofs import prove_account
from node.storage.leveldb import LevelDB

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rpc-compat"
CONTRACT = Address(bytes.fromhex("7dcd17433742f4c0ca53122ab541d0ba67fc27df"))
ABSENT = Address(bytes.fromhex("c1cadaffffffffffffffffffffffffffffffffff"))


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    db = LevelDB(tmp_path_factory.mktemp("proofs") / "node")
    ledger = Ledger(db, load_genesis(FIXTURES / "genesis.json"))
    data = (FIXTURES / "chain.rlp").read_bytes()
    for offset, item in split_blocks(data):
        ledger.import_ethereum_block(decode_block(item, offset, ledger))
    yield ledger
    db.close()


def verified(root: bytes, key: bytes, proof: tuple[bytes, ...]) -> bytes:
    """The value a proof shows under ``root`` (empty for an absent key)."""
    nodes = tuple(rlp.decode(node) for node in proof)
    result: bytes = HexaryTrie.get_from_proof(root, key, nodes)
    return result


def test_an_account_proof_walks_from_the_state_root_to_the_account(ledger: Ledger) -> None:
    root = ledger.head().state_root
    proof = prove_account(ledger.db, root, CONTRACT, [])
    account = rlp.decode(verified(root, keccak(CONTRACT), proof.account_proof), sedes=Account)
    assert (account.balance, account.nonce) == (proof.balance, proof.nonce) == (0x3F, 0)
    assert account.storage_root == proof.storage_hash
    assert (
        account.code_hash
        == proof.code_hash
        == keccak(ledger.state_at(ledger.head()).get_code(CONTRACT))
    )


def test_a_storage_proof_walks_from_the_storage_root_to_the_value(ledger: Ledger) -> None:
    root = ledger.head().state_root
    (slot,) = prove_account(ledger.db, root, CONTRACT, [0]).storage_proofs
    storage_root = prove_account(ledger.db, root, CONTRACT, []).storage_hash
    value = verified(storage_root, keccak((0).to_bytes(32, "big")), slot.proof)
    assert rlp.decode(value, sedes=big_endian_int) == slot.value == 0x1C


def test_a_missing_account_reads_empty_and_its_proof_shows_absence(ledger: Ledger) -> None:
    root = ledger.head().state_root
    proof = prove_account(ledger.db, root, ABSENT, [1])
    assert (proof.balance, proof.nonce, proof.storage_hash) == (0, 0, BLANK_ROOT_HASH)
    assert proof.code_hash == keccak(b"")
    assert verified(root, keccak(ABSENT), proof.account_proof) == b""
    assert [(s.slot, s.value, s.proof) for s in proof.storage_proofs] == [(1, 0, ())]


def test_no_listed_node_but_the_root_is_shorter_than_a_hash(ledger: Ledger) -> None:
    proof = prove_account(ledger.db, ledger.head().state_root, CONTRACT, [0, 1, 2])
    nodes = [*proof.account_proof[1:], *(n for s in proof.storage_proofs for n in s.proof[1:])]
    assert all(len(node) >= 32 for node in nodes)


def test_a_proof_at_an_earlier_block_proves_that_blocks_state(ledger: Ledger) -> None:
    header = ledger.header_by_number(2)
    assert header is not None
    proof = prove_account(ledger.db, header.state_root, CONTRACT, [])
    encoded = verified(header.state_root, keccak(CONTRACT), proof.account_proof)
    assert rlp.decode(encoded, sedes=Account).balance == ledger.state_at(header).get_balance(
        CONTRACT
    )
