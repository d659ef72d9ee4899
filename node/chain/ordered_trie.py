"""Roots of a block's transaction and receipt tries, built bottom-up in one pass.

py-evm inserts items into a HexaryTrie one at a time, decoding and re-encoding the nodes on
the path of every insert; for a 500-transaction block that was a fifth of the build time. The
keys of these tries are ``rlp(index)``, all known in advance, so the trie can be built directly
from the sorted keys, as geth's StackTrie does: each node is encoded and hashed exactly once.
The result (root and stored nodes) is identical to py-evm's ``make_trie_root_and_nodes``.
"""

from __future__ import annotations

from collections.abc import Sequence

import rlp
from eth.constants import BLANK_ROOT_HASH
from eth_typing import Hash32
from eth_utils import keccak

Node = list[object]
Nibbles = tuple[int, ...]


def _nibbles(key: bytes) -> Nibbles:
    return tuple(n for byte in key for n in (byte >> 4, byte & 0x0F))


def _hex_prefix(nibbles: Nibbles, leaf: bool) -> bytes:
    flag = 2 if leaf else 0
    if len(nibbles) % 2:
        padded: Nibbles = (flag + 1, *nibbles)
    else:
        padded = (flag, 0, *nibbles)
    return bytes(padded[i] << 4 | padded[i + 1] for i in range(0, len(padded), 2))


def _common_prefix_length(a: Nibbles, b: Nibbles, start: int) -> int:
    length = 0
    limit = min(len(a), len(b)) - start
    while length < limit and a[start + length] == b[start + length]:
        length += 1
    return length


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[Hash32, bytes] = {}

    def reference(self, node: Node) -> object:
        """A child is embedded when its encoding is under 32 bytes, else stored by hash."""
        encoded = rlp.encode(node)
        if len(encoded) < 32:
            return node
        digest = Hash32(keccak(encoded))
        self.nodes[digest] = encoded
        return digest

    def node(self, items: Sequence[tuple[Nibbles, bytes]], depth: int) -> Node:
        if len(items) == 1:
            key, value = items[0]
            return [_hex_prefix(key[depth:], leaf=True), value]
        shared = _common_prefix_length(items[0][0], items[-1][0], depth)
        if shared:
            child = self.node(items, depth + shared)
            return [
                _hex_prefix(items[0][0][depth : depth + shared], leaf=False),
                self.reference(child),
            ]
        branch: list[object] = [b""] * 17
        start = 0
        if len(items[0][0]) == depth:
            branch[16] = items[0][1]
            start = 1
        while start < len(items):
            nibble = items[start][0][depth]
            end = start
            while end < len(items) and items[end][0][depth] == nibble:
                end += 1
            branch[nibble] = self.reference(self.node(items[start:end], depth + 1))
            start = end
        return branch


def ordered_trie_root_and_nodes(
    encoded_items: Sequence[bytes],
) -> tuple[Hash32, dict[Hash32, bytes]]:
    """Root of the trie mapping ``rlp(i)`` to ``encoded_items[i]``, and its nodes by hash."""
    if not encoded_items:
        return BLANK_ROOT_HASH, {}
    items = sorted((_nibbles(rlp.encode(index)), item) for index, item in enumerate(encoded_items))
    builder = _Builder()
    root = rlp.encode(builder.node(items, 0))
    root_hash = Hash32(keccak(root))
    builder.nodes[root_hash] = root
    return root_hash, builder.nodes
