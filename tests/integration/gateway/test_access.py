"""Who reads what: an order or an authorization is visible to its parties, the exchanges
involved and regulators, and answered as not found to anyone else (a real node, real
tokens)."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount

from tests.support.gateway_market import GatewayMarket
from tests.support.market_node import operator, participant, regulator


def order_status(market: GatewayMarket, account: LocalAccount) -> int:
    token = market.gateway.sign_in(account)
    return market.gateway.get(f"/v1/orders/{market.order}", token).status_code


def listed_orders(market: GatewayMarket, account: LocalAccount) -> list[int]:
    token = market.gateway.sign_in(account)
    response = market.gateway.get("/v1/orders", token)
    assert response.status_code == 200
    return [item["orderId"] for item in response.json()["items"]]


def test_the_buyer_reads_its_order_with_state_and_events(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(market.buyer)
    response = market.gateway.get(f"/v1/orders/{market.order}", token)
    assert response.status_code == 200
    order = response.json()
    assert (order["buyer"], order["seller"], order["productId"]) == (
        market.buyer.address,
        market.seller.address,
        1,
    )
    assert (order["buyerExchange"], order["sellerExchange"]) == ("SZDE", "SHDE")
    assert order["state"]["status"] == "accepted"
    assert [e["event"] for e in order["events"]] == ["OrderCreated", "OrderAccepted"]


def test_the_parties_exchanges_and_regulators_see_the_order(market: GatewayMarket) -> None:
    readers = [market.buyer, market.seller, operator("SHDE"), operator("SZDE"), regulator()]
    assert [order_status(market, account) for account in readers] == [200] * 5


def test_another_participant_does_not_find_the_order(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(participant(2))
    response = market.gateway.get(f"/v1/orders/{market.order}", token)
    assert (response.status_code, response.json()["detail"]) == (
        404,
        f"no order {market.order} (or it is not visible to this caller)",
    )


def test_an_exchange_not_involved_does_not_find_the_order(market: GatewayMarket) -> None:
    assert order_status(market, operator("BJIDE")) == 404


def test_a_participant_lists_only_its_own_orders(market: GatewayMarket) -> None:
    assert listed_orders(market, market.buyer) == [market.order]
    assert listed_orders(market, participant(2)) == []


def test_an_exchange_lists_the_orders_it_is_involved_in(market: GatewayMarket) -> None:
    """(The first page starts with the market's order; other tests may order more through B.)"""
    assert listed_orders(market, operator("SZDE"))[:1] == [market.order]
    assert listed_orders(market, operator("BJIDE")) == []


def test_a_participant_reads_another_participants_public_registration(
    market: GatewayMarket,
) -> None:
    token = market.gateway.sign_in(participant(2))
    response = market.gateway.get("/v1/participants/" + market.buyer.address, token)
    assert response.status_code == 200
    assert response.json()["roles"] == ["buyer"]


def test_the_grantee_reads_its_authorization(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(market.buyer)
    response = market.gateway.get(f"/v1/authorizations/{market.grant}", token)
    assert response.status_code == 200
    grant = response.json()
    assert (grant["grantee"], grant["grantor"], grant["productId"]) == (
        market.buyer.address,
        market.seller.address,
        market.products[2],
    )
    assert grant["state"]["status"] == "active"


def test_another_participant_does_not_find_the_authorization(market: GatewayMarket) -> None:
    token = market.gateway.sign_in(market.other_buyer)
    response = market.gateway.get(f"/v1/authorizations/{market.grant}", token)
    assert (response.status_code, response.json()["detail"]) == (
        404,
        f"no authorization {market.grant} (or it is not visible to this caller)",
    )


def test_a_participant_lists_only_its_own_authorizations(market: GatewayMarket) -> None:
    def listed(account: LocalAccount) -> list[int]:
        token = market.gateway.sign_in(account)
        return [
            g["grantId"] for g in market.gateway.get("/v1/authorizations", token).json()["items"]
        ]

    assert (listed(market.buyer), listed(market.other_buyer)) == ([market.grant], [])
