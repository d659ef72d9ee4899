"""`dcl-client` against a real node's gateway, as scripts would use it: keys imported into a
keystore, then a whole trade run by commands alone (registration, listing, review, order,
payment evidence, delivery, confirmation), its events and certificate fetched, and the
certificate verified offline. Output is JSON; refusals print the problem and exit 1."""

from __future__ import annotations

import contextlib
import io
import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from client.cli import main as dcl_client
from tests.support.market_node import operator, participant
from tests.support.sdk_market import PRICE, A, B, SdkNode

SUPPLIER, BUYER = participant(41), participant(42)
TERMS = {
    "title": "Customs clearance times by port, weekly",
    "category": "0x" + "5a" * 32,
    "productType": "dataset",
    "classification": "general",
    "source": "public-authorized",
    "rights": ["processing-use"],
    "priceModel": "fixed",
    "unitPrice": str(PRICE),
    "currency": "CNY",
    "metadataUri": "https://catalogue.example/customs-weekly",
    "metadataHash": "0x" + "6b" * 32,
}


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)


@dataclass
class Cli:
    home: Path
    gateway: str

    def __call__(self, account: LocalAccount | None, *argv: str, password: str = "password") -> Run:
        options = ["--home", str(self.home), "--gateway", self.gateway]
        if account is not None:
            options += ["--account", account.address]
        options += ["--password-file", str(self.home / password)]
        return self.plain(*argv, *options)

    def plain(self, *argv: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = dcl_client(list(argv))
        return Run(code, out.getvalue(), err.getvalue())

    def event_arg(self, run: Run, event: str, name: str) -> Any:
        return next(e["args"][name] for e in run.json()["events"] if e["event"] == event)


@dataclass
class Story:
    cli: Cli
    product_id: int
    order_id: int
    confirmed: Run
    genesis: Path


def market_cli(ledger: SdkNode, home: Path, supplier: LocalAccount, buyer: LocalAccount) -> Cli:
    """A keystore holding the operators of A and B, ``supplier`` and ``buyer``, registered by
    commands at A and B."""
    (home / "password").write_text("s3cret\n")
    cli = Cli(home, ledger.url)
    for index, account in enumerate((operator(A), operator(B), supplier, buyer)):
        (home / f"key-{index}").write_text(account.key.hex())
        cli(None, "key", "import", "--light-kdf", "--private-key-file", str(home / f"key-{index}"))
    for exchange, account, role in ((A, supplier, "supplier"), (B, buyer, "buyer")):
        cli(operator(exchange), "participants", "register", account.address, "--roles", role,
            "--credit-code-hash", f"credit {account.address}").json()  # fmt: skip
    return cli


@pytest.fixture(scope="module")
def story(ledger: SdkNode, tmp_path_factory: pytest.TempPathFactory) -> Story:
    cli = market_cli(ledger, tmp_path_factory.mktemp("dcl-home"), SUPPLIER, BUYER)
    home = cli.home
    (home / "terms.json").write_text(json.dumps(TERMS))
    submitted = cli(SUPPLIER, "products", "submit", "--exchange", A, "--terms",
                    str(home / "terms.json"))  # fmt: skip
    product_id = cli.event_arg(submitted, "ProductSubmitted", "productId")
    cli(operator(A), "products", "approve", str(product_id), "--version", "1").json()
    created = cli(BUYER, "orders", "create", "--product", str(product_id), "--buyer-exchange", B,
                  "--contract", "model contract 2024-88", "--right", "processing-use",
                  "--purpose", "CREDIT-RISK", "--max-uses", "3")  # fmt: skip
    order_id = cli.event_arg(created, "OrderCreated", "orderId")
    order = str(order_id)
    cli(SUPPLIER, "orders", "accept", order).json()
    cli(operator(B), "orders", "pay", order, "--evidence", "bank transfer 2024-118").json()
    cli(SUPPLIER, "orders", "deliver", order, "--evidence", "delivery manifest").json()
    confirmed = cli(BUYER, "orders", "confirm", order)
    return Story(cli, product_id, order_id, confirmed, ledger.genesis)


def test_the_whole_trade_runs_through_commands(story: Story) -> None:
    confirmed = story.confirmed.json()
    assert (confirmed["status"], confirmed["function"]) == ("succeeded", "TradeSettlement.confirm")
    assert [e["event"] for e in confirmed["events"]] == ["TradeSettled"]


def test_orders_show_prints_the_order_with_its_events(story: Story) -> None:
    order = story.cli(BUYER, "orders", "show", str(story.order_id)).json()
    assert (order["order_id"], order["buyer"], order["seller_exchange"]) == (
        story.order_id,
        BUYER.address,
        A,
    )
    assert order["events"][-1]["event"] == "TradeSettled"


def test_products_search_prints_a_page_as_json(story: Story) -> None:
    page = story.cli(BUYER, "products", "search", "--text", "customs", "--exchange", A).json()
    assert [p["product_id"] for p in page["items"]] == [story.product_id]
    assert page["items"][0]["terms"]["rights"] == ["processing-use"]


def test_events_print_one_json_line_per_event(story: Story) -> None:
    run = story.cli(BUYER, "events", "--order", str(story.order_id))
    assert run.code == 0, run.err
    names = [json.loads(line)["event"] for line in run.out.splitlines()]
    assert names == [
        "OrderCreated",
        "OrderAccepted",
        "BillPaid",
        "GrantIssued",
        "AuthorizationIssued",
        "Delivered",
        "TradeSettled",
    ]


def test_the_fetched_certificate_verifies_offline(story: Story) -> None:
    path = story.cli.home / "certificate.json"
    written = story.cli(BUYER, "certificate", str(story.order_id), "--out", str(path)).json()
    assert written == {"orderId": story.order_id, "written": str(path)}
    verified = story.cli.plain("verify-certificate", str(path), "--genesis", str(story.genesis))
    assert (verified.code, verified.out.splitlines()[0]) == (0, "valid")
    assert f"settlement.orderId  {story.order_id}" in verified.out.splitlines()


def test_login_keeps_a_session_that_later_reads_use_without_the_key(story: Story) -> None:
    (story.cli.home / "wrong").write_text("not the password\n")
    login = story.cli(operator(B), "login").json()
    assert (login["address"], login["identity"]["exchange"]) == (operator(B).address, B)
    session = story.cli.home / "sessions" / f"{operator(B).address.lower()}.json"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    me = story.cli(operator(B), "me", password="wrong").json()
    assert me["exchange"] == B


def test_a_refused_command_prints_the_problem_and_exits_1(story: Story) -> None:
    refused = story.cli(BUYER, "products", "approve", str(story.product_id), "--version", "1")
    assert (refused.code, refused.out) == (1, "")
    assert refused.err.strip() == (
        "dcl-client: error: The caller's role does not allow this: DataProductRegistry.approve"
        f" needs one of the roles operator; {BUYER.address} holds anyone, buyer, participant"
    )
