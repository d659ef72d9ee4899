"""`dcl-client demands` against a real node's gateway: a buyer at B posts a demand from a terms
file, a supplier at A offers its listed product keeping the salt in an owner-only file, reveals
from that file after the deadline, and the buyer awards the offer: the order is created."""

from __future__ import annotations

import json
import stat
import time
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.sdk.test_cli_commands import TERMS, Cli, Run, market_cli
from tests.support.market_node import operator, participant
from tests.support.sdk_market import A, B, SdkNode

SUPPLIER, BUYER = participant(61), participant(62)
RESPONSE_SECONDS = 20
DEMAND = {
    "title": "Weekly customs clearance forecasts",
    "category": "0x" + "5a" * 32,
    "productType": "dataset",
    "rights": ["processing-use"],
    "classificationCeiling": "general",
    "budgetMin": "500000",
    "budgetMax": "2000000",
    "currency": "CNY",
    "descriptionHash": "0x" + "7c" * 32,
    "descriptionUri": "https://demands.example/customs",
}


@dataclass
class Story:
    cli: Cli
    demand_id: int
    offered: dict[str, Any]
    kept_mode: int
    sealed_offers: list[dict[str, Any]]
    second_offer: Run
    revealed: dict[str, Any]
    awarded: dict[str, Any]


@pytest.fixture(scope="module")
def story(ledger: SdkNode, tmp_path_factory: pytest.TempPathFactory) -> Story:
    cli = market_cli(ledger, tmp_path_factory.mktemp("dcl-demands"), SUPPLIER, BUYER)
    home = cli.home
    (home / "product.json").write_text(json.dumps({**TERMS, "title": "Clearance by port"}))
    submitted = cli(SUPPLIER, "products", "submit", "--exchange", A, "--terms",
                    str(home / "product.json"))  # fmt: skip
    product = str(cli.event_arg(submitted, "ProductSubmitted", "productId"))
    cli(operator(A), "products", "approve", product, "--version", "1").json()
    (home / "demand.json").write_text(json.dumps(DEMAND))
    posted = cli(BUYER, "demands", "post", "--exchange", B, "--terms", str(home / "demand.json"),
                 "--respond-within", str(RESPONSE_SECONDS))  # fmt: skip
    demand_id = cli.event_arg(posted, "DemandPosted", "demandId")
    kept = home / "offer.json"
    offer = ("demands", "offer", str(demand_id), "--product", product, "--price", "1250000",
             "--delivery-days", "7", "--keep", str(kept))  # fmt: skip
    offered = cli(SUPPLIER, *offer).json()
    second = cli(SUPPLIER, *offer)
    sealed = cli(BUYER, "demands", "offers", str(demand_id)).json()
    deadline = cli(BUYER, "demands", "show", str(demand_id)).json()["terms"]["response_deadline"]
    time.sleep(max(0.0, deadline + 1.5 - time.time()))
    revealed = cli(SUPPLIER, "demands", "reveal", "--keep", str(kept)).json()
    awarded = cli(BUYER, "demands", "award", str(offered["offerId"]), "--contract",
                  "model contract 2024-91", "--right", "processing-use").json()  # fmt: skip
    mode = stat.S_IMODE(kept.stat().st_mode)
    return Story(cli, demand_id, offered, mode, sealed, second, revealed, awarded)


def test_the_offer_keeps_its_salt_in_an_owner_only_file(story: Story) -> None:
    kept = json.loads((story.cli.home / "offer.json").read_text())
    assert story.kept_mode == 0o600
    assert (kept["offerId"], kept["commitment"]) == (
        story.offered["offerId"],
        story.offered["commitment"],
    )
    assert len(bytes.fromhex(kept["salt"][2:])) == 32


def test_a_second_offer_never_overwrites_the_kept_salt(story: Story) -> None:
    assert (story.second_offer.code, story.second_offer.out) == (2, "")
    assert "exists: it may hold another offer's salt" in story.second_offer.err


def test_the_buyer_sees_the_offer_sealed_before_the_deadline(story: Story) -> None:
    assert [(o["offer_id"], o["status"], o["terms"]) for o in story.sealed_offers] == [
        (story.offered["offerId"], "sealed", None)
    ]


def test_the_kept_file_reveals_and_the_award_creates_the_order(story: Story) -> None:
    assert [e["event"] for e in story.revealed["events"]] == ["OfferRevealed"]
    assert story.awarded["function"] == "DemandBoard.award"
    awarded = (e for e in story.awarded["events"] if e["event"] == "DemandAwarded")
    order_id = next(awarded)["args"]["orderId"]
    order = story.cli(BUYER, "orders", "show", str(order_id)).json()
    assert (order["buyer_exchange"], order["seller_exchange"]) == (B, A)


def test_demands_list_finds_the_awarded_demand_among_the_closed(story: Story) -> None:
    page = story.cli(BUYER, "demands", "list", "--status", "closed", "--text", "customs").json()
    assert [(d["demand_id"], d["status"]) for d in page["items"]] == [(story.demand_id, "awarded")]
