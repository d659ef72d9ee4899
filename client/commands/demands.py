"""``dcl-client demands`` commands: search and read the demand pool, post a demand, make a
sealed offer and reveal it, shortlist, award, withdraw, take down.

``offer`` writes the sealed offer (with its salt) to the ``--keep`` file, owner-only, before
the transaction is sent, so the offer can always be revealed; ``reveal --keep`` reads it.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from client.commands.market import (
    DAY,
    Command,
    UsageError,
    command_adder,
    hash_arg,
    page_options,
    reading,
    signing,
)
from client.sdk import (
    Client,
    ContractType,
    DemandStatus,
    DemandTerms,
    GrantRequest,
    OfferTerms,
    Right,
    SealedOffer,
    TransactionStatus,
)
from client.sdk.models import parse_demand

STATUS_FILTERS = [*list(DemandStatus)[1:], "closed"]


def read_demand_terms(path: Path, home_exchange: str, deadline: int) -> DemandTerms:
    """A terms file shaped as a demand's ``terms`` in the gateway's answers, without the
    deadline (given as ``--respond-within``)."""
    try:
        given = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read the terms file {path}: {error}") from error
    if not isinstance(given, dict):
        raise UsageError(f"{path} must hold a JSON object")
    document = {
        "demandId": 0, "buyer": "", "homeExchange": home_exchange, "status": "none",
        "offerCount": 0, "postedAt": 0, "awardedOffer": None, "orderId": None,
        "terms": {**given, "responseDeadline": deadline}, "updatedInBlock": 0,
    }  # fmt: skip
    try:
        return parse_demand(document).terms
    except ValueError as error:
        raise UsageError(f"{path}: not demand terms: {error}") from error


def post_demand(args: argparse.Namespace, client: Client) -> TransactionStatus:
    deadline = int(time.time()) + args.respond_within
    return client.post_demand(read_demand_terms(args.terms, args.exchange, deadline))


def keep(path: Path, sealed: SealedOffer, *, replace: bool) -> None:
    """Write the sealed offer owner-only; a new file never overwrites one (its salt)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} exists: it may hold another offer's salt") from None
    with os.fdopen(descriptor, "w") as file:
        json.dump(sealed.to_json(), file, indent=2)
        file.write("\n")


def make_offer(args: argparse.Namespace, client: Client) -> dict[str, Any]:
    if (args.product is None) == (args.proposal is None):
        raise UsageError("offer either --product (with --version) or --proposal")
    if args.product is not None:
        terms = OfferTerms.listed(args.product, args.version, args.price, args.delivery_days)
    else:
        terms = OfferTerms.proposal(hash_arg(args.proposal), args.price, args.delivery_days)
    sealed = client.seal_offer(args.demand_id, terms)
    keep(args.keep, sealed, replace=False)
    offered = client.submit_offer(sealed)
    keep(args.keep, offered, replace=True)
    return {"offerId": offered.offer_id, "commitment": offered.to_json()["commitment"],
            "kept": str(args.keep)}  # fmt: skip


def reveal_offer(args: argparse.Namespace, client: Client) -> TransactionStatus:
    try:
        sealed = SealedOffer.from_json(json.loads(args.keep.read_text()))
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot use the kept offer {args.keep}: {error}") from error
    return client.reveal_offer(sealed)


def award_offer(args: argparse.Namespace, client: Client) -> TransactionStatus:
    grant = None
    if args.right is not None:
        now = client.chain().head_timestamp
        grant = GrantRequest(
            right=args.right, purpose_code=args.purpose, valid_from=now,
            valid_until=now + args.valid_days * DAY, max_uses=args.max_uses,
        )  # fmt: skip
    terms = client.quote_award(
        args.offer_id, contract_hash=hash_arg(args.contract), grant=grant,
        contract_type=args.contract_type,
    )  # fmt: skip
    return client.award_offer(args.offer_id, terms)


def search_demands(args: argparse.Namespace, client: Client) -> Any:
    return client.search_demands(
        text=args.text, exchange=args.exchange,
        category=None if args.category is None else hash_arg(args.category),
        budget=args.budget, currency=args.currency, status=args.status,
        cursor=args.cursor, limit=args.limit,
    )  # fmt: skip


def add_demand_commands(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    command = command_adder(common)
    demands = commands.add_parser("demands", help="the demand pool: post, offer, award")
    group = demands.add_subparsers(dest="demands_command", required=True)
    _read_commands(group, command)
    _buyer_commands(group, command)
    _supplier_commands(group, command)
    take_down = command(
        group, "take-down",
        signing(lambda a, c: c.take_down_demand(a.demand_id, hash_arg(a.reason))),
        "take a demand down (regulator)",
    )  # fmt: skip
    take_down.add_argument("demand_id", type=int)
    take_down.add_argument("--reason", required=True, help="hash, or text to hash")


def _read_commands(group: Any, command: Command) -> None:
    search = command(group, "list", reading(search_demands), "search demands (one page)")
    search.add_argument("--text", help="words of the title, whole or their beginning")
    search.add_argument("--exchange", help="the demand's home exchange")
    search.add_argument("--category", help="category: 0x + 32 bytes, or text to hash")
    search.add_argument("--budget", type=int, help="an amount within the budget range")
    search.add_argument("--currency", help="ISO 4217 code, e.g. CNY")
    search.add_argument("--status", choices=STATUS_FILTERS)
    page_options(search)
    show = reading(lambda a, c: c.demand(a.demand_id))
    command(group, "show", show, "a demand and its public history").add_argument(
        "demand_id", type=int
    )
    offers = reading(lambda a, c: c.demand_offers(a.demand_id))
    command(group, "offers", offers, "the offers on a demand visible to the account").add_argument(
        "demand_id", type=int
    )


def _buyer_commands(group: Any, command: Command) -> None:
    post = command(group, "post", signing(post_demand), "post a demand (buyer)")
    post.add_argument("--exchange", required=True, help="the home exchange: the buyer's")
    post.add_argument("--terms", type=Path, required=True, help="the demand's terms (JSON)")
    post.add_argument(
        "--respond-within", type=int, required=True, help="seconds until the offers' deadline"
    )
    shortlist = command(
        group, "shortlist", signing(lambda a, c: c.shortlist_offer(a.offer_id)),
        "shortlist a revealed offer (buyer)",
    )  # fmt: skip
    shortlist.add_argument("offer_id", type=int)
    award = command(group, "award", signing(award_offer), "award a revealed offer (buyer)")
    award.add_argument("offer_id", type=int)
    award.add_argument("--contract", required=True, help="the signed contract: hash or text")
    award.add_argument("--contract-type", type=ContractType, choices=list(ContractType))
    award.add_argument("--right", type=Right, choices=list(Right), help="a listed product's grant")
    award.add_argument("--purpose", default="GENERAL", help="purpose code, e.g. CREDIT-RISK")
    award.add_argument("--valid-days", type=int, default=365, help="the grant's window")
    award.add_argument("--max-uses", type=int, default=0, help="0: unlimited")
    withdraw = command(
        group, "withdraw", signing(lambda a, c: c.withdraw_demand(a.demand_id)),
        "withdraw an open demand (buyer)",
    )  # fmt: skip
    withdraw.add_argument("demand_id", type=int)


def _supplier_commands(group: Any, command: Command) -> None:
    offer = command(group, "offer", signing(make_offer), "make a sealed offer (supplier)")
    offer.add_argument("demand_id", type=int)
    offer.add_argument("--product", type=int, help="a listed product of the supplier")
    offer.add_argument("--version", type=int, default=1, help="its listed version")
    offer.add_argument("--proposal", help="a product to be made: its proposal, hash or text")
    offer.add_argument("--price", type=int, required=True, help="total, in the minor unit")
    offer.add_argument("--delivery-days", type=int, required=True)
    offer.add_argument(
        "--keep", type=Path, required=True, help="new file to keep the salt in until the reveal"
    )
    reveal = command(group, "reveal", signing(reveal_offer), "reveal a kept offer (supplier)")
    reveal.add_argument("--keep", type=Path, required=True, help="the file `offer` wrote")
