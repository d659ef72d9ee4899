"""Query parameters and cursors read into typed values, each mistake named."""

from __future__ import annotations

import base64
import json

import pytest

from node.gateway.limits import GatewayLimits
from node.gateway.params import Query, make_cursor
from node.gateway.problems import Problem


def errors(query: Query) -> list[tuple[str, str]]:
    with pytest.raises(Problem) as caught:
        query.check()
    return [(e.field, e.message) for e in caught.value.errors]


def forged(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def test_a_cursor_reads_back_where_its_listing_stopped() -> None:
    query = Query({"cursor": make_cursor("products", 41)}, GatewayLimits())
    assert query.cursor("products") == 41


@pytest.mark.parametrize(
    "cursor",
    [forged({"of": "products", "after": [1]}), forged({"of": "products", "after": 2**256}),
     forged({"of": "products", "after": True}), "%%%", forged([1, 2])],
)  # fmt: skip
def test_a_forged_cursor_is_refused(cursor: str) -> None:
    query = Query({"cursor": cursor}, GatewayLimits())
    assert query.cursor("products") is None
    assert errors(query) == [("query.cursor", "not a cursor of this listing (products)")]


def test_an_account_cursor_must_hold_an_address() -> None:
    query = Query({"cursor": make_cursor("participants", 5)}, GatewayLimits())
    assert query.address_cursor("participants") is None
    assert errors(query) == [("query.cursor", "not a cursor of this listing (participants)")]


def test_the_page_size_has_a_default_and_a_maximum() -> None:
    assert Query({}, GatewayLimits()).limit() == 20
    query = Query({"limit": "0"}, GatewayLimits(max_page_size=50))
    query.limit()
    assert errors(query) == [("query.limit", "expected an integer from 1 to 50")]


def test_unicode_digits_are_not_numbers() -> None:
    query = Query({"product": "²"}, GatewayLimits())
    assert query.integer("product") is None
    assert errors(query) == [
        ("query.product", f"expected a decimal integer from 0 to {2**256 - 1}")
    ]
