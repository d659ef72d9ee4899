"""The demand pool's acceptance scenario on a real node: a buyer at
exchange B (SZDE) posts a demand; suppliers at exchanges A (SHDE) and C (BJIDE) answer it with
sealed offers (C's relayed through the gateway); after the deadline both reveal; the buyer
shortlists and awards A's offer; the order settles and its trade certificate verifies offline;
C's offer is closed. B's, A's and C's back offices follow the story through the gateway's event
stream, each seeing its own part, and a regulator's `dcl audit export` holds every event."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from eth_account.signers.local import LocalAccount

from client import connect
from client.certificate import verify_certificate
from client.contracts import encode_exchange_code
from client.demand_offers import offer_commitment, offer_terms_tuple
from node.certificate import build_trade_certificate
from node.chain.chain_reader import ChainReader
from node.datadir import DataDir
from node.storage.leveldb import LevelDB
from tests.support.gateway import GatewayClient, gateway_node, replayed_events
from tests.support.gateway_market import BUYER, EVALUATOR, PROCESSING_USE, SUPPLIER, h, terms
from tests.support.market_node import MarketNode, operator, participant
from tests.support.node_process import run_dcl

A, B, C = "SHDE", "SZDE", "BJIDE"
CHAIN_ID = 1337
LISTED_PRICE = 880_000
PROPOSAL_PRICE = 990_000
RESPONSE_SECONDS = 20
TITLE = "Cold-chain logistics demand forecasts"
DEMAND_EVENTS = (
    "DemandPosted", "OfferSealed", "OfferRevealed", "OfferShortlisted", "DemandAwarded",
    "OfferClosed",
)  # fmt: skip


@dataclass
class Story:
    datadir: Path
    genesis: Path
    gateway: GatewayClient
    demand_id: int = 0
    offer_a: int = 0
    offer_c: int = 0
    order_id: int = 0
    sealed_view: dict[str, Any] = field(default_factory=dict)
    """The buyer's view of the demand's offers before the reveal."""
    relayed: dict[str, Any] = field(default_factory=dict)
    refused_relay: dict[str, Any] = field(default_factory=dict)
    streams: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Each back office's (and a stranger's) replayed events of the whole story."""
    reads: dict[str, Any] = field(default_factory=dict)
    certificate: dict[str, Any] = field(default_factory=dict)
    export: list[dict[str, Any]] = field(default_factory=list)
    parquet: Path = Path()


def signed(m: MarketNode, account: LocalAccount, call: Any) -> str:
    transaction = call.build_transaction(
        {
            "from": account.address,
            "nonce": m.w3.eth.get_transaction_count(account.address, "pending"),
            "gas": 3_000_000,
            "maxFeePerGas": 0,
            "maxPriorityFeePerGas": 0,
            "chainId": CHAIN_ID,
        }
    )
    return "0x" + account.sign_transaction(transaction).raw_transaction.hex()


def listed_terms() -> dict[str, Any]:
    return {
        "productId": 1,
        "version": 1,
        "proposalHash": bytes(32),
        "price": LISTED_PRICE,
        "deliveryDays": 5,
    }


def proposal_terms() -> dict[str, Any]:
    return {
        "productId": 0,
        "version": 0,
        "proposalHash": h("cold-chain fusion proposal"),
        "price": PROPOSAL_PRICE,
        "deliveryDays": 45,
    }


def set_up_market(m: MarketNode) -> None:
    settlement = m.contract("TradeSettlement").functions
    registry = m.contract("ParticipantRegistry").functions
    m.send(settlement.setFeeSchedule(250, 100), operator(A))
    m.send(settlement.setFeeSchedule(200, 150), operator(B))
    for index, roles, home in (
        (1, SUPPLIER, A), (2, EVALUATOR, A), (3, BUYER, B), (5, SUPPLIER, C), (6, BUYER, B),
    ):  # fmt: skip
        account = participant(index)
        credit = h(f"consortium-key|{account.address}")
        m.send(registry.register(account.address, roles, b"CN", credit), operator(home))
    products = m.contract("DataProductRegistry").functions
    listing = terms(participant(1), "Cold-chain shipments, daily", h("logistics.cold"), 3)
    m.send(products.submit(encode_exchange_code(A), listing), participant(1))
    m.send(products.attestCompliance(1, 1, listing["complianceReportHash"]), participant(2))
    m.send(products.approve(1, 1), operator(A))


def run_story(m: MarketNode, story: Story) -> None:
    board = m.contract("DemandBoard").functions
    buyer, supplier_a, supplier_c = participant(3), participant(1), participant(5)
    gateway = story.gateway
    demand = {
        "title": TITLE,
        "category": h("logistics.cold"),
        "productType": 0,
        "rights": PROCESSING_USE,
        "classificationCeiling": 0,
        "budgetMin": 500_000,
        "budgetMax": 1_000_000,
        "currency": b"CNY",
        "responseDeadline": m.now + RESPONSE_SECONDS,
        "descriptionHash": h("cold-chain demand"),
        "descriptionUri": "https://demands.example/cold-chain",
        "homeExchange": encode_exchange_code(B),
    }
    m.send(board.post(demand), buyer)
    story.demand_id = int(board.demandCount().call())
    salt_a, salt_c = h("salt A"), h("salt C")
    commit_a = offer_commitment(story.demand_id, supplier_a.address, listed_terms(), salt_a)
    m.send(board.offer(story.demand_id, commit_a), supplier_a)
    story.offer_a = int(board.offerCount().call())
    commit_c = offer_commitment(story.demand_id, supplier_c.address, proposal_terms(), salt_c)
    raw = signed(m, supplier_c, board.offer(story.demand_id, commit_c))
    token_c = gateway.sign_in(supplier_c)
    story.relayed = gateway.post("/v1/transactions?wait=true", {"raw": raw}, token_c).json()
    story.offer_c = int(board.offerCount().call())
    outsider = participant(6)
    refused = signed(m, outsider, board.offer(story.demand_id, h("not a supplier")))
    response = gateway.post("/v1/transactions", {"raw": refused}, gateway.sign_in(outsider))
    story.refused_relay = {"status": response.status_code, **response.json()}
    buyer_token = gateway.sign_in(buyer)
    story.sealed_view = gateway.get(f"/v1/demands/{story.demand_id}/offers", buyer_token).json()
    # Blocks come only with transactions (--no-empty-blocks): wait on the clock, then the
    # reveal's block is stamped after the deadline.
    time.sleep(max(0.0, int(demand["responseDeadline"]) + 1.5 - time.time()))
    m.send(board.reveal(story.offer_a, offer_terms_tuple(listed_terms()), salt_a), supplier_a)
    m.send(board.reveal(story.offer_c, offer_terms_tuple(proposal_terms()), salt_c), supplier_c)
    m.send(board.shortlist(story.offer_a), buyer)
    award = {
        "contractType": 0,
        "contractHash": h("signed cold-chain contract"),
        "listingFeeBps": 250,
        "buyerExchangeFeeBps": 150,
        "grant": {
            "right": PROCESSING_USE,
            "onwardTransfer": False,
            "validFrom": m.now - 60,
            "validUntil": m.now + 365 * 86_400,
            "maxUses": 0,
            "purposeCode": b"COLD-CHAIN".ljust(32, b"\0"),
            "purposeHash": h("purpose"),
            "destinations": [],
        },
    }
    m.send(board.award(story.offer_a, award), buyer)
    story.order_id = int(m.contract("TradeSettlement").functions.orderCount().call())
    settlement = m.contract("TradeSettlement").functions
    m.send(settlement.accept(story.order_id), supplier_a)
    m.send(settlement.pay(story.order_id, 0, h("payment")), operator(B))
    m.send(settlement.deliver(story.order_id, h("delivery")), supplier_a)
    m.send(settlement.confirm(story.order_id, 0), buyer)


def observe(story: Story) -> None:
    """What each back office, the parties and an outsider see through the gateway."""
    gateway = story.gateway
    tokens = {
        "B": gateway.sign_in(operator(B)),
        "A": gateway.sign_in(operator(A)),
        "C": gateway.sign_in(operator(C)),
        "other exchange": gateway.sign_in(operator("GZDE")),
        "buyer": gateway.sign_in(participant(3)),
        "supplier C": gateway.sign_in(participant(5)),
        "other buyer": gateway.sign_in(participant(6)),
    }
    for who in ("B", "A", "C", "other exchange"):
        story.streams[who] = [e["data"] for e in replayed_events(gateway, tokens[who])]
    demand = story.demand_id
    story.reads = {
        "search": {
            name: [
                d["demandId"] for d in gateway.get("/v1/demands", tokens["C"], **q).json()["items"]
            ]
            for name, q in {
                "exchange B": {"exchange": B},
                "exchange A": {"exchange": A},
                "title word": {"q": "forecast"},
                "other word": {"q": "retail"},
                "budget inside": {"budget": "750000", "currency": "CNY"},
                "budget above": {"budget": "1000001"},
                "awarded": {"status": "awarded"},
                "closed": {"status": "closed"},
                "open": {"status": "open"},
                "category": {"category": "0x" + h("logistics.cold").hex()},
            }.items()
        },
        "demand": gateway.get(f"/v1/demands/{demand}", tokens["other buyer"]).json(),
        "offers": {
            who: gateway.get(f"/v1/demands/{demand}/offers", tokens[who]).json()["items"]
            for who in ("buyer", "supplier C", "other buyer", "B", "C")
        },
        "offer A as supplier C": gateway.get(
            f"/v1/offers/{story.offer_a}", tokens["supplier C"]
        ).status_code,
        "offer A as buyer": gateway.get(f"/v1/offers/{story.offer_a}", tokens["buyer"]).json(),
        "bad status": gateway.get("/v1/demands", tokens["buyer"], status="sealed").json(),
        "unknown demand": gateway.get("/v1/demands/99", tokens["buyer"]).status_code,
    }


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    root = tmp_path_factory.mktemp("demand-pool")
    with gateway_node(
        root, "--no-empty-blocks", "--gateway-rate", "1000", "--gateway-burst", "1000"
    ) as (node, gateway):
        story = Story(node.datadir, root / "network" / "genesis.json", gateway)
        market = MarketNode(connect(node.rpc_url))
        set_up_market(market)
        run_story(market, story)
        observe(story)
    data = DataDir(story.datadir)
    db = LevelDB(data.chaindata)
    try:
        story.certificate = build_trade_certificate(
            ChainReader(db, data.load_genesis()), story.order_id
        )
    finally:
        db.close()
    out = root / "audit"
    done = run_dcl("audit", "export", "--datadir", story.datadir, "--out", out, "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    story.parquet = root / "audit-parquet"
    done = run_dcl(
        "audit", "export", "--datadir", story.datadir, "--out", story.parquet, "--format", "parquet"
    )
    assert done.returncode == 0, done.stderr
    story.export = [
        json.loads(line)
        for path in sorted(out.glob("*.jsonl"))
        for line in path.read_text().splitlines()
    ]
    yield story


def _demand_story(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """(event, offer id or 0) of the DemandBoard events, in chain order."""
    return [
        (e["event"], int(e["args"].get("offerId", 0)))
        for e in events
        if e["contract"] == "DemandBoard" and e["event"] in DEMAND_EVENTS
    ]


def test_the_buyer_s_exchange_sees_the_whole_story(story: Story) -> None:
    a, c = story.offer_a, story.offer_c
    assert _demand_story(story.streams["B"]) == [
        ("DemandPosted", 0), ("OfferSealed", a), ("OfferSealed", c), ("OfferRevealed", a),
        ("OfferRevealed", c), ("OfferShortlisted", a), ("DemandAwarded", a), ("OfferClosed", c),
    ]  # fmt: skip
    order = [e["event"] for e in story.streams["B"] if e["args"].get("orderId") == story.order_id]
    assert order == [
        "OrderCreated", "DemandAwarded", "OrderAccepted", "BillPaid", "GrantIssued",
        "AuthorizationIssued", "Delivered", "TradeSettled",
    ]  # fmt: skip


def test_the_winning_supplier_s_exchange_sees_its_offer_win_and_settle(story: Story) -> None:
    a = story.offer_a
    assert _demand_story(story.streams["A"]) == [
        ("DemandPosted", 0), ("OfferSealed", a), ("OfferRevealed", a), ("OfferShortlisted", a),
        ("DemandAwarded", a),
    ]  # fmt: skip
    settled = [e for e in story.streams["A"] if e["event"] == "TradeSettled"]
    assert [e["args"]["certificate"]["offerId"] for e in settled] == [a]


def test_the_losing_supplier_s_exchange_sees_its_offer_closed_and_no_other_price(
    story: Story,
) -> None:
    c = story.offer_c
    assert _demand_story(story.streams["C"]) == [
        ("DemandPosted", 0), ("OfferSealed", c), ("OfferRevealed", c), ("OfferClosed", c),
    ]  # fmt: skip
    [closed] = [e for e in story.streams["C"] if e["event"] == "OfferClosed"]
    assert (closed["args"]["previous"], closed["args"]["demandStatus"]) == (2, 2)
    seen = json.dumps(story.streams["C"])
    assert str(LISTED_PRICE) not in seen
    assert not any(e["contract"] == "TradeSettlement" and e["event"] != "FeeScheduleSet"
                   for e in story.streams["C"])  # fmt: skip


def test_an_uninvolved_exchange_sees_only_the_public_demand(story: Story) -> None:
    assert _demand_story(story.streams["other exchange"]) == [("DemandPosted", 0)]


def test_a_sealed_offer_shows_its_commitment_and_no_terms(story: Story) -> None:
    items = story.sealed_view["items"]
    assert [(o["offerId"], o["status"], o["terms"]) for o in items] == [
        (story.offer_a, "sealed", None),
        (story.offer_c, "sealed", None),
    ]
    assert all(o["commitment"].startswith("0x") and len(o["commitment"]) == 66 for o in items)


def test_an_offer_is_relayed_for_a_supplier_and_refused_to_a_buyer(story: Story) -> None:
    assert (story.relayed["status"], story.relayed["function"]) == (
        "succeeded",
        "DemandBoard.offer",
    )
    [sealed] = [e for e in story.relayed["events"] if e["event"] == "OfferSealed"]
    assert sealed["exchanges"] == sorted([B, C])
    assert (story.refused_relay["status"], story.refused_relay["type"]) == (
        403,
        "urn:dcl:problem:forbidden",
    )


def test_demands_are_searched_by_exchange_words_budget_status_and_category(
    story: Story,
) -> None:
    d = story.demand_id
    assert story.reads["search"] == {
        "exchange B": [d],
        "exchange A": [],
        "title word": [d],
        "other word": [],
        "budget inside": [d],
        "budget above": [],
        "awarded": [d],
        "closed": [d],
        "open": [],
        "category": [d],
    }
    assert story.reads["bad status"]["errors"][0]["field"] == "query.status"


def test_the_demand_reads_with_its_award_and_public_history(story: Story) -> None:
    demand = story.reads["demand"]
    assert (demand["status"], demand["awardedOffer"], demand["orderId"]) == (
        "awarded",
        story.offer_a,
        story.order_id,
    )
    assert (demand["homeExchange"], demand["offerCount"], demand["terms"]["title"]) == (B, 2, TITLE)
    assert [e["event"] for e in demand["history"]] == ["DemandPosted"]
    assert story.reads["unknown demand"] == 404


def test_the_buyer_sees_every_offer_a_supplier_its_own_and_others_none(story: Story) -> None:
    offers = story.reads["offers"]
    ids = {who: [o["offerId"] for o in items] for who, items in offers.items()}
    assert ids == {
        "buyer": [story.offer_a, story.offer_c],
        "B": [story.offer_a, story.offer_c],
        "supplier C": [story.offer_c],
        "C": [story.offer_c],
        "other buyer": [],
    }
    assert story.reads["offer A as supplier C"] == 404
    offer = story.reads["offer A as buyer"]
    assert (offer["status"], offer["terms"]["price"], offer["terms"]["productId"]) == (
        "awarded",
        str(LISTED_PRICE),
        1,
    )


def test_the_awarded_order_s_certificate_verifies_offline(story: Story) -> None:
    genesis = json.loads(story.genesis.read_text())
    verdict = verify_certificate(story.certificate, genesis)
    assert verdict.valid, verdict.detail
    certificate = verdict.settlement["certificate"]
    assert (certificate["offerId"], certificate["amount"], certificate["units"]) == (
        story.offer_a,
        LISTED_PRICE,
        1,
    )
    assert (certificate["buyerExchange"], certificate["sellerExchange"]) == (
        "0x" + encode_exchange_code(B).hex(),
        "0x" + encode_exchange_code(A).hex(),
    )


def test_the_regulator_s_audit_export_holds_every_demand_event_decoded(story: Story) -> None:
    rows = [r for r in story.export if r["contract"] == "DemandBoard"]
    assert [(r["event"], int(r["fields"].get("offerId", 0))) for r in rows
            if r["event"] in DEMAND_EVENTS] == _demand_story(story.streams["B"])  # fmt: skip
    awarded = next(r for r in rows if r["event"] == "DemandAwarded")
    assert sorted(awarded["exchanges"]) == sorted([A, B])
    assert awarded["fields"]["orderId"] == story.order_id
    assert awarded["fields"]["terms"]["price"] == LISTED_PRICE
    closed = next(r for r in rows if r["event"] == "OfferClosed")
    assert sorted(closed["exchanges"]) == sorted([B, C])


def test_the_parquet_export_types_the_demand_s_fields(story: Story) -> None:
    table = pq.read_table(story.parquet / "by_event" / "DemandBoard.DemandPosted")
    row = table.to_pylist()[0]
    assert (row["demandId"], row["terms.title"], row["terms.budgetMax"]) == (
        story.demand_id,
        TITLE,
        1_000_000,
    )
