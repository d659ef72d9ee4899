"""Reads of the domain index (``node.storage.domain_index``): product search, records, events.

Pure functions over the node's LevelDB, run on a query thread. Pages are in id (or chain)
order and continue after the last item returned, so a cursor stays valid while blocks arrive:
new products and events only ever get larger keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from client.contracts import encode_exchange_code
from node.storage.leveldb import LevelDB
from node.storage.schema import (
    DOMAIN_BY_DEMAND_PREFIX,
    DOMAIN_BY_EXCHANGE_PREFIX,
    DOMAIN_BY_GRANT_PREFIX,
    DOMAIN_BY_NAME_PREFIX,
    DOMAIN_BY_ORDER_PREFIX,
    DOMAIN_BY_PARTY_PREFIX,
    DOMAIN_BY_PRODUCT_PREFIX,
    DOMAIN_DEMAND_BY_EXCHANGE_PREFIX,
    DOMAIN_DEMAND_BY_WORD_PREFIX,
    DOMAIN_DEMAND_PREFIX,
    DOMAIN_EVENT_PREFIX,
    DOMAIN_GRANT_PREFIX,
    DOMAIN_OFFER_PREFIX,
    DOMAIN_ORDER_PREFIX,
    DOMAIN_PARTICIPANT_PREFIX,
    DOMAIN_PRODUCT_BY_EXCHANGE_PREFIX,
    DOMAIN_PRODUCT_BY_WORD_PREFIX,
    DOMAIN_PRODUCT_PREFIX,
    DOMAIN_RECORD_BY_EXCHANGE_PREFIX,
    DOMAIN_RECORD_BY_PARTY_PREFIX,
    LOG_POSITION_BYTES,
    domain_event_key,
    domain_id,
    domain_label,
    log_position,
    title_words,
)

ID_BYTES = 32
ORDER_KIND = b"o"
GRANT_KIND = b"g"


def _end(prefix: bytes) -> bytes:
    """The first key after every key starting with ``prefix``."""
    return prefix + b"\xff" * 40


def _keys_after(db: LevelDB, prefix: bytes, after: bytes) -> Iterator[bytes]:
    """Suffixes of the keys under ``prefix`` that sort after ``after``, in order."""
    start = prefix + after + b"\x00" if after else prefix
    for key, _ in db.iterate_range(start, _end(prefix)):
        yield key[len(prefix) :]


# -- products ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductFilters:
    exchange: str | None = None
    category: str | None = None
    """0x-prefixed bytes32, lower case."""
    classification: int | None = None
    rights: int = 0
    """Every right of this bit set must be offered."""
    status: int | None = None
    text: str | None = None
    """Words the title must have, each given whole or as its beginning, in any case."""

    def admits(self, fold: dict[str, Any]) -> bool:
        terms = fold["terms"]
        return (
            (self.exchange is None or fold["listingExchange"] == _exchange_hex(self.exchange))
            and (self.category is None or terms["category"] == self.category)
            and (self.classification is None or terms["classification"] == self.classification)
            and terms["rights"] & self.rights == self.rights
            and (self.status is None or fold["status"] == self.status)
            and (self.text is None or _has_words(terms["title"], self.text))
        )


def _exchange_hex(code: str) -> str:
    try:
        return "0x" + encode_exchange_code(code).hex()
    except ValueError:
        return ""


def _has_words(title: str, text: str) -> bool:
    words = title_words(title)
    return all(any(w.startswith(wanted) for w in words) for wanted in title_words(text))


def _ids_with_word(
    db: LevelDB, wanted: str, after: int, index: bytes = DOMAIN_PRODUCT_BY_WORD_PREFIX
) -> list[int]:
    """Ids (above ``after``, sorted) of the products (or, with ``index``, the demands) with a
    title word starting with ``wanted``."""
    prefix = index + wanted.encode()
    found = set()
    for key, _ in db.iterate_range(prefix, _end(prefix)):
        product_id = int.from_bytes(key[-ID_BYTES:], "big")
        if product_id > after:
            found.add(product_id)
    return sorted(found)


def product_record(db: LevelDB, product_id: int) -> dict[str, Any] | None:
    stored = db.get(DOMAIN_PRODUCT_PREFIX + domain_id(product_id))
    return None if stored is None else dict(json.loads(stored))


def search_products(
    db: LevelDB, filters: ProductFilters, after: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to ``limit`` matching products with an id above ``after``, and the id to continue
    after if there may be more (None at the end)."""
    words = sorted(title_words(filters.text or ""), key=len)
    if words:
        ids = iter(_ids_with_word(db, words[-1], after))
        records: Iterator[dict[str, Any] | None] = (product_record(db, i) for i in ids)
    elif filters.exchange is not None:
        prefix = DOMAIN_PRODUCT_BY_EXCHANGE_PREFIX + domain_label(filters.exchange)
        ids = (int.from_bytes(s, "big") for s in _keys_after(db, prefix, _after_id(after)))
        records = (product_record(db, i) for i in ids)
    else:
        records = (
            json.loads(value)
            for _, value in db.iterate_range(
                DOMAIN_PRODUCT_PREFIX + _after_id(after) + b"\x00"
                if after
                else DOMAIN_PRODUCT_PREFIX,
                _end(DOMAIN_PRODUCT_PREFIX),
            )
        )
    found: list[dict[str, Any]] = []
    for record in records:
        if record is None or not filters.admits(record["fold"]):
            continue
        found.append(record)
        if len(found) == limit:
            return found, int(record["productId"])
    return found, None


def _after_id(after: int) -> bytes:
    return domain_id(after) if after else b""


# -- demands and offers -------------------------------------------------------------------------

DEMAND_STATUSES = ("none", "open", "awarded", "withdrawn", "taken-down")
CLOSED = "closed"
"""A demand no longer open: awarded, withdrawn or taken down."""


@dataclass(frozen=True)
class DemandFilters:
    exchange: str | None = None
    """The demand's home exchange."""
    category: str | None = None
    """0x-prefixed bytes32, lower case."""
    budget: int | None = None
    """An amount within the demand's budget range (both ends included)."""
    currency: str | None = None
    """0x-prefixed bytes3, lower case."""
    status: str | None = None
    """A ``DEMAND_STATUSES`` name, or ``closed``."""
    text: str | None = None

    def admits(self, fold: dict[str, Any]) -> bool:
        terms = fold["terms"]
        status = DEMAND_STATUSES[int(fold["status"])]
        return (
            (self.exchange is None or terms["homeExchange"] == _exchange_hex(self.exchange))
            and (self.category is None or terms["category"] == self.category)
            and (
                self.budget is None
                or int(terms["budgetMin"]) <= self.budget <= int(terms["budgetMax"])
            )
            and (self.currency is None or terms["currency"] == self.currency)
            and (
                self.status is None
                or status == self.status
                or (self.status == CLOSED and status not in ("none", "open"))
            )
            and (self.text is None or _has_words(terms["title"], self.text))
        )


def demand_record(db: LevelDB, demand_id: int) -> dict[str, Any] | None:
    stored = db.get(DOMAIN_DEMAND_PREFIX + domain_id(demand_id))
    return None if stored is None else dict(json.loads(stored))


def offer_record(db: LevelDB, offer_id: int) -> dict[str, Any] | None:
    stored = db.get(DOMAIN_OFFER_PREFIX + domain_id(offer_id))
    return None if stored is None else dict(json.loads(stored))


def search_demands(
    db: LevelDB, filters: DemandFilters, after: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to ``limit`` matching demands with an id above ``after``, and the id to continue
    after if there may be more (None at the end); by title word or home exchange when given,
    else in id order."""
    words = sorted(title_words(filters.text or ""), key=len)
    if words:
        found_ids = _ids_with_word(db, words[-1], after, DOMAIN_DEMAND_BY_WORD_PREFIX)
        records: Iterator[dict[str, Any] | None] = (demand_record(db, i) for i in found_ids)
    elif filters.exchange is not None:
        prefix = DOMAIN_DEMAND_BY_EXCHANGE_PREFIX + domain_label(filters.exchange)
        ids = (int.from_bytes(s, "big") for s in _keys_after(db, prefix, _after_id(after)))
        records = (demand_record(db, i) for i in ids)
    else:
        records = (
            json.loads(value)
            for _, value in db.iterate_range(
                DOMAIN_DEMAND_PREFIX + (_after_id(after) + b"\x00" if after else b""),
                _end(DOMAIN_DEMAND_PREFIX),
            )
        )
    found: list[dict[str, Any]] = []
    for record in records:
        if record is None or not filters.admits(record["fold"]):
            continue
        found.append(record)
        if len(found) == limit:
            return found, int(record["demandId"])
    return found, None


# -- orders, grants, participants -----------------------------------------------------------------


def order_record(db: LevelDB, order_id: int) -> dict[str, Any] | None:
    stored = db.get(DOMAIN_ORDER_PREFIX + domain_id(order_id))
    return None if stored is None else dict(json.loads(stored))


def grant_record(db: LevelDB, grant_id: int) -> dict[str, Any] | None:
    stored = db.get(DOMAIN_GRANT_PREFIX + domain_id(grant_id))
    return None if stored is None else dict(json.loads(stored))


def record_ids(
    db: LevelDB, kind: bytes, *, party: str | None, exchange: str | None, after: int, limit: int
) -> tuple[list[int], int | None]:
    """Ids of the orders (``kind`` ``o``) or grants (``g``) of a party, of an exchange, or of
    all (``party`` and ``exchange`` None: regulators), in id order."""
    if party is not None:
        prefix = DOMAIN_RECORD_BY_PARTY_PREFIX + bytes.fromhex(party[2:]) + kind
    elif exchange is not None:
        prefix = DOMAIN_RECORD_BY_EXCHANGE_PREFIX + domain_label(exchange) + kind
    else:
        prefix = DOMAIN_ORDER_PREFIX if kind == ORDER_KIND else DOMAIN_GRANT_PREFIX
    ids: list[int] = []
    start = prefix + (domain_id(after) + b"\x00" if after else b"")
    for key, _ in db.iterate_range(start, _end(prefix)):
        ids.append(int.from_bytes(key[len(prefix) : len(prefix) + ID_BYTES], "big"))
        if len(ids) == limit:
            return ids, ids[-1]
    return ids, None


def participant_records(
    db: LevelDB, after: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    start = DOMAIN_PARTICIPANT_PREFIX + (bytes.fromhex(after[2:]) + b"\x00" if after else b"")
    found: list[dict[str, Any]] = []
    for _, value in db.iterate_range(start, _end(DOMAIN_PARTICIPANT_PREFIX)):
        found.append(json.loads(value))
        if len(found) == limit:
            return found, str(found[-1]["account"])
    return found, None


def participant_record(db: LevelDB, account: str) -> dict[str, Any] | None:
    stored = db.get(DOMAIN_PARTICIPANT_PREFIX + bytes.fromhex(account[2:]))
    return None if stored is None else dict(json.loads(stored))


# -- events --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFilters:
    event: str | None = None
    exchange: str | None = None
    product: int | None = None
    party: str | None = None
    """Checksummed address."""
    order: int | None = None
    grant: int | None = None
    demand: int | None = None
    from_block: int = 0

    def marker_prefix(self) -> bytes:
        """The narrowest marker range that holds every matching event."""
        if self.demand is not None:
            return DOMAIN_BY_DEMAND_PREFIX + domain_id(self.demand)
        if self.order is not None:
            return DOMAIN_BY_ORDER_PREFIX + domain_id(self.order)
        if self.grant is not None:
            return DOMAIN_BY_GRANT_PREFIX + domain_id(self.grant)
        if self.product is not None:
            return DOMAIN_BY_PRODUCT_PREFIX + domain_id(self.product)
        if self.party is not None:
            return DOMAIN_BY_PARTY_PREFIX + bytes.fromhex(self.party[2:])
        if self.exchange is not None:
            return DOMAIN_BY_EXCHANGE_PREFIX + domain_label(self.exchange)
        if self.event is not None:
            return DOMAIN_BY_NAME_PREFIX + domain_label(self.event)
        return DOMAIN_EVENT_PREFIX

    def admits(self, record: dict[str, Any]) -> bool:
        args = record["args"]
        return (
            (self.event is None or record["event"] == self.event)
            and (self.exchange is None or self.exchange in record["exchanges"])
            and (self.party is None or self.party in record["parties"])
            and (self.product is None or _int(args.get("productId")) == self.product)
            and (self.order is None or _int(args.get("orderId")) == self.order)
            and (self.grant is None or _int(args.get("grantId")) == self.grant)
            and (
                self.demand is None
                or (
                    record["contract"] == "DemandBoard"
                    and _int(args.get("demandId")) == self.demand
                )
            )
        )


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def events(
    db: LevelDB,
    filters: EventFilters,
    after: int | None,
    limit: int,
    visible: Callable[[dict[str, Any]], bool],
    through_block: int,
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to ``limit`` matching, visible events after position ``after`` (from
    ``filters.from_block`` when None) up to block ``through_block``, each with its
    ``position``; and the last position scanned, to continue after (None if nothing was)."""
    prefix = filters.marker_prefix()
    first = log_position(filters.from_block, 0)
    start_position = first if after is None else max(first, after + 1)
    stop = log_position(through_block + 1, 0)
    found: list[dict[str, Any]] = []
    last: int | None = None
    start = prefix + start_position.to_bytes(LOG_POSITION_BYTES, "big")
    for key, value in db.iterate_range(start, prefix + stop.to_bytes(LOG_POSITION_BYTES, "big")):
        position = int.from_bytes(key[len(prefix) :], "big")
        record = json.loads(value) if prefix == DOMAIN_EVENT_PREFIX else _event(db, position)
        last = position
        if filters.admits(record) and visible(record):
            found.append({"position": position, **record})
            if len(found) == limit:
                break
    return found, last


def _event(db: LevelDB, position: int) -> dict[str, Any]:
    return dict(json.loads(db[domain_event_key(position)]))


def transaction_events(db: LevelDB, block: int, transaction_hash: str) -> list[dict[str, Any]]:
    """The domain events a transaction emitted, in log order."""
    start = domain_event_key(log_position(block, 0))
    stop = domain_event_key(log_position(block + 1, 0))
    return [
        {"position": int.from_bytes(key[len(DOMAIN_EVENT_PREFIX) :], "big"), **record}
        for key, value in db.iterate_range(start, stop)
        if (record := json.loads(value))["transactionHash"] == transaction_hash
    ]
