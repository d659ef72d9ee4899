"""``dcl-client`` commands over the gateway: sign in, list and review products, trade, follow
events, fetch certificates. Each prints JSON (an event stream: one JSON line per event).

Hash arguments (evidence, contract, reasons) take 32 bytes as 0x hex, or any other text, which
is hashed with keccak-256 (so ``--evidence "bank transfer 2024-117"`` records its hash).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eth_utils import keccak

from client.commands.output import print_json
from client.commands.session import gateway_client, signed_in, unlock
from client.sdk import (
    Classification,
    Client,
    ContractType,
    EventFilters,
    GrantRequest,
    ListingTerms,
    Page,
    Product,
    ProductStatus,
    Right,
    Role,
    TransactionStatus,
)
from client.sdk.models import parse_listing_terms

_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
DAY = 86_400


class UsageError(Exception):
    """The command's input cannot be used (an unreadable file, a malformed value)."""


def hash_arg(text: str) -> bytes:
    """32 bytes given as 0x hex, or the keccak-256 of any other text."""
    return bytes.fromhex(text[2:]) if _HASH.match(text) else keccak(text=text)


Action = Callable[[argparse.Namespace, Client], Any]
"""A command's work with a signed-in client; what it returns is printed as JSON."""


def reading(action: Action) -> Callable[[argparse.Namespace], int]:
    """A command that reads: on the kept session if there is one, without the key."""
    return lambda args: _run(args, action, signing=False)


def signing(action: Action) -> Callable[[argparse.Namespace], int]:
    """A command that signs a transaction: the key is unlocked."""
    return lambda args: _run(args, action, signing=True)


def _run(args: argparse.Namespace, action: Action, *, signing: bool) -> int:
    with gateway_client(args, signing=signing) as client:
        print_json(action(args, client))
    return 0


def cmd_login(args: argparse.Namespace) -> int:
    account = unlock(args)
    with signed_in(args, account) as client:
        print_json({"address": account.address, "gateway": args.gateway, "identity": client.me()})
    return 0


def register_participant(args: argparse.Namespace, client: Client) -> TransactionStatus:
    return client.register_participant(
        args.address,
        args.roles,
        credit_code_hash=hash_arg(args.credit_code_hash),
        jurisdiction=args.jurisdiction,
    )


def search_products(args: argparse.Namespace, client: Client) -> Page[Product]:
    return client.search_products(
        text=args.text,
        exchange=args.exchange,
        category=None if args.category is None else hash_arg(args.category),
        classification=args.classification,
        rights=args.rights or (),
        status=args.status,
        cursor=args.cursor,
        limit=args.limit,
    )


def read_terms(path: Path, supplier: str) -> ListingTerms:
    """A terms file: an object shaped as a product's ``terms`` in the gateway's answers;
    ``deliveryAccount`` defaults to the supplier, the hashes to zero, the flags to false."""
    try:
        given = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read the terms file {path}: {error}") from error
    if not isinstance(given, dict):
        raise UsageError(f"{path} must hold a JSON object")
    defaults: dict[str, Any] = {
        "deliveryAccount": supplier,
        "personalInformation": False,
        "exportAllowed": False,
        "complianceReportHash": "0x" + "00" * 32,
    }
    try:
        return parse_listing_terms({**defaults, **given})
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"{path}: not listing terms: {error!r}") from error


def submit_product(args: argparse.Namespace, client: Client) -> TransactionStatus:
    assert client.account is not None
    return client.submit_product(args.exchange, read_terms(args.terms, client.account.address))


def create_order(args: argparse.Namespace, client: Client) -> TransactionStatus:
    now = client.chain().head_timestamp
    grant = GrantRequest(
        right=args.right,
        purpose_code=args.purpose,
        valid_from=now,
        valid_until=now + args.valid_days * DAY,
        max_uses=args.max_uses,
    )
    request = client.quote_order(
        args.product,
        buyer_exchange=args.buyer_exchange,
        grant=grant,
        contract_hash=hash_arg(args.contract),
        quantity=args.quantity,
        contract_type=args.contract_type,
    )
    return client.create_order(request)


ORDER_STEPS: dict[str, tuple[Action, str]] = {
    "accept": (lambda a, c: c.accept_order(a.order_id), "accept an order (supplier)"),
    "pay": (
        lambda a, c: c.record_payment(a.order_id, hash_arg(a.evidence), bill=a.bill),
        "record payment evidence (the buyer's exchange)",
    ),
    "deliver": (
        lambda a, c: c.deliver(a.order_id, hash_arg(a.evidence)),
        "record delivery evidence (supplier)",
    ),
    "confirm": (
        lambda a, c: c.confirm(a.order_id, bill=a.bill),
        "confirm delivery: the bill settles (buyer)",
    ),
    "cancel": (lambda a, c: c.cancel_order(a.order_id), "cancel (or consent to cancel) an order"),
}


def cmd_events(args: argparse.Namespace) -> int:
    filters = EventFilters(
        event=args.event, exchange=args.exchange, product=args.product, party=args.party,
        order=args.order, grant=None, from_block=args.from_block,
    )  # fmt: skip
    with (
        gateway_client(args, signing=False) as client,
        client.events(filters, last_event_id=args.last_event_id, follow=args.follow) as stream,
    ):
        for event in stream:
            print_json(event, lines=True)
    return 0


def cmd_certificate(args: argparse.Namespace) -> int:
    with gateway_client(args, signing=False) as client:
        document = client.certificate(args.order_id, bill=args.bill)
    text = json.dumps(document, indent=2)
    if args.out is None:
        print(text)
    else:
        args.out.write_text(text + "\n")
        print_json({"orderId": args.order_id, "written": str(args.out)})
    return 0


def page_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, help="items per page (up to 100)")
    parser.add_argument("--cursor", help="the `next` of the previous page")


Command = Callable[[Any, str, Any, str], argparse.ArgumentParser]
"""Adds a command (group, name, handler, help) taking the common options."""


def command_adder(common: argparse.ArgumentParser) -> Command:
    def command(group: Any, name: str, handler: Any, text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = group.add_parser(name, parents=[common], help=text)
        parser.set_defaults(handler=handler)
        return parser

    return command


def add_market_commands(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    command = command_adder(common)
    command(commands, "login", cmd_login, "sign in (EIP-4361) and keep the session")
    command(commands, "me", reading(lambda a, c: c.me()), "the account's roles in the head state")
    _participant_commands(commands, command)
    _product_commands(commands, command)
    _order_commands(commands, command)
    _event_and_certificate_commands(commands, command)


def _participant_commands(commands: argparse._SubParsersAction, command: Command) -> None:
    participants = commands.add_parser("participants", help="register and show participants")
    group = participants.add_subparsers(dest="participants_command", required=True)
    register = command(
        group, "register", signing(register_participant), "register a participant (operator)"
    )
    register.add_argument("address")
    register.add_argument(
        "--roles", type=lambda t: [Role(r) for r in t.split(",")], required=True,
        help="comma-separated: " + ", ".join(Role),
    )  # fmt: skip
    register.add_argument("--jurisdiction", default="CN", help="ISO 3166 code (default CN)")
    register.add_argument(
        "--credit-code-hash", required=True, help="the consortium's keyed hash of its credit code"
    )
    show = reading(lambda a, c: c.participant(a.address))
    command(group, "show", show, "a participant's registration").add_argument("address")


def _product_commands(commands: argparse._SubParsersAction, command: Command) -> None:
    products = commands.add_parser("products", help="search, show, submit and approve listings")
    group = products.add_subparsers(dest="products_command", required=True)
    search = command(group, "search", reading(search_products), "search listings (one page)")
    search.add_argument("--text", help="words of the title, whole or their beginning")
    search.add_argument("--exchange", help="listing exchange code")
    search.add_argument("--category", help="category: 0x + 32 bytes, or text to hash")
    search.add_argument("--classification", type=Classification, choices=list(Classification))
    search.add_argument(
        "--rights", type=lambda t: [Right(r) for r in t.split(",")], help="e.g. processing-use"
    )
    search.add_argument("--status", type=ProductStatus, choices=list(ProductStatus)[1:])
    page_options(search)
    show = reading(lambda a, c: c.product(a.product_id))
    command(group, "show", show, "a listing with its recognition and history").add_argument(
        "product_id", type=int
    )
    submit = command(group, "submit", signing(submit_product), "submit a listing for review")
    submit.add_argument("--exchange", required=True, help="the exchange to review and list it")
    submit.add_argument("--terms", type=Path, required=True, help="the listing terms (JSON)")
    approve = command(
        group, "approve", signing(lambda a, c: c.approve_product(a.product_id, a.version)),
        "approve a version (operator)",
    )  # fmt: skip
    approve.add_argument("product_id", type=int)
    approve.add_argument("--version", type=int, required=True)


def _order_commands(commands: argparse._SubParsersAction, command: Command) -> None:
    orders = commands.add_parser("orders", help="the order lifecycle")
    group = orders.add_subparsers(dest="orders_command", required=True)
    listed = reading(lambda a, c: c.orders(cursor=a.cursor, limit=a.limit))
    page_options(command(group, "list", listed, "the orders visible to the account"))
    show = reading(lambda a, c: c.order(a.order_id))
    command(group, "show", show, "an order's state and events").add_argument("order_id", type=int)
    create = command(group, "create", signing(create_order), "order a listed product (buyer)")
    create.add_argument("--product", type=int, required=True)
    create.add_argument("--buyer-exchange", required=True, help="the buyer's exchange code")
    create.add_argument("--quantity", type=int, default=1)
    create.add_argument("--contract", required=True, help="the signed contract: hash or text")
    create.add_argument(
        "--contract-type", type=ContractType, choices=list(ContractType),
        default=ContractType.DATA_PROVISION,
    )  # fmt: skip
    create.add_argument("--right", type=Right, choices=list(Right), required=True)
    create.add_argument("--purpose", required=True, help="purpose code, e.g. CREDIT-RISK")
    create.add_argument("--valid-days", type=int, default=365, help="the grant's window")
    create.add_argument("--max-uses", type=int, default=0, help="0: unlimited")
    for name, (action, text) in ORDER_STEPS.items():
        step = command(group, name, signing(action), text)
        step.add_argument("order_id", type=int)
        if name in ("pay", "deliver"):
            step.add_argument("--evidence", required=True, help="hash, or text to hash")
        if name in ("pay", "confirm"):
            step.add_argument("--bill", type=int, default=0)


def _event_and_certificate_commands(commands: argparse._SubParsersAction, command: Command) -> None:
    events = command(commands, "events", cmd_events, "domain events as JSON lines")
    events.add_argument("--event", help="an event name, e.g. TradeSettled")
    events.add_argument("--exchange")
    events.add_argument("--product", type=int)
    events.add_argument("--party")
    events.add_argument("--order", type=int)
    events.add_argument("--from-block", type=int)
    events.add_argument("--last-event-id", help="resume after this event")
    events.add_argument("--follow", action="store_true", help="keep following new blocks")

    certificate = command(
        commands, "certificate", cmd_certificate, "fetch a settled order's trade certificate"
    )
    certificate.add_argument("order_id", type=int)
    certificate.add_argument("--bill", type=int)
    certificate.add_argument("--out", type=Path, help="write it here (else print it)")
