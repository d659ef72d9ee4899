"""The server-sent event stream of a real node's gateway: filters, resumption and visibility."""

from __future__ import annotations

from tests.support.gateway import replayed_events
from tests.support.gateway_market import GatewayMarket
from tests.support.market_node import participant

PRODUCT_ONE = [
    "ProductSubmitted",
    "ComplianceAttested",
    "ProductApproved",
    "NonRecognitionRecorded",
]


def test_a_product_stream_replays_its_events_in_chain_order(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(market.buyer)
    events = replayed_events(market.gateway, token, product="1")
    assert [e["event"] for e in events] == PRODUCT_ONE
    assert [e["data"]["event"] for e in events] == PRODUCT_ONE
    assert [int(e["id"]) for e in events] == sorted(int(e["id"]) for e in events)


def test_a_stream_resumes_after_the_last_event_id(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(market.buyer)
    events = replayed_events(market.gateway, token, product="1")
    resumed = replayed_events(market.gateway, token, last_event_id=events[1]["id"], product="1")
    assert [e["id"] for e in resumed] == [e["id"] for e in events[2:]]


def test_a_stream_starts_from_a_block(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(market.buyer)
    events = replayed_events(market.gateway, token, product="1")
    later = replayed_events(
        market.gateway, token, product="1", fromBlock=str(events[-1]["data"]["block"])
    )
    assert [e["event"] for e in later] == ["NonRecognitionRecorded"]


def test_the_parties_see_an_orders_events(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(market.buyer)
    events = replayed_events(market.gateway, token, order=str(market.order))
    assert [e["event"] for e in events] == ["OrderCreated", "OrderAccepted"]


def test_others_do_not_see_an_orders_events(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(2))
    assert replayed_events(market.gateway, token, order=str(market.order)) == []


def test_a_party_filter_shows_others_only_the_public_events(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(2))
    events = replayed_events(market.gateway, token, party=market.buyer.address)
    assert [e["event"] for e in events] == ["ParticipantRegistered"]


def test_a_bad_last_event_id_is_refused(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(market.buyer)
    response = market.gateway.session.get(
        market.gateway.url + "/v1/events",
        headers={"Authorization": f"Bearer {token}", "Last-Event-ID": "yesterday"},
        timeout=60,
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "header.Last-Event-ID", "message": "expected an event id from this stream"}
    ]
