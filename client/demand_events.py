"""DemandBoard's events folded into its demands and offers, as the contract stores them.

Used by the market rebuild (a regulator's replay checks the fold against the contract's views)
and by the gateway's index. Values are as ``client.domain_events`` decodes them (web3.py's
shapes); the records mirror the contract's ``Demand`` and ``Offer`` structs field by field, so
a rebuilt record compares equal to ``demand(id)`` / ``offerRecord(id)`` read as dicts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class DemandStatus(IntEnum):
    NONE = 0
    OPEN = 1
    AWARDED = 2
    WITHDRAWN = 3
    TAKEN_DOWN = 4


class OfferStatus(IntEnum):
    NONE = 0
    SEALED = 1
    REVEALED = 2
    SHORTLISTED = 3
    AWARDED = 4
    CLOSED = 5


EMPTY_OFFER_TERMS = {
    "productId": 0,
    "version": 0,
    "proposalHash": bytes(32),
    "price": 0,
    "deliveryDays": 0,
}
"""A sealed offer's terms: nothing is known until the reveal."""


@dataclass
class DemandState:
    demands: dict[int, dict[str, Any]] = field(default_factory=dict)
    offers: dict[int, dict[str, Any]] = field(default_factory=dict)
    offer_ids: dict[int, list[int]] = field(default_factory=dict)
    """demand id → its offers, in the order they were made"""


def _posted(state: DemandState, a: dict[str, Any]) -> None:
    state.demands[a["demandId"]] = {
        "buyer": a["buyer"],
        "status": DemandStatus.OPEN,
        "offerCount": 0,
        "postedAt": a["postedAt"],
        "awardedOffer": 0,
        "orderId": 0,
        "terms": dict(a["terms"]),
    }
    state.offer_ids[a["demandId"]] = []


def _sealed(state: DemandState, a: dict[str, Any]) -> None:
    state.offers[a["offerId"]] = {
        "demandId": a["demandId"],
        "supplier": a["supplier"],
        "status": OfferStatus.SEALED,
        "sealedAt": a["sealedAt"],
        "revealedAt": 0,
        "supplierExchange": a["supplierExchange"],
        "commitment": a["commitment"],
        "terms": dict(EMPTY_OFFER_TERMS),
    }
    state.demands[a["demandId"]]["offerCount"] += 1
    state.offer_ids[a["demandId"]].append(a["offerId"])


def _revealed(state: DemandState, a: dict[str, Any]) -> None:
    offer = state.offers[a["offerId"]]
    offer.update(status=OfferStatus.REVEALED, revealedAt=a["revealedAt"], terms=dict(a["terms"]))


def _shortlisted(state: DemandState, a: dict[str, Any]) -> None:
    state.offers[a["offerId"]]["status"] = OfferStatus.SHORTLISTED


def _awarded(state: DemandState, a: dict[str, Any]) -> None:
    state.demands[a["demandId"]].update(
        status=DemandStatus.AWARDED, awardedOffer=a["offerId"], orderId=a["orderId"]
    )
    state.offers[a["offerId"]]["status"] = OfferStatus.AWARDED


def _closed(state: DemandState, a: dict[str, Any]) -> None:
    state.offers[a["offerId"]]["status"] = OfferStatus.CLOSED


def _withdrawn(state: DemandState, a: dict[str, Any]) -> None:
    state.demands[a["demandId"]]["status"] = DemandStatus.WITHDRAWN


def _taken_down(state: DemandState, a: dict[str, Any]) -> None:
    state.demands[a["demandId"]]["status"] = DemandStatus.TAKEN_DOWN


def _ignore(state: DemandState, a: dict[str, Any]) -> None:
    """Events about the contract itself."""


FOLDS: dict[str, Callable[[DemandState, dict[str, Any]], None]] = {
    "DemandPosted": _posted,
    "OfferSealed": _sealed,
    "OfferRevealed": _revealed,
    "OfferShortlisted": _shortlisted,
    "DemandAwarded": _awarded,
    "OfferClosed": _closed,
    "DemandWithdrawn": _withdrawn,
    "DemandTakenDown": _taken_down,
    "Initialized": _ignore,
    "Upgraded": _ignore,
    "AdminChanged": _ignore,
}


def apply_event(state: DemandState, name: str, args: dict[str, Any]) -> None:
    """Fold one DemandBoard event into ``state``; an unknown name is a ``ValueError``."""
    if name not in FOLDS:
        raise ValueError(f"not an event of the DemandBoard: {name}")
    FOLDS[name](state, args)
