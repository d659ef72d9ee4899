"""Merkle proofs of accounts and storage slots against a state root (eth_getProof, EIP-1186).

A proof lists the trie nodes on the path from the root to the key, each RLP-encoded, as geth
writes them: nodes shorter than 32 bytes are embedded in their parent rather than referenced
by hash, so they are not listed separately (the root always is).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import rlp
from eth.constants import BLANK_ROOT_HASH
from eth.rlp.accounts import Account
from eth_hash.auto import keccak
from eth_typing import Address, Hash32
from rlp.sedes import big_endian_int
from trie import HexaryTrie

_HASHED_NODE_BYTES = 32


@dataclass(frozen=True)
class StorageProof:
    slot: int
    value: int
    proof: tuple[bytes, ...]


@dataclass(frozen=True)
class AccountProof:
    address: Address
    balance: int
    code_hash: Hash32
    nonce: int
    storage_hash: Hash32
    account_proof: tuple[bytes, ...]
    storage_proofs: tuple[StorageProof, ...]


def trie_proof(db: Mapping[bytes, bytes], root: Hash32, key: bytes) -> tuple[bytes, ...]:
    """The encoded nodes proving ``key``'s value (or its absence) under ``root``."""
    if root == BLANK_ROOT_HASH:
        return ()
    nodes = HexaryTrie(db, root).get_proof(key)
    encoded = [rlp.encode(node) for node in nodes]
    return tuple(
        node for index, node in enumerate(encoded) if index == 0 or len(node) >= _HASHED_NODE_BYTES
    )


def prove_account(
    db: Mapping[bytes, bytes], state_root: Hash32, address: Address, slots: Sequence[int]
) -> AccountProof:
    """An account's fields and proof, with a proof of each slot against its storage root; an
    absent account proves its absence and reads as empty."""
    account_key = keccak(address)
    encoded = HexaryTrie(db, state_root).get(account_key)
    account = rlp.decode(encoded, sedes=Account) if encoded else Account(0, 0)
    storage_root = Hash32(account.storage_root)
    storage = HexaryTrie(db, storage_root)
    proofs = []
    for slot in slots:
        slot_key = keccak(slot.to_bytes(32, "big"))
        value = storage.get(slot_key) if storage_root != BLANK_ROOT_HASH else b""
        proofs.append(
            StorageProof(
                slot=slot,
                value=rlp.decode(value, sedes=big_endian_int) if value else 0,
                proof=trie_proof(db, storage_root, slot_key),
            )
        )
    return AccountProof(
        address=address,
        balance=account.balance,
        code_hash=Hash32(account.code_hash),
        nonce=account.nonce,
        storage_hash=storage_root,
        account_proof=trie_proof(db, state_root, account_key),
        storage_proofs=tuple(proofs),
    )
