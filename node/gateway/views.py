"""What the gateway answers: index records shaped for JSON clients, and who may see them.

Who reads what (DESIGN): registries and listings are public; an order, a grant and their events
are visible to their parties, to the exchanges involved (through their operators) and to
regulators. Anything else is answered as not found, so a caller learns nothing of a record that
is not theirs, not even that it exists.
"""

from __future__ import annotations

from typing import Any

from client.contracts import decode_exchange_code
from node.gateway.index import DEMAND_STATUSES
from node.gateway.roles import CallerRoles

PRODUCT_STATUSES = ("none", "submitted", "listed", "rejected", "suspended", "revoked", "delisted")
CLASSIFICATIONS = ("general", "important", "core")
PRODUCT_TYPES = ("dataset", "api", "report", "model", "compute-service")
DATA_SOURCES = ("public-authorized", "enterprise", "personal")
PRICE_MODELS = ("fixed", "per-call", "subscription")
RIGHTS = {"holding": 1 << 0, "processing-use": 1 << 1, "operation": 1 << 2}


def _code(hex_code: str) -> str:
    return decode_exchange_code(bytes.fromhex(hex_code[2:]))


def _currency(hex_code: str) -> str:
    return bytes.fromhex(hex_code[2:]).rstrip(b"\x00").decode("ascii", "replace")


def _names(table: tuple[str, ...], value: int) -> str:
    return table[value] if 0 <= value < len(table) else str(value)


def rights_names(bits: int) -> list[str]:
    return [name for name, bit in RIGHTS.items() if bits & bit]


def product_view(record: dict[str, Any]) -> dict[str, Any]:
    fold = record["fold"]
    terms = fold["terms"]
    return {
        "productId": record["productId"],
        "supplier": fold["supplier"],
        "listingExchange": _code(fold["listingExchange"]),
        "version": fold["version"],
        "status": _names(PRODUCT_STATUSES, fold["status"]),
        "suspendedByRegulator": fold["suspendedByRegulator"],
        "complianceEvaluator": fold["complianceEvaluator"],
        "contentHash": fold["contentHash"],
        "terms": {
            "title": terms["title"],
            "category": terms["category"],
            "productType": _names(PRODUCT_TYPES, terms["productType"]),
            "classification": _names(CLASSIFICATIONS, terms["classification"]),
            "personalInformation": terms["personalInformation"],
            "source": _names(DATA_SOURCES, terms["source"]),
            "rights": rights_names(terms["rights"]),
            "priceModel": _names(PRICE_MODELS, terms["priceModel"]),
            "unitPrice": str(terms["unitPrice"]),
            "currency": _currency(terms["currency"]),
            "complianceReportHash": terms["complianceReportHash"],
            "metadataHash": terms["metadataHash"],
            "metadataUri": terms["metadataUri"],
            "exportAllowed": terms["exportAllowed"],
            "deliveryAccount": terms["deliveryAccount"],
        },
        "recognition": {
            "byDefault": "every active exchange",
            "notRecognisedBy": sorted(
                record["notRecognisedBy"].values(), key=lambda entry: entry["exchange"]
            ),
        },
        "updatedInBlock": record["updatedInBlock"],
    }


OFFER_STATUSES = ("none", "sealed", "revealed", "shortlisted", "awarded", "closed")


def demand_view(record: dict[str, Any]) -> dict[str, Any]:
    fold = record["fold"]
    terms = fold["terms"]
    return {
        "demandId": record["demandId"],
        "buyer": fold["buyer"],
        "homeExchange": _code(terms["homeExchange"]),
        "status": _names(DEMAND_STATUSES, int(fold["status"])),
        "offerCount": fold["offerCount"],
        "postedAt": fold["postedAt"],
        "awardedOffer": fold["awardedOffer"] or None,
        "orderId": fold["orderId"] or None,
        "terms": {
            "title": terms["title"],
            "category": terms["category"],
            "productType": _names(PRODUCT_TYPES, terms["productType"]),
            "rights": rights_names(terms["rights"]),
            "classificationCeiling": _names(CLASSIFICATIONS, terms["classificationCeiling"]),
            "budgetMin": str(terms["budgetMin"]),
            "budgetMax": str(terms["budgetMax"]),
            "currency": _currency(terms["currency"]),
            "responseDeadline": terms["responseDeadline"],
            "descriptionHash": terms["descriptionHash"],
            "descriptionUri": terms["descriptionUri"],
        },
        "updatedInBlock": record["updatedInBlock"],
    }


def offer_view(record: dict[str, Any]) -> dict[str, Any]:
    """A sealed offer has only its commitment: its terms are null until revealed."""
    fold = record["fold"]
    terms = fold["terms"]
    revealed = int(fold["revealedAt"]) != 0
    return {
        "offerId": record["offerId"],
        "demandId": fold["demandId"],
        "supplier": fold["supplier"],
        "supplierExchange": _code(fold["supplierExchange"]),
        "status": _names(OFFER_STATUSES, int(fold["status"])),
        "commitment": fold["commitment"],
        "sealedAt": fold["sealedAt"],
        "revealedAt": fold["revealedAt"] if revealed else None,
        "terms": (
            {
                "productId": terms["productId"] or None,
                "version": terms["version"] or None,
                "proposalHash": None if terms["productId"] else terms["proposalHash"],
                "price": str(terms["price"]),
                "deliveryDays": terms["deliveryDays"],
            }
            if revealed
            else None
        ),
        "exchanges": record["exchanges"],
        "parties": record["parties"],
        "updatedInBlock": record["updatedInBlock"],
    }


def event_view(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(record["position"]),
        "block": record["block"],
        "logIndex": record["logIndex"],
        "transactionHash": record["transactionHash"],
        "contract": record["contract"],
        "event": record["event"],
        "args": record["args"],
        "exchanges": record["exchanges"],
        "parties": record["parties"],
        "public": record["public"],
    }


def may_see(caller: CallerRoles | None, exchanges: list[str], parties: list[str]) -> bool:
    """A private record's visibility: its parties, its exchanges' operators, regulators."""
    if caller is None:
        return False
    return (
        caller.reads_everything
        or caller.address in parties
        or (caller.exchange is not None and caller.exchange in exchanges)
    )


def may_see_event(caller: CallerRoles | None, record: dict[str, Any]) -> bool:
    return bool(record["public"]) or may_see(caller, record["exchanges"], record["parties"])
