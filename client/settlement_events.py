"""TradeSettlement's state, with the ExportBasisRegistry's bases, rebuilt from their events
alone, as a regulator replaying the ledger would (and the proof that every state change emits
every field it changes).

A pure fold over decoded events (name, arguments) in log order; its result has the shape of the
views (`order`, `bill`, `feeSchedule`, and the ExportBasisRegistry's `exportBasis`) so a test
compares them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class OrderStatus(IntEnum):
    NONE = 0
    CREATED = 1
    ACCEPTED = 2
    CANCELLED = 3


class BillStatus(IntEnum):
    NONE = 0
    DUE = 1
    PAID = 2
    DELIVERED = 3
    SETTLED = 4
    REFUNDED = 5


class DisputeStatus(IntEnum):
    NONE = 0
    OPEN = 1
    RESOLVED = 2


class Resolution(IntEnum):
    MEDIATION = 0
    ARBITRAL_AWARD = 1
    COURT_JUDGMENT = 2
    NON_DELIVERY = 3


GRANT_FIELDS = (
    "right",
    "onwardTransfer",
    "validFrom",
    "validUntil",
    "maxUses",
    "purposeCode",
    "purposeHash",
    "destinations",
)
EMPTY_BILL = {
    "status": BillStatus.NONE,
    "dispute": DisputeStatus.NONE,
    "cleared": False,
    "amount": 0,
    "units": 0,
    "refund": 0,
    "paidAt": 0,
    "deliveredAt": 0,
    "settledAt": 0,
    "proposedOutcome": 0,
    "mediationAcceptances": 0,
    "mediationRound": 0,
    "proposedRefund": 0,
    "paymentEvidence": bytes(32),
    "deliveryEvidence": bytes(32),
    "invoiceHash": bytes(32),
    "proposalHash": bytes(32),
    "frozenForAtStart": 0,
}


@dataclass
class SettlementState:
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    bills: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    fee_schedules: dict[bytes, tuple[int, int]] = field(default_factory=dict)
    export_bases: dict[tuple[int, str], tuple[int, bytes, int, int]] = field(default_factory=dict)


def rebuild(events: Iterable[tuple[str, dict[str, Any]]]) -> SettlementState:
    state = SettlementState()
    for name, args in events:
        apply(state, name, args)
    return state


def apply(state: SettlementState, name: str, args: dict[str, Any]) -> None:
    """Fold one TradeSettlement or ExportBasisRegistry event into the state; the proxies' own
    events and the initializations change nothing."""
    if name in ("Upgraded", "AdminChanged", "Initialized"):
        return
    order = state.orders.get(args.get("orderId", -1))
    key = (args.get("orderId", -1), args.get("billNo", 0))
    if name == "FeeScheduleSet":
        state.fee_schedules[args["exchange"]] = (args["listingFeeBps"], args["buyerExchangeFeeBps"])
    elif name == "ExportBasisRegistered":
        state.export_bases[(args["productId"], args["recipient"])] = (
            args["kind"],
            args["referenceHash"],
            args["validFrom"],
            args["validUntil"],
        )
    elif name == "ExportBasisRevoked":
        del state.export_bases[(args["productId"], args["recipient"])]
    elif name == "OrderCreated":
        created = dict(args["order"])
        created["grant"] = tuple(created["grant"][part] for part in GRANT_FIELDS)
        state.orders[args["orderId"]] = created
    elif order is None:
        return
    elif name == "OrderAccepted":
        order["status"] = OrderStatus.ACCEPTED
        if not order["metered"]:
            state.bills[key] = {
                **EMPTY_BILL,
                "status": BillStatus.DUE,
                "amount": args["billAmount"],
                "units": order["quantity"],
            }
    elif name == "CancellationConsented":
        order["cancelConsents"] = args["consents"]
    elif name == "OrderCancelled":
        order["status"] = OrderStatus.CANCELLED
    elif name == "AuthorizationIssued":
        order["grantId"] = args["grantId"]
    elif name == "AuthorizationRevoked":
        order["grantRevoked"] = True
    elif name == "FreezeChanged":
        order.update(
            frozen=args["frozen"],
            frozenAt=args["frozenAt"] if args["frozen"] else 0,
            frozenFor=args["frozenFor"],
        )
    elif name == "StatementRecorded":
        order["billedUnits"] += args["units"]
        order["statementCount"] = args["billNo"]
        state.bills[key] = {
            **EMPTY_BILL,
            "status": BillStatus.DUE,
            "amount": args["amount"],
            "units": args["units"],
            "deliveredAt": args["recordedAt"],
            "deliveryEvidence": args["deliveryEvidence"],
            "frozenForAtStart": order["frozenFor"],
        }
    else:
        _apply_to_bill(state.bills[key], order, name, args)


def _apply_to_bill(
    bill: dict[str, Any], order: dict[str, Any], name: str, args: dict[str, Any]
) -> None:
    """A bill's running clock (delivery after a fixed-price payment, inspection after delivery,
    the dispute window after settlement) starts with the order's frozen time so far; a
    settlement by a resolved dispute is cleared at once and starts none."""
    if name == "BillPaid":
        bill.update(
            status=args["status"], paidAt=args["paidAt"], paymentEvidence=args["paymentEvidence"]
        )
        if not order["metered"]:
            bill["frozenForAtStart"] = order["frozenFor"]
    elif name == "Delivered":
        bill.update(
            status=BillStatus.DELIVERED,
            deliveredAt=args["deliveredAt"],
            deliveryEvidence=args["deliveryEvidence"],
            frozenForAtStart=order["frozenFor"],
        )
    elif name == "InvoiceRecorded":
        bill["invoiceHash"] = args["invoiceHash"]
    elif name == "TradeSettled":
        bill.update(status=BillStatus.SETTLED, settledAt=args["certificate"]["settledAt"])
        if not bill["cleared"]:
            bill["frozenForAtStart"] = order["frozenFor"]
    elif name == "DisputeRaised":
        bill["dispute"] = DisputeStatus.OPEN
    elif name == "MediationProposed":
        bill.update(
            proposedOutcome=args["outcome"],
            proposedRefund=args["refund"],
            proposalHash=args["proposalHash"],
            mediationAcceptances=0,
            mediationRound=args["round"],
        )
    elif name == "MediationAccepted":
        bill["mediationAcceptances"] |= 1 if args["party"] == order["buyer"] else 2
    elif name == "DisputeResolved":
        if args["resolution"] != Resolution.NON_DELIVERY:
            bill["dispute"] = DisputeStatus.RESOLVED
        bill.update(refund=args["refund"], status=args["status"], cleared=True)
    elif name == "ClearingInstruction":
        bill["cleared"] = True
    else:
        raise ValueError(f"unknown TradeSettlement event {name}")
