"""Walking a trie with every node's hash checked against its key."""

from __future__ import annotations

import pytest
import rlp
from eth.constants import BLANK_ROOT_HASH
from eth.db.backends.memory import MemoryDB
from trie import HexaryTrie

from node.audit.trie_walk import TrieDamage, trie_leaves

VALUES = {bytes([i]) * 3: b"value-%d" % i * 4 for i in range(40)}


def stored_trie() -> tuple[MemoryDB, bytes]:
    db = MemoryDB()
    trie = HexaryTrie(db)
    for key, value in VALUES.items():
        trie[key] = value
    return db, trie.root_hash


def test_an_intact_trie_yields_every_value() -> None:
    db, root = stored_trie()
    assert sorted(trie_leaves(db, root)) == sorted(VALUES.values())


def test_the_empty_trie_yields_nothing_and_needs_no_record() -> None:
    assert list(trie_leaves(MemoryDB(), BLANK_ROOT_HASH)) == []


def test_an_altered_node_is_named_by_its_key() -> None:
    db, root = stored_trie()
    victim = next(child for child in rlp.decode(db[root]) if len(child) == 32)
    db[victim] = db[victim][:-1] + bytes([db[victim][-1] ^ 1])
    with pytest.raises(TrieDamage) as raised:
        list(trie_leaves(db, root))
    assert (raised.value.key, raised.value.reason[:22]) == (victim, "trie node hashes to 0x")


def test_a_missing_node_is_named_by_its_key() -> None:
    db, root = stored_trie()
    del db[root]
    with pytest.raises(TrieDamage) as raised:
        list(trie_leaves(db, root))
    assert (raised.value.key, raised.value.reason) == (root, "trie node missing")
