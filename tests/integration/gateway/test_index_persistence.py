"""The domain index across restarts: a data directory without it is backfilled at start to the
same records, and what ``Involvement`` learnt before a restart still decides who later events
concern (a real node process, stopped and started again)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plyvel
import pytest

from client import connect
from tests.support.gateway import GatewayClient, gateway_url
from tests.support.gateway_market import GatewayMarket, build_market, h
from tests.support.market_node import MarketNode, operator, participant
from tests.support.node_process import make_consortium_network, start_node

FLAGS = ("--no-empty-blocks", "--gateway", "127.0.0.1:0")


@dataclass
class Restarted:
    before: dict[str, Any]
    after: dict[str, Any]
    paid: dict[str, Any]


def snapshot(client: GatewayClient, story: GatewayMarket) -> dict[str, Any]:
    token = client.sign_in(story.buyer)
    return {
        "products": client.get("/v1/products", token).json(),
        "order": client.get(f"/v1/orders/{story.order}", token).json()["events"],
        "participants": client.get("/v1/participants", token).json(),
    }


def drop_domain_index(chaindata: Path) -> int:
    db = plyvel.DB(str(chaindata))
    try:
        keys = [key for key, _ in db.iterator(prefix=b"dcl:dom:")]
        with db.write_batch() as batch:
            for key in keys:
                batch.delete(key)
    finally:
        db.close()
    return len(keys)


@pytest.fixture(scope="module")
def restarted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Restarted]:
    datadir = make_consortium_network(tmp_path_factory.mktemp("persistence"))
    node = start_node(datadir, *FLAGS)
    try:
        story = GatewayMarket(
            node, GatewayClient(gateway_url(node)), MarketNode(connect(node.rpc_url))
        )
        build_market(story.market, story)
        before = snapshot(story.gateway, story)
    finally:
        node.stop()
    assert drop_domain_index(datadir / "chaindata") > 0
    node = start_node(datadir, *FLAGS)
    try:
        client = GatewayClient(gateway_url(node))
        story.gateway, story.market = client, MarketNode(connect(node.rpc_url))
        after = snapshot(client, story)
        settlement = story.market.contract("TradeSettlement").functions
        receipt = story.market.send(settlement.pay(story.order, 0, h("payment")), operator("SZDE"))
        status = client.get(
            "/v1/transactions/0x" + bytes(receipt["transactionHash"]).hex(),
            client.sign_in(story.buyer),
        ).json()
        yield Restarted(before, after, status)
    finally:
        node.stop()


def test_a_data_directory_without_the_index_is_backfilled_to_the_same_records(
    restarted: Restarted,
) -> None:
    assert restarted.after == restarted.before


def test_who_an_event_concerns_is_remembered_across_a_restart(restarted: Restarted) -> None:
    paid = [e for e in restarted.paid["events"] if e["event"] == "BillPaid"]
    parties = sorted([participant(1).address, participant(3).address])
    assert [(e["exchanges"], e["parties"], e["public"]) for e in paid] == [
        (["SHDE", "SZDE"], parties, False)
    ]
