"""A market made on a QBFT network of real processes, watched by a regulator through an
observer's gateway: two validators of the sample consortium's first exchanges, and an observer
serving the gateway, through which every transaction reaches the validators by gossip (most
over its JSON-RPC, the disputes' and the regulator's through its gateway).

The story: a supplier at A lists a product; a buyer at B orders it three times, a buyer in Hong
Kong once (a cross-border order); the first trade settles and its grant is used once; the
second is disputed and decided by an arbitral award; the third is disputed while paid, a
mediation is proposed and accepted by the buyer only, then a regulator freezes the order. Then
the validators stop, so the observer's chain stays at one head for the tests.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3.types import TxReceipt

from client import connect
from client.contracts import encode_exchange_code
from tests.support.gateway import GatewayClient, gateway_url
from tests.support.gateway_market import BUYER, EVALUATOR, SUPPLIER, A, B, h, order_request, terms
from tests.support.market_node import GAS, MarketNode, operator, participant, regulator
from tests.support.node_process import wait_for
from tests.support.qbft_processes import Member, QbftNetwork, head_number
from tests.support.registry_network import consortium_network
from tests.support.rpc import rpc

ARBITRAL_AWARD, PARTIAL, RELEASE = 1, 2, 3
REFUND = 400_000
GATEWAY_OPTIONS = ("--gateway", "127.0.0.1:0", "--gateway-rate", "1000", "--gateway-burst", "1000")


@dataclass
class RegulatorMarket:
    network: QbftNetwork
    observer: Member
    gateway: GatewayClient
    market: MarketNode
    """Connected to the observer's JSON-RPC."""
    product: int = 0
    orders: list[int] = field(default_factory=list)
    """Settled, awarded, frozen with an open dispute, cross-border."""
    grant: int = 0
    relayed: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The gateway's answers to the transactions relayed through it (``?wait=true``)."""
    validator_receipts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The same transactions' receipts, as a validator's JSON-RPC serves them."""
    receipts: dict[str, TxReceipt] = field(default_factory=dict)
    head: int = 0
    """The observer's head once the validators stopped."""

    def restart_observer(self) -> None:
        """Start the observer again (after a test stopped it), with a new gateway."""
        process = self.network.start(self.observer, *GATEWAY_OPTIONS)
        self.gateway = GatewayClient(gateway_url(process))


def send_together(m: MarketNode, calls: Sequence[tuple[Any, LocalAccount]]) -> list[TxReceipt]:
    """Sign every call (a sender's in the order given, with consecutive nonces), send them all,
    then wait for every receipt; each must succeed."""
    nonces: dict[str, int] = {}
    hashes = []
    for call, account in calls:
        if account.address not in nonces:
            nonces[account.address] = m.w3.eth.get_transaction_count(account.address, "pending")
        transaction = call.build_transaction(
            {"from": account.address, "nonce": nonces[account.address], "gas": GAS,
             "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
        )  # fmt: skip
        nonces[account.address] += 1
        signed = account.sign_transaction(transaction)
        hashes.append(m.w3.eth.send_raw_transaction(signed.raw_transaction))
    receipts = [m.w3.eth.wait_for_transaction_receipt(tx, timeout=120) for tx in hashes]
    assert [r["status"] for r in receipts] == [1] * len(receipts), receipts
    return receipts


def relay(story: RegulatorMarket, name: str, call: Any, account: LocalAccount) -> dict[str, Any]:
    """Sign ``call`` and relay it through the observer's gateway, waiting for its block."""
    m = story.market
    transaction = call.build_transaction(
        {"from": account.address, "gas": GAS, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0,
         "nonce": m.w3.eth.get_transaction_count(account.address, "pending")}
    )  # fmt: skip
    raw = "0x" + account.sign_transaction(transaction).raw_transaction.hex()
    token = story.gateway.sign_in(account)
    response = story.gateway.post("/v1/transactions?wait=true", {"raw": raw}, token)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert answer["status"] == "succeeded", answer
    story.relayed[name] = answer
    return answer


def created_order(m: MarketNode, receipt: TxReceipt) -> int:
    [created] = m.events(receipt, "TradeSettlement", "OrderCreated")
    return int(created["orderId"])


def build_story(story: RegulatorMarket) -> None:
    m = story.market
    settlement = m.contract("TradeSettlement").functions
    registry = m.contract("ParticipantRegistry").functions
    products = m.contract("DataProductRegistry").functions
    seller, evaluator, buyer, foreign = (participant(i) for i in range(1, 5))
    send_together(m, [
        (settlement.setFeeSchedule(250, 100), operator(A)),
        (settlement.setFeeSchedule(200, 150), operator(B)),
        *(
            (registry.register(account.address, roles, jurisdiction,
                               h(f"consortium-key|{account.address}")), operator(home))
            for account, roles, jurisdiction, home in (
                (seller, SUPPLIER, b"CN", A), (evaluator, EVALUATOR, b"CN", A),
                (buyer, BUYER, b"CN", B), (foreign, BUYER, b"HK", B),
            )
        ),
    ])  # fmt: skip
    listing = terms(seller, "Port container throughput, daily", h("logistics.port"), 2)
    send_together(m, [(products.submit(encode_exchange_code(A), listing), seller)])
    story.product = int(products.productCount().call())
    report = listing["complianceReportHash"]
    send_together(m, [(products.attestCompliance(story.product, 1, report), evaluator)])
    send_together(m, [(products.approve(story.product, 1), operator(A))])
    created = send_together(
        m,
        [(settlement.createOrder(order_request(m, story.product)), buyer)] * 3
        + [(settlement.createOrder(order_request(m, story.product)), foreign)],
    )
    story.orders = [created_order(m, receipt) for receipt in created]
    first, second, third, _ = story.orders
    send_together(m, [(settlement.accept(order), seller) for order in (first, second, third)])
    send_together(
        m, [(settlement.pay(o, 0, h(f"payment {o}")), operator(B)) for o in (first, second, third)]
    )
    send_together(m, [(settlement.deliver(o, h(f"delivery {o}")), seller) for o in (first, second)])
    story.receipts["settled"], story.receipts["raised third"] = send_together(
        m,
        [
            (settlement.confirm(first, 0), buyer),
            (settlement.raiseDispute(third, 0, h("not delivered")), buyer),
        ],
    )
    story.grant = int(m.named("TradeSettlement", "order", first)["grantId"])
    grants = m.contract("AuthorizationRegistry").functions
    [story.receipts["use"]] = send_together(
        m, [(grants.recordUse(story.grant, 1, h("use 1")), operator(A))]
    )
    relay(story, "raise", settlement.raiseDispute(second, 0, h("delivery incomplete")), buyer)
    relay(
        story, "award",
        settlement.recordAward(second, 0, ARBITRAL_AWARD, PARTIAL, REFUND, h("award")),
        regulator(),
    )  # fmt: skip
    [story.receipts["proposal"]] = send_together(
        m, [(settlement.proposeMediation(third, 0, RELEASE, 0, h("mediation 1")), operator(A))]
    )
    [proposal] = m.events(story.receipts["proposal"], "TradeSettlement", "MediationProposed")
    [story.receipts["accepted"]] = send_together(
        m, [(settlement.acceptMediation(third, 0, proposal["proposalHash"]), buyer)]
    )
    relay(story, "freeze", settlement.setFrozen(third, True, h("inquiry")), regulator())


def validator_receipt(member: Member, tx_hash: str) -> dict[str, Any]:
    assert member.process is not None
    found = rpc(member.process.rpc_url, "eth_getTransactionReceipt", tx_hash)
    assert isinstance(found, dict)
    return found


def start_regulator_market(root: Path) -> RegulatorMarket:
    """Build the story, then stop the validators once the observer holds their head."""
    network = consortium_network(root, validators=2)
    observer = network.add_observer()
    network.start_all()
    process = network.start(observer, *GATEWAY_OPTIONS)
    story = RegulatorMarket(
        network, observer, GatewayClient(gateway_url(process)), MarketNode(connect(process.rpc_url))
    )
    build_story(story)
    validator = network.validators[0]
    for name, answer in story.relayed.items():
        story.validator_receipts[name] = validator_receipt(validator, answer["transactionHash"])
    for member in network.validators:
        network.stop(member)
    story.head = _settled_head(observer)
    return story


def _settled_head(member: Member) -> int:
    """The head once a block in flight (a sync started before the validators stopped) is in."""
    heads = [head_number(member)]

    def unchanged() -> bool:
        time.sleep(1)
        heads.append(head_number(member))
        return heads[-1] == heads[-2]

    wait_for(unchanged, timeout=30)
    return heads[-1]
