"""The domain index: every system-contract event decoded, with who it concerns, and the product,
order, grant and participant records folded from the events, written in the block's own batch.

One writer for the three commit paths (production, import, sync), called by the ledger before
the block's batch is flushed, so the index can never be ahead of or behind the chain. Events
are keyed by position (block number, block-wide log index) as in the log index, with empty
marker keys by event name, exchange, product, party, order and grant for filtered reads; the
records are JSON (values as ``client.domain_events.to_json`` gives them).

``Involvement`` must see every event in chain order; what it learns (per order, grant,
product, participant and proposal) is persisted beside the events and loaded at start, so a
restarted node continues where it stopped. Nothing here decodes a log but
``client.domain_events.EventDecoder``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from eth.abc import DatabaseAPI, ReceiptAPI
from eth_abi.exceptions import DecodingError
from eth_utils import to_checksum_address

from client import demand_events, registries_events
from client.contracts import decode_exchange_code
from client.domain_events import (
    Concerns,
    DecodedEvent,
    EventDecoder,
    Involvement,
    RawLog,
    UnknownEventError,
    to_json,
)
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
    DOMAIN_GRANT_PREFIX,
    DOMAIN_HEAD_KEY,
    DOMAIN_INVOLVEMENT_PREFIX,
    DOMAIN_OFFER_PREFIX,
    DOMAIN_ORDER_PREFIX,
    DOMAIN_PARTICIPANT_PREFIX,
    DOMAIN_PRODUCT_BY_EXCHANGE_PREFIX,
    DOMAIN_PRODUCT_BY_WORD_PREFIX,
    DOMAIN_PRODUCT_PREFIX,
    DOMAIN_RECORD_BY_EXCHANGE_PREFIX,
    DOMAIN_RECORD_BY_PARTY_PREFIX,
    domain_event_key,
    domain_id,
    domain_label,
    log_position,
    log_position_bytes,
    title_words,
)

PRODUCT_EVENTS = frozenset(
    {
        "ProductSubmitted", "ProductUpdated", "ProductRepriced", "ComplianceAttested",
        "ProductApproved", "ProductRejected", "ProductSuspended", "ProductReinstated",
        "ProductRevoked", "ProductDelisted",
    }
)  # fmt: skip
RECOGNITION_EVENTS = frozenset({"NonRecognitionRecorded", "NonRecognitionWithdrawn"})
ORDER = b"o"
GRANT = b"g"

_LEARNT = {
    "OrderCreated": (b"o", "orders", "orderId"),
    "GrantIssued": (b"g", "grants", "grantId"),
    "ProductSubmitted": (b"p", "products", "productId"),
    "ParticipantRegistered": (b"a", "participants", "account"),
    "ProposalCreated": (b"q", "proposals", "proposalId"),
    "DemandPosted": (b"d", "demands", "demandId"),
    "OfferSealed": (b"f", "offers", "offerId"),
}
"""The events after which ``Involvement`` knows a new entry: (key kind, its field, the id)."""


def _dump(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def _key_part(kind: bytes, key: Any) -> bytes:
    return kind + (bytes.fromhex(key[2:]) if isinstance(key, str) else domain_id(key))


def _address(text: str) -> bytes:
    return bytes.fromhex(text[2:])


class IndexStore(Protocol):
    """What the writer reads back of its database: the node's LevelDB, or the in-memory store
    ``dcl audit verify-db`` rebuilds the index into."""

    def get(self, key: bytes) -> bytes | None: ...

    def iterate_range(self, start: bytes, stop: bytes) -> Iterator[tuple[bytes, bytes]]: ...


def load_involvement(db: IndexStore) -> Involvement:
    """What ``Involvement`` had learnt when the last indexed block was written."""
    involvement = Involvement()
    end = DOMAIN_INVOLVEMENT_PREFIX[:-1] + bytes([DOMAIN_INVOLVEMENT_PREFIX[-1] + 1])
    for key, value in db.iterate_range(DOMAIN_INVOLVEMENT_PREFIX, end):
        kind, raw = (
            key[len(DOMAIN_INVOLVEMENT_PREFIX) :][:1],
            key[len(DOMAIN_INVOLVEMENT_PREFIX) + 1 :],
        )
        entry = json.loads(value)
        if kind in (b"o", b"g"):
            target = involvement.orders if kind == b"o" else involvement.grants
            target[int.from_bytes(raw, "big")] = (frozenset(entry[0]), frozenset(entry[1]))
        elif kind == b"p":
            involvement.products[int.from_bytes(raw, "big")] = (entry[0], entry[1])
        elif kind == b"a":
            involvement.participants[to_checksum_address(raw)] = entry
        elif kind == b"q":
            involvement.proposals[int.from_bytes(raw, "big")] = entry
        elif kind == b"d":
            involvement.demands[int.from_bytes(raw, "big")] = (entry[0], entry[1])
        elif kind == b"f":
            involvement.offers[int.from_bytes(raw, "big")] = (entry[0], entry[1])
    return involvement


class DomainIndexWriter:
    """Indexes blocks in chain order; run by the chain's single writer thread."""

    def __init__(self, db: IndexStore, decoder: EventDecoder | None = None) -> None:
        self._db = db
        self._decoder = decoder or EventDecoder()
        self._system = frozenset(self._decoder.addresses.values())
        self.involvement = load_involvement(db)

    def indexed_through(self) -> int | None:
        """The last indexed block, or None if this data directory has no index yet."""
        stored = self._db.get(DOMAIN_HEAD_KEY)
        return None if stored is None else int.from_bytes(stored, "big")

    def reload(self) -> None:
        """Forget what was learnt from a batch that never reached the disk."""
        self.involvement = load_involvement(self._db)

    def index_block(
        self,
        writes: DatabaseAPI,
        block_number: int,
        transaction_hashes: Sequence[bytes],
        receipts: Sequence[ReceiptAPI],
    ) -> None:
        log_index = 0
        for tx_index, (tx_hash, receipt) in enumerate(
            zip(transaction_hashes, receipts, strict=True)
        ):
            for log in receipt.logs:
                position = log_position(block_number, log_index)
                log_index += 1
                if log.address not in self._system:
                    continue
                raw = RawLog(
                    log.address, tuple(t.to_bytes(32, "big") for t in log.topics), log.data
                )
                try:
                    event = self._decoder.decode(raw)
                except (UnknownEventError, DecodingError):
                    continue
                concerns = self.involvement.concerns(event)
                self._persist_learnt(writes, event)
                record = {
                    "block": block_number,
                    "logIndex": position & 0xFFFFFFFF,
                    "transactionIndex": tx_index,
                    "transactionHash": "0x" + bytes(tx_hash).hex(),
                    "contract": event.contract,
                    "event": event.name,
                    "args": to_json(event.args),
                    "exchanges": list(concerns.exchanges),
                    "parties": list(concerns.parties),
                    "public": concerns.public,
                }
                writes[domain_event_key(position)] = _dump(record)
                self._mark(writes, event, concerns, position)
                self._fold(writes, event, concerns, record)
        writes[DOMAIN_HEAD_KEY] = block_number.to_bytes(8, "big")

    def _persist_learnt(self, writes: DatabaseAPI, event: DecodedEvent) -> None:
        learnt = _LEARNT.get(event.name)
        if learnt is None:
            return
        kind, field, id_name = learnt
        key = event.args[id_name]
        value = getattr(self.involvement, field).get(key)
        if value is None:
            return
        if isinstance(value, tuple) and value and isinstance(value[0], frozenset):
            value = [sorted(value[0]), sorted(value[1])]
        writes[DOMAIN_INVOLVEMENT_PREFIX + _key_part(kind, key)] = _dump(value)

    def _mark(
        self, writes: DatabaseAPI, event: DecodedEvent, concerns: Concerns, position: int
    ) -> None:
        at = log_position_bytes(position)
        writes[DOMAIN_BY_NAME_PREFIX + domain_label(event.name) + at] = b""
        for code in concerns.exchanges:
            writes[DOMAIN_BY_EXCHANGE_PREFIX + domain_label(code) + at] = b""
        for party in concerns.parties:
            writes[DOMAIN_BY_PARTY_PREFIX + _address(party) + at] = b""
        args = event.args
        if isinstance(args.get("productId"), int):
            writes[DOMAIN_BY_PRODUCT_PREFIX + domain_id(args["productId"]) + at] = b""
        if isinstance(args.get("orderId"), int) and args["orderId"]:
            writes[DOMAIN_BY_ORDER_PREFIX + domain_id(args["orderId"]) + at] = b""
        if isinstance(args.get("grantId"), int) and args["grantId"]:
            writes[DOMAIN_BY_GRANT_PREFIX + domain_id(args["grantId"]) + at] = b""
        if event.contract == "DemandBoard" and isinstance(args.get("demandId"), int):
            writes[DOMAIN_BY_DEMAND_PREFIX + domain_id(args["demandId"]) + at] = b""

    def _fold(
        self, writes: DatabaseAPI, event: DecodedEvent, concerns: Concerns, record: dict[str, Any]
    ) -> None:
        name, args = event.name, event.args
        if event.contract == "DataProductRegistry" and name in PRODUCT_EVENTS | RECOGNITION_EVENTS:
            self._fold_product(writes, name, args, record)
        elif event.contract == "TradeSettlement" and name == "OrderCreated":
            order = args["order"]
            self._store_record(
                writes, DOMAIN_ORDER_PREFIX, ORDER, args["orderId"], concerns,
                {
                    "orderId": args["orderId"],
                    "productId": order["productId"],
                    "buyer": order["buyer"],
                    "seller": order["seller"],
                    "buyerExchange": decode_exchange_code(order["buyerExchange"]),
                    "sellerExchange": decode_exchange_code(order["sellerExchange"]),
                    "createdInBlock": record["block"],
                    "transactionHash": record["transactionHash"],
                    "terms": to_json(order),
                },
            )  # fmt: skip
        elif event.contract == "AuthorizationRegistry" and name == "GrantIssued":
            self._store_record(
                writes, DOMAIN_GRANT_PREFIX, GRANT, args["grantId"], concerns,
                {
                    "grantId": args["grantId"],
                    "productId": args["productId"],
                    "grantee": args["grantee"],
                    "grantor": args["grantor"],
                    "orderId": args["orderId"],
                    "issuedInBlock": record["block"],
                    "transactionHash": record["transactionHash"],
                    "terms": to_json(args["terms"]),
                },
            )  # fmt: skip
        elif event.contract == "DemandBoard" and name in demand_events.FOLDS:
            self._fold_demand(writes, name, args, concerns, record)
        elif event.contract == "ParticipantRegistry" and name == "ParticipantRegistered":
            writes[DOMAIN_PARTICIPANT_PREFIX + _address(args["account"])] = _dump(
                {
                    "account": args["account"],
                    "homeExchange": decode_exchange_code(args["homeExchange"]),
                    "registeredInBlock": record["block"],
                }
            )

    @staticmethod
    def _fold_demand(
        writes: DatabaseAPI,
        name: str,
        args: dict[str, Any],
        concerns: Concerns,
        record: dict[str, Any],
    ) -> None:
        """The demand (public) and offer (private: its ``exchanges`` and ``parties``) records,
        folded by ``client.demand_events`` over their stored JSON."""
        if "demandId" not in args:
            return
        demand_id = args["demandId"]
        demand_key = DOMAIN_DEMAND_PREFIX + domain_id(demand_id)
        state = demand_events.DemandState()
        stored = json.loads(writes[demand_key]) if demand_key in writes else None
        if stored is not None:
            state.demands[demand_id] = stored["fold"]
            state.offer_ids[demand_id] = stored["offerIds"]
        offer_id = int(args.get("offerId") or 0)
        offer_key = DOMAIN_OFFER_PREFIX + domain_id(offer_id) if offer_id else b""
        offer = json.loads(writes[offer_key]) if offer_key and offer_key in writes else None
        if offer is not None:
            state.offers[offer_id] = offer["fold"]
        if stored is None and name != "DemandPosted":
            return
        demand_events.apply_event(state, name, to_json(args))
        fold = state.demands[demand_id]
        if stored is None:
            home = decode_exchange_code(args["homeExchange"])
            writes[DOMAIN_DEMAND_BY_EXCHANGE_PREFIX + domain_label(home) + domain_id(demand_id)] = (
                b""
            )
            for word in title_words(fold["terms"]["title"]):
                writes[DOMAIN_DEMAND_BY_WORD_PREFIX + domain_label(word) + domain_id(demand_id)] = (
                    b""
                )
        writes[demand_key] = _dump(
            {
                "demandId": demand_id,
                "fold": to_json(fold),
                "offerIds": state.offer_ids[demand_id],
                "updatedInBlock": record["block"],
            }
        )
        if offer_key and offer_id in state.offers:
            writes[offer_key] = _dump(
                {
                    "offerId": offer_id,
                    "fold": to_json(state.offers[offer_id]),
                    "exchanges": list(concerns.exchanges),
                    "parties": list(concerns.parties),
                    "updatedInBlock": record["block"],
                }
            )

    @staticmethod
    def _store_record(
        writes: DatabaseAPI,
        prefix: bytes,
        kind: bytes,
        record_id: int,
        concerns: Concerns,
        record: dict[str, Any],
    ) -> None:
        record["exchanges"], record["parties"] = list(concerns.exchanges), list(concerns.parties)
        writes[prefix + domain_id(record_id)] = _dump(record)
        for party in concerns.parties:
            writes[
                DOMAIN_RECORD_BY_PARTY_PREFIX + _address(party) + kind + domain_id(record_id)
            ] = b""
        for code in concerns.exchanges:
            key = (
                DOMAIN_RECORD_BY_EXCHANGE_PREFIX + domain_label(code) + kind + domain_id(record_id)
            )
            writes[key] = b""

    @staticmethod
    def _fold_product(
        writes: DatabaseAPI, name: str, args: dict[str, Any], record: dict[str, Any]
    ) -> None:
        product_id = args["productId"]
        key = DOMAIN_PRODUCT_PREFIX + domain_id(product_id)
        stored = json.loads(writes[key]) if key in writes else None
        if stored is None and name != "ProductSubmitted":
            return
        if name in RECOGNITION_EVENTS:
            assert stored is not None
            code = decode_exchange_code(args["exchange"])
            declined = dict(stored["notRecognisedBy"])
            if name == "NonRecognitionRecorded":
                declined[code] = {
                    "exchange": code,
                    "reasonCode": to_json(args["reasonCode"]),
                    "reasonHash": to_json(args["reasonHash"]),
                    "recordedBy": args["recordedBy"],
                    "block": record["block"],
                }
            else:
                declined.pop(code, None)
            stored["notRecognisedBy"] = declined
            writes[key] = _dump(stored)
            return
        state = registries_events.RegistryState(
            products={} if stored is None else {product_id: stored["fold"]}
        )
        registries_events.apply_event(state, name, dict(args))
        fold = to_json(state.products[product_id])
        if stored is None:
            stored = {"productId": product_id, "notRecognisedBy": {}}
            listing = decode_exchange_code(args["listingExchange"])
            writes[
                DOMAIN_PRODUCT_BY_EXCHANGE_PREFIX + domain_label(listing) + domain_id(product_id)
            ] = b""
        old_words = title_words(stored["fold"]["terms"]["title"]) if "fold" in stored else set()
        new_words = title_words(fold["terms"]["title"])
        for word in old_words - new_words:
            del writes[DOMAIN_PRODUCT_BY_WORD_PREFIX + domain_label(word) + domain_id(product_id)]
        for word in new_words - old_words:
            writes[DOMAIN_PRODUCT_BY_WORD_PREFIX + domain_label(word) + domain_id(product_id)] = b""
        stored["fold"] = fold
        stored["updatedInBlock"] = record["block"]
        writes[key] = _dump(stored)
