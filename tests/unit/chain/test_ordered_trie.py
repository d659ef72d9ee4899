"""The one-pass trie builder gives exactly py-evm's transaction/receipt trie: root and nodes."""

from __future__ import annotations

from eth.constants import BLANK_ROOT_HASH
from eth.db.trie import _make_trie_root_and_nodes
from hypothesis import given, settings
from hypothesis import strategies as st

from node.chain.ordered_trie import ordered_trie_root_and_nodes


def test_an_empty_list_has_the_blank_root_and_no_nodes() -> None:
    assert ordered_trie_root_and_nodes([]) == (BLANK_ROOT_HASH, {})


def test_a_single_short_item_is_stored_under_the_root_hash() -> None:
    root, nodes = ordered_trie_root_and_nodes([b"\x01"])
    assert (root, nodes) == _make_trie_root_and_nodes((b"\x01",))
    assert list(nodes) == [root]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=80), max_size=300))
def test_root_and_nodes_equal_py_evms_for_any_items(items: list[bytes]) -> None:
    assert ordered_trie_root_and_nodes(items) == _make_trie_root_and_nodes(tuple(items))


def test_root_and_nodes_equal_py_evms_across_the_single_byte_key_boundary() -> None:
    items = tuple(index.to_bytes(2, "big") * 20 for index in range(300))
    assert ordered_trie_root_and_nodes(items) == _make_trie_root_and_nodes(items)
