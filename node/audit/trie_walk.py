"""Walking a Merkle Patricia trie node by node, checking that each stored node hashes to the
key it is stored under.

If every node reachable from a root hashes to its key, the trie's contents are exactly those
the root commits to: a record altered behind the node's back shows as the first node whose
hash is wrong, or as a node that is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import rlp
from eth.abc import DatabaseAPI
from eth.constants import BLANK_ROOT_HASH
from eth_utils import keccak
from rlp.exceptions import RLPException

_BRANCH_LENGTH = 17
_HASH_LENGTH = 32


class TrieDamage(ValueError):
    """A node reachable from the root is missing, does not hash to its key, or is no node."""

    def __init__(self, key: bytes, reason: str) -> None:
        super().__init__(f"0x{key.hex()}: {reason}")
        self.key = key
        self.reason = reason


def trie_leaves(db: DatabaseAPI, root: bytes) -> Iterator[bytes]:
    """The values of the trie under ``root``, each node's hash checked on the way."""
    if root == BLANK_ROOT_HASH:
        return
    yield from _walk(_load(db, root), root, db)


def _load(db: DatabaseAPI, key: bytes) -> Any:
    try:
        encoded = db[key]
    except KeyError:
        raise TrieDamage(key, "trie node missing") from None
    if keccak(encoded) != key:
        raise TrieDamage(key, f"trie node hashes to 0x{keccak(encoded).hex()}")
    try:
        return rlp.decode(encoded)
    except RLPException as error:
        raise TrieDamage(key, f"trie node is not RLP: {error}") from error


def _walk(node: Any, key: bytes, db: DatabaseAPI) -> Iterator[bytes]:
    if not isinstance(node, list) or len(node) not in (2, _BRANCH_LENGTH):
        raise TrieDamage(key, "not a trie node")
    if len(node) == _BRANCH_LENGTH:
        for child in node[:16]:
            yield from _child(child, key, db)
        if node[16]:
            yield node[16]
        return
    path, value = node
    if not isinstance(path, bytes) or not path:
        raise TrieDamage(key, "trie node without a path")
    if path[0] >> 4 >= 2:  # hex-prefix flag: a leaf
        yield value
    else:
        yield from _child(value, key, db)


def _child(reference: Any, parent: bytes, db: DatabaseAPI) -> Iterator[bytes]:
    """A child is empty, a 32-byte hash of a stored node, or a node under 32 bytes inlined."""
    if reference == b"":
        return
    if isinstance(reference, list):
        yield from _walk(reference, parent, db)
    elif isinstance(reference, bytes) and len(reference) == _HASH_LENGTH:
        yield from _walk(_load(db, reference), reference, db)
    else:
        raise TrieDamage(parent, "trie node with a malformed child reference")
