"""A small market on a real node with the gateway, made with real signed transactions through
JSON-RPC: exchanges A (SHDE), B (SZDE) and C (BJIDE); a supplier and an evaluator at A, two
buyers at B; four products at A (three listed, one only submitted), one not recognised by C;
one order by the first buyer, accepted by the supplier; a direct grant of the third product to
the first buyer; a demand posted by the second buyer at B with the supplier's sealed offer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import keccak

from client import connect
from client.contracts import encode_exchange_code
from client.demand_offers import offer_commitment
from tests.support.gateway import GatewayClient, gateway_node
from tests.support.market_node import MarketNode, operator, participant
from tests.support.node_process import NodeProcess, rpc_token

A, B, C = "SHDE", "SZDE", "BJIDE"
SUPPLIER, BUYER, EVALUATOR = 1 << 0, 1 << 1, 1 << 3
HOLDING, PROCESSING_USE, OPERATION = 1 << 0, 1 << 1, 1 << 2
PRICE = 1_250_000
YEAR = 365 * 86_400
PORT = keccak(text="logistics.port")
RETAIL = keccak(text="retail.footfall")
TITLES = (
    "Port container throughput, daily",
    "Port berth schedule",
    "Retail footfall, hourly",
    "Port crane telemetry",
)


def h(label: str) -> bytes:
    return keccak(text=label)


@dataclass
class GatewayMarket:
    node: NodeProcess
    gateway: GatewayClient
    market: MarketNode
    products: list[int] = field(default_factory=list)
    order: int = 0
    grant: int = 0
    demand: int = 0
    tokens: dict[str, str] = field(default_factory=dict)
    operator_rpc_token: str | None = None
    """The JSON-RPC token the story was made with, when the node asks for tokens."""

    @property
    def seller(self) -> Any:
        return participant(1)

    @property
    def buyer(self) -> Any:
        return participant(3)

    @property
    def other_buyer(self) -> Any:
        return participant(4)


def terms(seller: Any, title: str, category: bytes, rights: int) -> dict[str, Any]:
    return {
        "title": title,
        "category": category,
        "productType": 0,
        "classification": 0,
        "personalInformation": False,
        "source": 1,
        "rights": rights,
        "priceModel": 0,
        "unitPrice": PRICE,
        "currency": b"CNY",
        "complianceReportHash": h("compliance report " + title),
        "metadataHash": h("metadata " + title),
        "metadataUri": "https://catalogue.example/" + str(len(title)),
        "exportAllowed": True,
        "deliveryAccount": seller.address,
    }


def order_request(m: MarketNode, product_id: int) -> dict[str, Any]:
    now = m.now
    return {
        "productId": product_id,
        "version": 1,
        "buyerExchange": encode_exchange_code(B),
        "quantity": 1,
        "unitPrice": PRICE,
        "currency": b"CNY",
        "contractType": 0,
        "contractHash": h("contract"),
        "listingFeeBps": 250,
        "buyerExchangeFeeBps": 150,
        "grant": {
            "right": PROCESSING_USE,
            "purposeCode": b"CREDIT-RISK".ljust(32, b"\0"),
            "purposeHash": h("purpose"),
            "validFrom": now - 60,
            "validUntil": now + YEAR,
            "maxUses": 3,
            "destinations": [],
            "onwardTransfer": False,
        },
    }


def direct_grant(m: MarketNode, product_id: int, grantee: str) -> dict[str, Any]:
    """The supplier's direct grant of processing and use for a year."""
    return {
        "productId": product_id,
        "grantee": grantee,
        "right": PROCESSING_USE,
        "purposeCode": b"FOOTFALL-MODEL".ljust(32, b"\0"),
        "purposeHash": h("purpose"),
        "validFrom": m.now - 60,
        "validUntil": m.now + YEAR,
        "maxUses": 10,
        "destinations": [],
        "onwardTransfer": False,
    }


def build_market(m: MarketNode, story: GatewayMarket) -> None:
    settlement = m.contract("TradeSettlement").functions
    registry = m.contract("ParticipantRegistry").functions
    products = m.contract("DataProductRegistry").functions
    m.send(settlement.setFeeSchedule(250, 100), operator(A))
    m.send(settlement.setFeeSchedule(200, 150), operator(B))
    for index, roles, home in ((1, SUPPLIER, A), (2, EVALUATOR, A), (3, BUYER, B), (4, BUYER, B)):
        account = participant(index)
        credit = h(f"consortium-key|{account.address}")
        m.send(registry.register(account.address, roles, b"CN", credit), operator(home))
    seller, evaluator = participant(1), participant(2)
    layout = (
        (TITLES[0], PORT, PROCESSING_USE | OPERATION, True),
        (TITLES[1], PORT, HOLDING, False),
        (TITLES[2], RETAIL, PROCESSING_USE, True),
        (TITLES[3], PORT, PROCESSING_USE, True),
    )
    for title, category, rights, listed in layout:
        listing = terms(seller, title, category, rights)
        m.send(products.submit(encode_exchange_code(A), listing), seller)
        product_id = int(products.productCount().call())
        story.products.append(product_id)
        if listed:
            report = listing["complianceReportHash"]
            m.send(products.attestCompliance(product_id, 1, report), evaluator)
            m.send(products.approve(product_id, 1), operator(A))
    m.send(
        products.recordNonRecognition(story.products[0], h("LOCAL-RULES"), h("memo")), operator(C)
    )
    m.send(settlement.createOrder(order_request(m, story.products[0])), participant(3))
    story.order = int(settlement.orderCount().call())
    m.send(settlement.accept(story.order), seller)
    grants = m.contract("AuthorizationRegistry").functions
    m.send(grants.issue(direct_grant(m, story.products[2], participant(3).address)), seller)
    story.grant = int(grants.grantCount().call())
    post_demand(m, story)


def post_demand(m: MarketNode, story: GatewayMarket) -> None:
    board = m.contract("DemandBoard").functions
    demand = {
        "title": "Port congestion forecasts",
        "category": PORT,
        "productType": 0,
        "rights": PROCESSING_USE,
        "classificationCeiling": 0,
        "budgetMin": 100_000,
        "budgetMax": 2_000_000,
        "currency": b"CNY",
        "responseDeadline": m.now + YEAR,
        "descriptionHash": h("port demand"),
        "descriptionUri": "https://demands.example/port",
        "homeExchange": encode_exchange_code(B),
    }
    m.send(board.post(demand), participant(4))
    story.demand = int(board.demandCount().call())
    offered = {
        "productId": story.products[0],
        "version": 1,
        "proposalHash": bytes(32),
        "price": PRICE,
        "deliveryDays": 7,
    }
    seller = participant(1)
    commitment = offer_commitment(story.demand, seller.address, offered, h("salt"))
    m.send(board.offer(story.demand, commitment), seller)


@contextmanager
def gateway_market(root: Path, *extra: str, rpc_auth: bool = False) -> Iterator[GatewayMarket]:
    """The market above; with ``rpc_auth`` the node's JSON-RPC asks for tokens, and the story
    is sent with an exchange operator's."""
    with gateway_node(
        root, "--no-empty-blocks", "--gateway-rate", "1000", "--gateway-burst", "1000", *extra,
        rpc_auth=rpc_auth,
    ) as (node, client):  # fmt: skip
        token = rpc_token(node.datadir, "operator") if rpc_auth else None
        market = MarketNode(connect(node.rpc_url, token=token))
        story = GatewayMarket(node, client, market, operator_rpc_token=token)
        build_market(market, story)
        yield story
