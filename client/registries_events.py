"""ParticipantRegistry, DataProductRegistry and AuthorizationRegistry state folded from their
events alone, the way a regulator rebuilds it.

Pure functions over decoded events (name and arguments, in log order); no calls to the
contracts. The result has the shape of the contracts' views, so it can be compared with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_abi import encode
from eth_utils import keccak

ZERO = "0x" + "00" * 20
ACTIVE, SUSPENDED, REVOKED = 1, 2, 3
SUBMITTED, LISTED, REJECTED, PRODUCT_SUSPENDED, PRODUCT_REVOKED, DELISTED = range(1, 7)
GRANT_ACTIVE, GRANT_REVOKED = 1, 2
TERMS_TYPE = (
    "(string,bytes32,uint8,uint8,bool,uint8,uint8,uint8,uint128,bytes3,bytes32,bytes32,"
    "string,bool,address)"
)


@dataclass(frozen=True)
class Event:
    name: str
    args: dict[str, Any]


@dataclass
class RegistryState:
    participants: dict[str, list[Any]] = field(default_factory=dict)
    """account → [homeExchange, roles, jurisdiction, creditCodeHash, status]"""
    suspended_by_regulator: dict[str, bool] = field(default_factory=dict)
    account_of_credit_code: dict[bytes, str] = field(default_factory=dict)
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    not_recognised: dict[tuple[int, bytes], bool] = field(default_factory=dict)
    grants: dict[int, dict[str, Any]] = field(default_factory=dict)
    grant_of_order: dict[int, int] = field(default_factory=dict)


def content_hash(terms: dict[str, Any]) -> bytes:
    """Hash of every listing term but the unit price, as DataProductRegistry computes it."""
    return keccak(encode([TERMS_TYPE], [tuple({**terms, "unitPrice": 0}.values())]))


def rebuild(events: list[Event]) -> RegistryState:
    state = RegistryState()
    for event in events:
        apply_event(state, event.name, event.args)
    return state


def apply_event(state: RegistryState, name: str, args: dict[str, Any]) -> None:
    """Fold one event of the three registries (or of their proxies) into ``state``."""
    if name not in FOLDS:
        raise ValueError(f"not an event of the three registries: {name}")
    FOLDS[name](state, args)


def _registered(state: RegistryState, a: dict[str, Any]) -> None:
    state.participants[a["account"]] = [
        a["homeExchange"],
        a["roles"],
        a["jurisdiction"],
        a["creditCodeHash"],
        ACTIVE,
    ]
    state.suspended_by_regulator[a["account"]] = False
    state.account_of_credit_code[a["creditCodeHash"]] = a["account"]


def _roles(state: RegistryState, a: dict[str, Any]) -> None:
    state.participants[a["account"]][1] = a["roles"]


def _participant_status(status: int) -> Any:
    """Reinstatement and revocation, which also end any suspension by a regulator."""

    def fold(state: RegistryState, a: dict[str, Any]) -> None:
        state.participants[a["account"]][4] = status
        state.suspended_by_regulator[a["account"]] = False

    return fold


def _participant_suspended(state: RegistryState, a: dict[str, Any]) -> None:
    state.participants[a["account"]][4] = SUSPENDED
    state.suspended_by_regulator[a["account"]] = a["byRegulator"]


def _released(state: RegistryState, a: dict[str, Any]) -> None:
    del state.account_of_credit_code[a["creditCodeHash"]]


def _submitted(state: RegistryState, a: dict[str, Any]) -> None:
    terms = dict(a["terms"])
    state.products[a["productId"]] = {
        "supplier": a["supplier"],
        "listingExchange": a["listingExchange"],
        "version": a["version"],
        "status": SUBMITTED,
        "suspendedByRegulator": False,
        "complianceEvaluator": ZERO,
        "contentHash": content_hash(terms),
        "terms": terms,
    }


def _updated(state: RegistryState, a: dict[str, Any]) -> None:
    terms = dict(a["terms"])
    state.products[a["productId"]].update(
        version=a["version"],
        status=a["status"],
        complianceEvaluator=a["complianceEvaluator"],
        contentHash=content_hash(terms),
        terms=terms,
    )


def _repriced(state: RegistryState, a: dict[str, Any]) -> None:
    product = state.products[a["productId"]]
    product["version"] = a["version"]
    product["terms"]["unitPrice"] = a["unitPrice"]


def _attested(state: RegistryState, a: dict[str, Any]) -> None:
    state.products[a["productId"]]["complianceEvaluator"] = a["evaluator"]


def _product_status(status: int, *, lifts_suspension: bool = False) -> Any:
    def fold(state: RegistryState, a: dict[str, Any]) -> None:
        product = state.products[a["productId"]]
        product["status"] = status
        if lifts_suspension:
            product["suspendedByRegulator"] = False

    return fold


def _product_suspended(state: RegistryState, a: dict[str, Any]) -> None:
    product = state.products[a["productId"]]
    product["status"] = PRODUCT_SUSPENDED
    product["suspendedByRegulator"] = a["byRegulator"]


def _recognition(value: bool) -> Any:
    def fold(state: RegistryState, a: dict[str, Any]) -> None:
        state.not_recognised[(a["productId"], a["exchange"])] = value

    return fold


def _issued(state: RegistryState, a: dict[str, Any]) -> None:
    state.grants[a["grantId"]] = {
        "terms": dict(a["terms"]),
        "grantor": a["grantor"],
        "orderId": a["orderId"],
        "status": GRANT_ACTIVE,
        "uses": 0,
    }
    if a["orderId"]:
        state.grant_of_order[a["orderId"]] = a["grantId"]


def _used(state: RegistryState, a: dict[str, Any]) -> None:
    state.grants[a["grantId"]]["uses"] = a["uses"]


def _grant_revoked(state: RegistryState, a: dict[str, Any]) -> None:
    state.grants[a["grantId"]]["status"] = GRANT_REVOKED


def _ignore(state: RegistryState, a: dict[str, Any]) -> None:
    """Events that change no rebuilt state: initialisation and the proxies' own events."""


FOLDS = {
    "Upgraded": _ignore,
    "AdminChanged": _ignore,
    "Initialized": _ignore,
    "ParticipantRegistered": _registered,
    "RolesChanged": _roles,
    "ParticipantSuspended": _participant_suspended,
    "ParticipantReinstated": _participant_status(ACTIVE),
    "ParticipantRevoked": _participant_status(REVOKED),
    "CreditCodeReleased": _released,
    "ProductSubmitted": _submitted,
    "ProductUpdated": _updated,
    "ProductRepriced": _repriced,
    "ComplianceAttested": _attested,
    "ProductApproved": _product_status(LISTED),
    "ProductRejected": _product_status(REJECTED),
    "ProductSuspended": _product_suspended,
    "ProductReinstated": _product_status(LISTED, lifts_suspension=True),
    "ProductRevoked": _product_status(PRODUCT_REVOKED, lifts_suspension=True),
    "ProductDelisted": _product_status(DELISTED),
    "NonRecognitionRecorded": _recognition(True),
    "NonRecognitionWithdrawn": _recognition(False),
    "GrantIssued": _issued,
    "UseRecorded": _used,
    "GrantRevoked": _grant_revoked,
}
