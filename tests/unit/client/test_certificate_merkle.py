"""The verifier's strict Merkle-Patricia walk accepts exactly the proofs the node writes
(account, storage, and rlp(index) tries with embedded nodes) and nothing else."""

from __future__ import annotations

import pytest
import rlp
from eth.db.account import AccountDB
from eth.db.atomic import AtomicDB
from eth_typing import Address
from eth_utils import keccak

from client.certificate.merkle import BLANK_ROOT, ProofError, proven_value
from node.chain.ordered_trie import ordered_trie_root_and_nodes
from node.chain.proofs import prove_account, trie_proof

CONTRACT = Address(b"\xdc" * 20)
SLOTS = {1: 7, 2: 2**200, 0xABCDEF: 1}


@pytest.fixture(scope="module")
def state() -> tuple[AtomicDB, bytes]:
    db = AtomicDB()
    accounts = AccountDB(db)
    for index in range(40):
        accounts.set_balance(Address(keccak(bytes([index]))[:20]), index + 1)
    for slot, value in SLOTS.items():
        accounts.set_storage(CONTRACT, slot, value)
    accounts.persist()
    return db, accounts.state_root


def test_an_account_proof_proves_the_account(state: tuple[AtomicDB, bytes]) -> None:
    db, root = state
    proof = prove_account(db, root, CONTRACT, [])
    account = proven_value(root, keccak(CONTRACT), proof.account_proof)
    assert account is not None
    assert rlp.decode(account)[2] == proof.storage_hash


def test_storage_proofs_prove_each_value(state: tuple[AtomicDB, bytes]) -> None:
    db, root = state
    proof = prove_account(db, root, CONTRACT, list(SLOTS))
    for entry in proof.storage_proofs:
        value = proven_value(
            proof.storage_hash, keccak(entry.slot.to_bytes(32, "big")), entry.proof
        )
        assert value == rlp.encode(SLOTS[entry.slot])


def test_an_absent_slot_is_proven_absent(state: tuple[AtomicDB, bytes]) -> None:
    db, root = state
    [entry] = prove_account(db, root, CONTRACT, [99]).storage_proofs
    storage_root = prove_account(db, root, CONTRACT, []).storage_hash
    assert proven_value(storage_root, keccak((99).to_bytes(32, "big")), entry.proof) is None


def test_every_index_of_an_ordered_trie_with_embedded_nodes_is_proven() -> None:
    items = [bytes([i % 7]) * (1 + i % 40) for i in range(300)]
    root, nodes = ordered_trie_root_and_nodes(items)
    for index, item in enumerate(items):
        assert (
            proven_value(root, rlp.encode(index), trie_proof(nodes, root, rlp.encode(index)))
            == item
        )


def test_a_proof_with_an_unused_node_is_refused(state: tuple[AtomicDB, bytes]) -> None:
    db, root = state
    proof = prove_account(db, root, CONTRACT, []).account_proof
    with pytest.raises(ProofError, match="1 proof nodes left unused"):
        proven_value(root, keccak(CONTRACT), (*proof, proof[-1]))


def test_a_proof_against_another_root_is_refused(state: tuple[AtomicDB, bytes]) -> None:
    db, root = state
    proof = prove_account(db, root, CONTRACT, []).account_proof
    with pytest.raises(ProofError, match="is not the one referenced"):
        proven_value(keccak(b"another root"), keccak(CONTRACT), proof)


def test_a_truncated_proof_is_refused(state: tuple[AtomicDB, bytes]) -> None:
    db, root = state
    proof = prove_account(db, root, CONTRACT, []).account_proof
    with pytest.raises(ProofError, match="proof ends before the key's path does"):
        proven_value(root, keccak(CONTRACT), proof[:-1])


def test_the_empty_trie_proves_every_key_absent() -> None:
    assert proven_value(BLANK_ROOT, b"\x80", ()) is None
