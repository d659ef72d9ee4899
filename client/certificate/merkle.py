"""Merkle-Patricia proofs walked from a trusted root, as an offline verifier needs them.

A proof is the list of RLP-encoded trie nodes on the path to a key, root first, as
``eth_getProof`` writes it: a node shorter than 32 bytes is embedded in its parent and not
listed. The walk is strict: the first node must hash to the root, every further node must be
the one its parent references by hash, and every listed node must be used, so a proof has
exactly one accepted form and a changed byte anywhere in it is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

import rlp
from eth_utils import keccak
from rlp.exceptions import DecodingError

BLANK_ROOT = keccak(rlp.encode(b""))
_BRANCH_WIDTH = 17
_HASH_LENGTH = 32


class ProofError(ValueError):
    """The proof does not connect the key to the root."""


def _nibbles(data: bytes) -> tuple[int, ...]:
    return tuple(n for byte in data for n in (byte >> 4, byte & 0x0F))


def _decode_path(encoded: object) -> tuple[tuple[int, ...], bool]:
    """Hex-prefix decoding: the nibbles of a leaf or extension path and whether it is a leaf."""
    if not isinstance(encoded, bytes) or not encoded:
        raise ProofError("trie node path is not a byte string")
    nibbles = _nibbles(encoded)
    flag = nibbles[0]
    if flag > 3 or (flag in (0, 2) and nibbles[1] != 0):
        raise ProofError("trie node path has a bad hex-prefix flag")
    return nibbles[2:] if flag in (0, 2) else nibbles[1:], flag >= 2


def _decode_node(encoded: bytes) -> list[object]:
    try:
        node = rlp.decode(encoded, strict=True)
    except DecodingError as error:
        raise ProofError(f"trie node is not RLP: {error}") from error
    if not isinstance(node, list) or len(node) not in (2, _BRANCH_WIDTH):
        raise ProofError("trie node is neither a branch nor a leaf or extension")
    return node


def proven_value(root: bytes, key: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The value stored under ``key`` in the trie of ``root``, or None if the proof shows the
    key is absent; :class:`ProofError` if the proof does not establish either."""
    if root == BLANK_ROOT and not proof:
        return None
    if not proof:
        raise ProofError("empty proof for a non-empty trie")
    path = _nibbles(key)
    remaining = list(proof)
    node = _take(remaining, root)
    position = 0
    while True:
        if len(node) == _BRANCH_WIDTH:
            if position == len(path):
                return _finish(remaining, node[16])
            child = node[path[position]]
            position += 1
        else:
            node_path, is_leaf = _decode_path(node[0])
            if is_leaf:
                found = path[position:] == node_path
                return _finish(remaining, node[1] if found else b"")
            if path[position : position + len(node_path)] != node_path:
                return _finish(remaining, b"")
            position += len(node_path)
            child = node[1]
        if child == b"":
            return _finish(remaining, b"")
        if isinstance(child, list):
            if len(rlp.encode(child)) >= _HASH_LENGTH:
                raise ProofError("an embedded trie node must be shorter than 32 bytes")
            node = child
        elif isinstance(child, bytes) and len(child) == _HASH_LENGTH:
            node = _take(remaining, child)
        else:
            raise ProofError("trie node references a child that is neither a hash nor a node")


def _take(remaining: list[bytes], expected_hash: bytes) -> list[object]:
    if not remaining:
        raise ProofError("proof ends before the key's path does")
    encoded = remaining.pop(0)
    if keccak(encoded) != expected_hash:
        raise ProofError(f"trie node 0x{keccak(encoded).hex()} is not the one referenced")
    return _decode_node(encoded)


def _finish(remaining: list[bytes], value: object) -> bytes | None:
    if remaining:
        raise ProofError(f"{len(remaining)} proof nodes left unused")
    if not isinstance(value, bytes):
        raise ProofError("trie value is not a byte string")
    return value or None
