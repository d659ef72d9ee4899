"""The regulator's desk as JSON: orders with their bills, authorizations with their uses, and
disputes with their whole history; enums by name, money as decimal strings of minor units."""

from __future__ import annotations

from typing import Any

from client.contracts import decode_exchange_code
from client.domain_events import to_json
from client.settlement_events import GRANT_FIELDS
from node.audit.market_desk import Dispute, GrantFacts, MarketDesk, OrderFacts

ORDER_STATUSES = ("none", "created", "accepted", "cancelled")
BILL_STATUSES = ("none", "due", "paid", "delivered", "settled", "refunded")
DISPUTE_STATES = ("none", "open", "resolved")
RESOLUTIONS = ("mediation", "arbitral-award", "court-judgment", "non-delivery")
OUTCOMES = ("none", "refund", "partial", "release")
CONTRACT_TYPES = (
    "data-provision",
    "entrusted-processing",
    "fusion-development",
    "intermediary-service",
)
GRANT_STATUSES = ("none", "active", "revoked")
REVOCATION_REASONS = ("grantor", "regulator", "refund")
DESTINATIONS = GRANT_FIELDS.index("destinations")


def _name(names: tuple[str, ...], value: int) -> str:
    return names[value] if 0 <= value < len(names) else str(value)


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def _text(code: bytes) -> str:
    return code.rstrip(b"\0").decode("ascii", "replace")


def _bill_json(bill_no: int, bill: dict[str, Any]) -> dict[str, Any]:
    return {
        "billNo": bill_no,
        "status": _name(BILL_STATUSES, bill["status"]),
        "amount": str(bill["amount"]),
        "refund": str(bill["refund"]),
        "units": bill["units"],
        "dispute": _name(DISPUTE_STATES, bill["dispute"]),
        "cleared": bill["cleared"],
        "paidAt": bill["paidAt"],
        "deliveredAt": bill["deliveredAt"],
        "settledAt": bill["settledAt"],
    }


def _parties_json(view: dict[str, Any], facts: OrderFacts) -> dict[str, Any]:
    return {
        "buyer": view["buyer"],
        "seller": view["seller"],
        "buyerExchange": decode_exchange_code(view["buyerExchange"]),
        "sellerExchange": decode_exchange_code(view["sellerExchange"]),
        "exchanges": list(facts.exchanges),
        "parties": list(facts.parties),
    }


def order_json(desk: MarketDesk, order_id: int, facts: OrderFacts) -> dict[str, Any]:
    view = desk.settlement.orders[order_id]
    bills = desk.settlement.bills
    return {
        "orderId": order_id,
        "productId": view["productId"],
        "version": view["version"],
        **_parties_json(view, facts),
        "createdInBlock": facts.created_in_block,
        "transactionHash": _hex(facts.transaction_hash),
        "status": _name(ORDER_STATUSES, view["status"]),
        "frozen": view["frozen"],
        "contractType": _name(CONTRACT_TYPES, view["contractType"]),
        "contractHash": _hex(view["contractHash"]),
        "quantity": view["quantity"],
        "unitPrice": str(view["unitPrice"]),
        "currency": _text(view["currency"]),
        "metered": view["metered"],
        "crossBorder": facts.cross_border,
        "buyerJurisdiction": facts.buyer_jurisdiction,
        "destinations": [_text(code) for code in view["grant"][DESTINATIONS]],
        "needsExportBasis": view["needsExportBasis"],
        "grantId": view["grantId"] or None,
        "grantRevoked": view["grantRevoked"],
        "bills": [_bill_json(n, bills[(order_id, n)]) for n in facts.bills],
        "disputes": len(facts.disputes),
    }


def grant_json(desk: MarketDesk, grant_id: int, facts: GrantFacts) -> dict[str, Any]:
    view = desk.registries.grants[grant_id]
    revocation = facts.revocation
    return {
        "grantId": grant_id,
        "productId": facts.product_id,
        "grantee": facts.grantee,
        "grantor": view["grantor"],
        "orderId": view["orderId"] or None,
        "exchanges": list(facts.exchanges),
        "parties": list(facts.parties),
        "issuedInBlock": facts.issued_in_block,
        "transactionHash": _hex(facts.transaction_hash),
        "status": _name(GRANT_STATUSES, view["status"]),
        "uses": view["uses"],
        "maxUses": view["terms"]["maxUses"],
        "terms": to_json(view["terms"]),
        "revocation": None
        if revocation is None
        else {
            "reason": _name(REVOCATION_REASONS, revocation["reason"]),
            "by": revocation["by"],
            "reasonHash": _hex(revocation["reasonHash"]),
            "block": revocation["block"],
        },
    }


def dispute_json(desk: MarketDesk, dispute: Dispute) -> dict[str, Any]:
    view = desk.settlement.orders[dispute.order_id]
    bill = desk.settlement.bills[(dispute.order_id, dispute.bill_no)]
    resolution = dispute.resolution
    return {
        "id": str(dispute.position),
        "orderId": dispute.order_id,
        "billNo": dispute.bill_no,
        "productId": view["productId"],
        "state": "open" if resolution is None else "resolved",
        **_parties_json(view, desk.orders[dispute.order_id]),
        "amount": str(bill["amount"]),
        "currency": _text(view["currency"]),
        "raisedBy": dispute.raised_by,
        "reasonHash": _hex(dispute.reason_hash),
        "raisedAt": dispute.raised_at,
        "raisedInBlock": dispute.raised_in_block,
        "transactionHash": _hex(dispute.transaction_hash),
        "mediation": [
            {
                "round": step["round"],
                "outcome": _name(OUTCOMES, step["outcome"]),
                "refund": str(step["refund"]),
                "documentHash": _hex(step["documentHash"]),
                "proposalHash": _hex(step["proposalHash"]),
                "proposedBy": step["proposedBy"],
                "block": step["block"],
                "acceptedBy": list(step["acceptedBy"]),
            }
            for step in dispute.mediation
        ],
        "resolution": None
        if resolution is None
        else {
            "kind": _name(RESOLUTIONS, resolution["resolution"]),
            "outcome": _name(OUTCOMES, resolution["outcome"]),
            "refund": str(resolution["refund"]),
            "documentHash": _hex(resolution["documentHash"]),
            "billStatus": _name(BILL_STATUSES, resolution["billStatus"]),
            "by": resolution["by"],
            "block": resolution["block"],
            "transactionHash": _hex(resolution["transactionHash"]),
        },
    }
