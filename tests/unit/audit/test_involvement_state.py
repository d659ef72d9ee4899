"""``Involvement``'s memory survives a round trip through the manifest's JSON."""

from __future__ import annotations

import json

import pytest

from client.domain_events import Involvement
from node.audit.involvement_state import dump_involvement, load_involvement

KNOWN = Involvement(
    orders={7: (frozenset({"SHDE", "SZDE"}), frozenset({"0xAa", "0xBb"}))},
    products={3: ("SHDE", "0xBb")},
    grants={2: (frozenset({"SHDE"}), frozenset({"0xAa"}))},
    participants={"0xAa": "SZDE"},
    proposals={1: "BJIDE"},
)


def test_involvement_reads_back_equal_after_json() -> None:
    text = json.dumps(dump_involvement(KNOWN))
    assert load_involvement(json.loads(text)) == KNOWN


def test_involvement_json_lists_sets_sorted() -> None:
    assert dump_involvement(KNOWN)["orders"] == {"7": [["SHDE", "SZDE"], ["0xAa", "0xBb"]]}


def test_malformed_involvement_state_is_refused() -> None:
    with pytest.raises(ValueError, match="malformed involvement state"):
        load_involvement({"orders": {"x": [[], []]}})
