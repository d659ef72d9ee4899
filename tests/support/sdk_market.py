"""A market driven only through the client SDK and the gateway of a real node: the sample
consortium's exchanges A (SHDE), B (SZDE) and C (BJIDE) with their DEV ONLY operators, and
participants registered, listed and trading by SDK calls alone (no JSON-RPC, no web3)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from client.sdk import (
    Classification,
    Client,
    DataSource,
    GrantRequest,
    ListingTerms,
    PriceModel,
    ProductType,
    Right,
    Role,
)
from tests.support.gateway import gateway_node
from tests.support.market_node import operator
from tests.support.node_process import NodeProcess

A, B, C = "SHDE", "SZDE", "BJIDE"
LISTING_FEES = {A: (250, 100), B: (200, 150)}
"""(as listing exchange, as buyer's exchange) in basis points."""
PRICE = 1_250_000
YEAR = 365 * 86_400


def h(label: str) -> bytes:
    return keccak(text=label)


@dataclass
class SdkNode:
    node: NodeProcess
    url: str
    genesis: Path

    def client(self, account: LocalAccount) -> Client:
        return Client(self.url, account)


@dataclass
class Parties:
    """Clients of the operators of A and B, of a supplier and of a buyer."""

    exchange_a: Client
    exchange_b: Client
    supplier: Client
    buyer: Client


@contextmanager
def parties(ledger: SdkNode, supplier: LocalAccount, buyer: LocalAccount) -> Iterator[Parties]:
    with (
        ledger.client(operator(A)) as exchange_a,
        ledger.client(operator(B)) as exchange_b,
        ledger.client(supplier) as supplier_client,
        ledger.client(buyer) as buyer_client,
    ):
        yield Parties(exchange_a, exchange_b, supplier_client, buyer_client)


def listing_terms(supplier: str, title: str, rights: frozenset[Right]) -> ListingTerms:
    return ListingTerms(
        title=title,
        category=h("logistics.port"),
        product_type=ProductType.DATASET,
        classification=Classification.GENERAL,
        personal_information=False,
        source=DataSource.ENTERPRISE,
        rights=rights,
        price_model=PriceModel.FIXED,
        unit_price=PRICE,
        currency="CNY",
        delivery_account=supplier,
        metadata_uri="https://catalogue.example/" + title.replace(" ", "-").lower(),
        metadata_hash=h("metadata " + title),
    )


def usage(now: int) -> GrantRequest:
    """Processing and use for credit-risk scoring, for a year, at most three uses."""
    return GrantRequest(Right.PROCESSING_USE, "CREDIT-RISK", now - 60, now + YEAR, max_uses=3)


def register(operator_client: Client, account: LocalAccount, *roles: Role) -> None:
    operator_client.register_participant(
        account.address, roles, credit_code_hash=h(f"consortium-key|{account.address}")
    )


def list_product(supplier: Client, reviewer: Client, exchange: str, title: str) -> int:
    """Submitted by ``supplier`` at ``exchange``, approved by ``reviewer`` (its operator)."""
    assert supplier.account is not None
    terms = listing_terms(supplier.account.address, title, frozenset({Right.PROCESSING_USE}))
    product_id = int(
        supplier.submit_product(exchange, terms).event("ProductSubmitted").args["productId"]
    )
    reviewer.approve_product(product_id, 1)
    return product_id


@contextmanager
def sdk_node(root: Path) -> Iterator[SdkNode]:
    """A one-validator consortium node with its gateway, exchanges A and B publishing their
    fee rates (set through the SDK)."""
    with gateway_node(
        root, "--no-empty-blocks", "--gateway-rate", "1000", "--gateway-burst", "1000"
    ) as (node, gateway):
        started = SdkNode(node, gateway.url, root / "network" / "genesis.json")
        for code, (listing, buyers) in LISTING_FEES.items():
            with started.client(operator(code)) as exchange:
                exchange.set_fee_schedule(listing, buyers)
        yield started
