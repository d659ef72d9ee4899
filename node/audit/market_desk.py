"""The regulator's desk: every order, authorization and dispute of the market, and the audit
report's figures, folded from the decoded events in chain order.

Pure: it is fed the same ``LedgerEvent``s as ``dcl audit report`` (every system-contract event
from block 1 on, in order), so its figures are the report's by construction. Order, bill and
grant state come from the folds that rebuild the contracts' views from events alone
(``client.settlement_events``, ``client.registries_events``); a dispute keeps its whole history
(raised, each mediation proposal and who accepted it, the resolution), which the views forget.
Orders and grants are listed by id, disputes in the order they were raised; a page continues
after the last key it gave, so a cursor stays valid while blocks arrive.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from client import registries_events, settlement_events
from node.audit.figures import MAINLAND, MarketFigures
from node.audit.ledger_event import LedgerEvent

V = TypeVar("V")
NON_DELIVERY = settlement_events.Resolution.NON_DELIVERY
GRANT_EVENTS = frozenset({"GrantIssued", "UseRecorded", "GrantRevoked"})


def position_of(event: LedgerEvent) -> int:
    """The event's place in the chain, as the gateway's event ids: block << 32 | log index."""
    return event.block_number << 32 | event.log_index


def report_chain(
    chain_id: int, genesis_hash: bytes, head_number: int, head_hash: bytes, events: int
) -> dict[str, Any]:
    """The ``chain`` part of ``dcl audit report --json``: which chain, up to which block."""
    return {
        "chain id": chain_id,
        "genesis": "0x" + genesis_hash.hex(),
        "head block": head_number,
        "head hash": "0x" + head_hash.hex(),
        "events": events,
    }


def _text(code: bytes) -> str:
    return code.rstrip(b"\0").decode("ascii", errors="replace")


@dataclass
class OrderFacts:
    """What an order's view does not hold: whom it concerns, where it began, its export side."""

    exchanges: tuple[str, ...]
    parties: tuple[str, ...]
    created_in_block: int
    transaction_hash: bytes
    buyer_jurisdiction: str
    cross_border: bool
    """As the report counts it: a buyer outside the mainland, or destinations abroad."""
    bills: list[int] = field(default_factory=list)
    disputes: list[int] = field(default_factory=list)
    """Positions of the disputes raised on its bills."""


@dataclass
class GrantFacts:
    product_id: int
    grantee: str
    exchanges: tuple[str, ...]
    parties: tuple[str, ...]
    issued_in_block: int
    transaction_hash: bytes
    revocation: dict[str, Any] | None = None
    """``{reason, by, reasonHash, block}`` once revoked."""


@dataclass
class Dispute:
    order_id: int
    bill_no: int
    position: int
    raised_by: str
    reason_hash: bytes
    raised_at: int
    raised_in_block: int
    transaction_hash: bytes
    mediation: list[dict[str, Any]] = field(default_factory=list)
    """Each proposal of the listing exchange, in rounds, with the parties that accepted it."""
    resolution: dict[str, Any] | None = None


@dataclass(frozen=True)
class OrderQuery:
    status: int | None = None
    """A ``settlement_events.OrderStatus``."""
    frozen: bool | None = None
    cross_border: bool | None = None
    disputed: bool | None = None
    exchange: str | None = None
    party: str | None = None
    product: int | None = None


@dataclass(frozen=True)
class GrantQuery:
    status: int | None = None
    """``registries_events.GRANT_ACTIVE`` or ``GRANT_REVOKED``."""
    exchange: str | None = None
    party: str | None = None
    product: int | None = None
    order: int | None = None


@dataclass(frozen=True)
class DisputeQuery:
    open: bool | None = None
    resolution: int | None = None
    """A ``settlement_events.Resolution``; only resolved disputes have one."""
    exchange: str | None = None
    party: str | None = None
    order: int | None = None


def page(
    keys: list[int],
    items: Mapping[int, V],
    after: int | None,
    limit: int,
    admits: Callable[[int, V], bool],
) -> tuple[list[tuple[int, V]], int | None]:
    """Up to ``limit`` admitted items whose key (``keys`` ascending) follows ``after``, and the
    key to continue after when the page is full (None at the end)."""
    start = 0 if after is None else bisect_right(keys, after)
    found: list[tuple[int, V]] = []
    for index in range(start, len(keys)):
        key = keys[index]
        value = items[key]
        if admits(key, value):
            found.append((key, value))
            if len(found) == limit:
                return found, key
    return found, None


@dataclass
class MarketDesk:
    """Feed it every event from block 1 on (``add``); ``through`` is the last block fed."""

    figures: MarketFigures = field(default_factory=MarketFigures)
    settlement: settlement_events.SettlementState = field(
        default_factory=settlement_events.SettlementState
    )
    registries: registries_events.RegistryState = field(
        default_factory=registries_events.RegistryState
    )
    orders: dict[int, OrderFacts] = field(default_factory=dict)
    order_ids: list[int] = field(default_factory=list)
    grants: dict[int, GrantFacts] = field(default_factory=dict)
    grant_ids: list[int] = field(default_factory=list)
    disputes: dict[int, Dispute] = field(default_factory=dict)
    """Position of its ``DisputeRaised`` → dispute."""
    dispute_positions: list[int] = field(default_factory=list)
    dispute_of_bill: dict[tuple[int, int], int] = field(default_factory=dict)
    jurisdictions: dict[str, str] = field(default_factory=dict)
    events: int = 0
    through: int = 0

    def add_all(self, events: Iterable[LedgerEvent], through: int) -> None:
        for event in events:
            self.add(event)
        self.through = through

    def add(self, event: LedgerEvent) -> None:
        self.figures.add(event)
        self.events += 1
        contract, name, args = event.contract, event.name, event.args
        if contract in ("TradeSettlement", "ExportBasisRegistry"):
            self._before_settlement(event)
            settlement_events.apply(self.settlement, name, dict(args))
            self._after_settlement(event)
        elif contract == "AuthorizationRegistry" and name in GRANT_EVENTS:
            registries_events.apply_event(self.registries, name, dict(args))
            self._grant_event(event)
        elif contract == "ParticipantRegistry" and name == "ParticipantRegistered":
            self.jurisdictions[args["account"]] = _text(args["jurisdiction"])

    def _before_settlement(self, event: LedgerEvent) -> None:
        a = event.args
        if event.name == "OrderCreated":
            order = a["order"]
            jurisdiction = self.jurisdictions.get(order["buyer"], MAINLAND)
            self.orders[a["orderId"]] = OrderFacts(
                exchanges=event.exchanges,
                parties=event.parties,
                created_in_block=event.block_number,
                transaction_hash=event.transaction_hash,
                buyer_jurisdiction=jurisdiction,
                cross_border=jurisdiction != MAINLAND or bool(order["grant"]["destinations"]),
            )
            self.order_ids.append(a["orderId"])

    def _after_settlement(self, event: LedgerEvent) -> None:
        a, name = event.args, event.name
        if name in ("OrderAccepted", "StatementRecorded"):
            key = (a["orderId"], a.get("billNo", 0))
            facts = self.orders.get(key[0])
            if facts is not None and key in self.settlement.bills:
                facts.bills.append(key[1])
        if name == "DisputeRaised":
            self._raised(event)
        elif name in ("MediationProposed", "MediationAccepted", "DisputeResolved"):
            at = self.dispute_of_bill.get((a["orderId"], a["billNo"]))
            if at is not None:
                self._dispute_step(self.disputes[at], event)

    def _raised(self, event: LedgerEvent) -> None:
        a = event.args
        at = position_of(event)
        self.disputes[at] = Dispute(
            order_id=a["orderId"],
            bill_no=a["billNo"],
            position=at,
            raised_by=a["party"],
            reason_hash=a["reasonHash"],
            raised_at=a["raisedAt"],
            raised_in_block=event.block_number,
            transaction_hash=event.transaction_hash,
        )
        self.dispute_positions.append(at)
        self.dispute_of_bill[(a["orderId"], a["billNo"])] = at
        facts = self.orders.get(a["orderId"])
        if facts is not None:
            facts.disputes.append(at)

    @staticmethod
    def _dispute_step(dispute: Dispute, event: LedgerEvent) -> None:
        a = event.args
        if event.name == "MediationProposed":
            dispute.mediation.append(
                {
                    "round": a["round"],
                    "outcome": a["outcome"],
                    "refund": a["refund"],
                    "documentHash": a["documentHash"],
                    "proposalHash": a["proposalHash"],
                    "proposedBy": a["operator"],
                    "block": event.block_number,
                    "acceptedBy": [],
                }
            )
        elif event.name == "MediationAccepted" and dispute.mediation:
            dispute.mediation[-1]["acceptedBy"].append(a["party"])
        elif event.name == "DisputeResolved" and a["resolution"] != NON_DELIVERY:
            dispute.resolution = {
                "resolution": a["resolution"],
                "outcome": a["outcome"],
                "refund": a["refund"],
                "documentHash": a["documentHash"],
                "billStatus": a["status"],
                "by": a["by"],
                "block": event.block_number,
                "transactionHash": event.transaction_hash,
            }

    def _grant_event(self, event: LedgerEvent) -> None:
        a = event.args
        if event.name == "GrantIssued":
            self.grants[a["grantId"]] = GrantFacts(
                product_id=a["productId"],
                grantee=a["grantee"],
                exchanges=event.exchanges,
                parties=event.parties,
                issued_in_block=event.block_number,
                transaction_hash=event.transaction_hash,
            )
            self.grant_ids.append(a["grantId"])
        elif event.name == "GrantRevoked" and a["grantId"] in self.grants:
            self.grants[a["grantId"]].revocation = {
                "reason": a["reason"],
                "by": a["revokedBy"],
                "reasonHash": a["reasonHash"],
                "block": event.block_number,
            }

    # -- reads ----------------------------------------------------------------------------------

    def order_page(
        self, query: OrderQuery, after: int | None, limit: int
    ) -> tuple[list[tuple[int, OrderFacts]], int | None]:
        return page(
            self.order_ids, self.orders, after, limit, lambda i, f: self._admits(query, i, f)
        )

    def _admits(self, q: OrderQuery, order_id: int, facts: OrderFacts) -> bool:
        view = self.settlement.orders[order_id]
        return (
            (q.status is None or view["status"] == q.status)
            and (q.frozen is None or bool(view["frozen"]) == q.frozen)
            and (q.cross_border is None or facts.cross_border == q.cross_border)
            and (q.disputed is None or bool(facts.disputes) == q.disputed)
            and (q.exchange is None or q.exchange in facts.exchanges)
            and (q.party is None or q.party in facts.parties)
            and (q.product is None or view["productId"] == q.product)
        )

    def grant_page(
        self, query: GrantQuery, after: int | None, limit: int
    ) -> tuple[list[tuple[int, GrantFacts]], int | None]:
        def admits(grant_id: int, facts: GrantFacts) -> bool:
            view = self.registries.grants[grant_id]
            return (
                (query.status is None or view["status"] == query.status)
                and (query.exchange is None or query.exchange in facts.exchanges)
                and (query.party is None or query.party in facts.parties)
                and (query.product is None or facts.product_id == query.product)
                and (query.order is None or view["orderId"] == query.order)
            )

        return page(self.grant_ids, self.grants, after, limit, admits)

    def dispute_page(
        self, query: DisputeQuery, after: int | None, limit: int
    ) -> tuple[list[tuple[int, Dispute]], int | None]:
        def admits(position: int, dispute: Dispute) -> bool:
            facts = self.orders[dispute.order_id]
            resolution = dispute.resolution
            return (
                (query.open is None or (resolution is None) == query.open)
                and (
                    query.resolution is None
                    or (resolution is not None and resolution["resolution"] == query.resolution)
                )
                and (query.exchange is None or query.exchange in facts.exchanges)
                and (query.party is None or query.party in facts.parties)
                and (query.order is None or dispute.order_id == query.order)
            )

        return page(self.dispute_positions, self.disputes, after, limit, admits)
