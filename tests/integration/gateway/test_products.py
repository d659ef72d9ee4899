"""Product search over the domain index of a real node: filters, cursor pagination, recognition
and history, with exact results from the market of ``tests.support.gateway_market``."""

from __future__ import annotations

from typing import Any

from tests.support.gateway_market import PORT, RETAIL, TITLES, GatewayMarket, h
from tests.support.market_node import operator, participant


def ids(market: GatewayMarket, **params: str) -> list[int]:
    token = market.gateway.sign_in(participant(3))
    response = market.gateway.get("/v1/products", token, **params)
    assert response.status_code == 200, response.text
    return [item["productId"] for item in response.json()["items"]]


def page(market: GatewayMarket, token: str, **params: str) -> dict[str, Any]:
    response = market.gateway.get("/v1/products", token, **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_text_and_status_filters_combine(market: GatewayMarket) -> None:
    assert ids(market, q="PORT", status="listed") == [1, 4]


def test_each_word_of_the_text_matches_the_beginning_of_a_title_word(
    market: GatewayMarket,
) -> None:
    assert ids(market, q="thr") == [1]
    assert ids(market, q="crane PORT") == [4]
    assert ids(market, q="port daily hourly") == []


def test_the_category_filter_matches_exactly(market: GatewayMarket) -> None:
    assert ids(market, category="0x" + RETAIL.hex()) == [3]
    assert ids(market, category="0x" + PORT.hex()) == [1, 2, 4]


def test_the_rights_filter_needs_every_right_named(market: GatewayMarket) -> None:
    assert ids(market, rights="operation") == [1]
    assert ids(market, rights="processing-use,operation") == [1]
    assert ids(market, rights="holding") == [2]


def test_the_exchange_filter_uses_the_listing_exchange(market: GatewayMarket) -> None:
    assert ids(market, exchange="SHDE") == [1, 2, 3, 4]
    assert ids(market, exchange="SZDE") == []


def test_a_submitted_product_is_found_by_its_status(market: GatewayMarket) -> None:
    assert ids(market, status="submitted") == [2]
    assert ids(market, classification="important") == []


def test_pages_follow_the_cursor_to_the_end(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(3))
    first = page(market, token, rights="processing-use", limit="2")
    assert [p["productId"] for p in first["items"]] == [1, 3]
    second = page(market, token, rights="processing-use", limit="2", cursor=first["next"])
    assert ([p["productId"] for p in second["items"]], second["next"]) == ([4], None)


def test_a_cursor_stays_valid_after_new_blocks(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(3))
    first = page(market, token, q="port", limit="1")
    settlement = market.market.contract("TradeSettlement").functions
    market.market.send(settlement.setFeeSchedule(100, 0), operator("BJIDE"))
    rest = page(market, token, q="port", limit="5", cursor=first["next"])
    assert [p["productId"] for p in rest["items"]] == [2, 4]


def test_a_product_shows_its_terms_recognition_and_history(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(3))
    response = market.gateway.get("/v1/products/1", token)
    assert response.status_code == 200
    product = response.json()
    assert (product["status"], product["listingExchange"], product["version"]) == (
        "listed",
        "SHDE",
        1,
    )
    assert product["terms"]["title"] == TITLES[0]
    assert product["terms"]["rights"] == ["processing-use", "operation"]
    assert (product["terms"]["unitPrice"], product["terms"]["currency"]) == ("1250000", "CNY")
    declined = product["recognition"]["notRecognisedBy"]
    assert [(d["exchange"], d["reasonCode"], d["recordedBy"]) for d in declined] == [
        ("BJIDE", "0x" + h("LOCAL-RULES").hex(), operator("BJIDE").address)
    ]
    assert [e["event"] for e in product["history"]] == [
        "ProductSubmitted",
        "ComplianceAttested",
        "ProductApproved",
        "NonRecognitionRecorded",
    ]


def test_an_unknown_product_is_not_found(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(3))
    response = market.gateway.get("/v1/products/999", token)
    assert (response.status_code, response.json()["type"]) == (404, "urn:dcl:problem:not-found")


def test_a_page_larger_than_the_maximum_is_refused(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(3))
    response = market.gateway.get("/v1/products", token, limit="101")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "query.limit", "message": "expected an integer from 1 to 100"}
    ]


def test_every_bad_parameter_is_named(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(3))
    response = market.gateway.get(
        "/v1/products", token, classification="secret", category="0x12", rights="ownership"
    )
    assert [e["field"] for e in response.json()["errors"]] == [
        "query.rights",
        "query.category",
        "query.classification",
    ]


def test_a_cursor_of_another_listing_is_refused(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(3))
    other = market.gateway.get("/v1/participants", token, limit="1").json()["next"]
    response = market.gateway.get("/v1/products", token, cursor=other)
    assert response.json()["errors"] == [
        {"field": "query.cursor", "message": "not a cursor of this listing (products)"}
    ]
