"""``Involvement``'s memory as JSON, so an incremental export resumes without re-reading the
blocks it has already exported."""

from __future__ import annotations

from typing import Any

from client.domain_events import Involvement


def dump_involvement(involvement: Involvement) -> dict[str, Any]:
    def sides(value: tuple[frozenset[str], frozenset[str]]) -> list[list[str]]:
        return [sorted(value[0]), sorted(value[1])]

    return {
        "orders": {str(k): sides(v) for k, v in involvement.orders.items()},
        "products": {str(k): list(v) for k, v in involvement.products.items()},
        "grants": {str(k): sides(v) for k, v in involvement.grants.items()},
        "participants": dict(involvement.participants),
        "proposals": {str(k): v for k, v in involvement.proposals.items()},
        "demands": {str(k): list(v) for k, v in involvement.demands.items()},
        "offers": {str(k): list(v) for k, v in involvement.offers.items()},
    }


def load_involvement(document: dict[str, Any]) -> Involvement:
    """The inverse of ``dump_involvement``; a malformed document is a ``ValueError``."""

    def sides(value: list[list[str]]) -> tuple[frozenset[str], frozenset[str]]:
        exchanges, parties = value
        return frozenset(exchanges), frozenset(parties)

    try:
        return Involvement(
            orders={int(k): sides(v) for k, v in document["orders"].items()},
            products={int(k): (v[0], v[1]) for k, v in document["products"].items()},
            grants={int(k): sides(v) for k, v in document["grants"].items()},
            participants={str(k): str(v) for k, v in document["participants"].items()},
            proposals={int(k): str(v) for k, v in document["proposals"].items()},
            # Absent from the state of an export made before the demand pool existed.
            demands={int(k): (v[0], v[1]) for k, v in document.get("demands", {}).items()},
            offers={int(k): (v[0], v[1]) for k, v in document.get("offers", {}).items()},
        )
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise ValueError(f"malformed involvement state: {error!r}") from error
