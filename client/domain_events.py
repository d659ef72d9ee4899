"""Raw logs of the system contracts decoded into domain events, with who each one concerns.

One decoder for every reader of the ledger's events: the gateway's event index and stream, the
regulator's export and report, and the market rebuild. Values come out as web3.py decodes them
(addresses checksummed, ``bytesN`` as ``bytes``, tuples as dicts by component name), so the
folds written against web3.py apply unchanged; ``to_json`` makes them JSON-ready.

Who an event concerns is not always in the event itself (``OrderPaid`` names only the order):
``Involvement`` follows the events in chain order and remembers, per order, grant, product,
participant and proposal, the exchanges and parties it belongs to. It must therefore see every
event from genesis on, in order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from client.abi import canonical_type
from client.artifacts import load_artifact
from client.contracts import decode_exchange_code, system_address

SYSTEM_CONTRACTS = (
    "ExchangeRegistry",
    "ParticipantRegistry",
    "DataProductRegistry",
    "AuthorizationRegistry",
    "TradeSettlement",
    "DemandBoard",
    "ExportBasisRegistry",
)
PROXY_ABI = "UpgradeProxy"
PRIVATE_CONTRACTS = frozenset(
    {"AuthorizationRegistry", "TradeSettlement", "DemandBoard", "ExportBasisRegistry"}
)
"""Events of these contracts concern their parties, the exchanges involved and regulators only;
registries and listings are public."""
PUBLIC_EVENTS = frozenset(
    {
        "Upgraded", "AdminChanged", "Initialized", "FeeScheduleSet",
        "DemandPosted", "DemandWithdrawn", "DemandTakenDown",
    }
)  # fmt: skip
"""Events of the private contracts that are about the contract itself or a public record (a
demand is posted for every exchange's suppliers to see); a demand's offers and its award are
private to the buyer, the offering supplier and their exchanges."""


class UnknownEventError(ValueError):
    """A log that no system contract emits (wrong address or unknown topic)."""


@dataclass(frozen=True)
class RawLog:
    address: bytes
    topics: tuple[bytes, ...]
    data: bytes


@dataclass(frozen=True)
class DecodedEvent:
    contract: str
    """The system contract (by name) whose proxy emitted the log."""
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Concerns:
    exchanges: tuple[str, ...]
    """Exchange codes involved, sorted."""
    parties: tuple[str, ...]
    """Participant accounts involved (checksummed, sorted): buyer, seller, supplier, grantor,
    grantee, registered account, export recipient. Operators and regulators acting on a record
    are not parties."""
    public: bool


def _shape(entry: Mapping[str, Any], value: Any) -> Any:
    """An eth_abi value as web3.py gives it."""
    kind = str(entry["type"])
    if kind.endswith("]"):
        element = {**entry, "type": kind[: kind.rindex("[")]}
        return [_shape(element, item) for item in value]
    if kind == "tuple":
        return {c["name"]: _shape(c, v) for c, v in zip(entry["components"], value, strict=True)}
    if kind == "address":
        return to_checksum_address(value)
    return value


@dataclass(frozen=True)
class _EventAbi:
    contract: str
    name: str
    inputs: tuple[Mapping[str, Any], ...]

    def decode(self, log: RawLog) -> DecodedEvent:
        indexed = [i for i in self.inputs if i["indexed"]]
        plain = [i for i in self.inputs if not i["indexed"]]
        if len(log.topics) != len(indexed) + 1:
            raise UnknownEventError(
                f"{self.contract}.{self.name} has {len(indexed)} indexed fields"
            )
        values: dict[str, Any] = {}
        for entry, topic in zip(indexed, log.topics[1:], strict=True):
            values[entry["name"]] = _shape(entry, decode([canonical_type(entry)], topic)[0])
        decoded = decode([canonical_type(entry) for entry in plain], log.data)
        for entry, value in zip(plain, decoded, strict=True):
            values[entry["name"]] = _shape(entry, value)
        return DecodedEvent(
            self.contract, self.name, {i["name"]: values[i["name"]] for i in self.inputs}
        )


class EventDecoder:
    """Decodes the logs of the system proxies (the fixed genesis addresses by default)."""

    def __init__(self, addresses: Mapping[str, str] | None = None) -> None:
        chosen = addresses or {name: system_address(name) for name in SYSTEM_CONTRACTS}
        self.addresses = {name: bytes.fromhex(a[2:]) for name, a in chosen.items()}
        self._events: dict[tuple[bytes, bytes], _EventAbi] = {}
        self._by_name: dict[tuple[str, str], _EventAbi] = {}
        for name, address in self.addresses.items():
            for abi_name in (name, PROXY_ABI):
                for entry in load_artifact(abi_name).abi:
                    if entry["type"] != "event":
                        continue
                    inputs = tuple(entry["inputs"])
                    signature = f"{entry['name']}({','.join(canonical_type(i) for i in inputs)})"
                    event = _EventAbi(name, entry["name"], inputs)
                    self._events[(address, keccak(text=signature))] = event
                    self._by_name[(name, entry["name"])] = event

    def decode(self, log: RawLog) -> DecodedEvent:
        if not log.topics:
            raise UnknownEventError(f"anonymous log from 0x{log.address.hex()}")
        event = self._events.get((log.address, log.topics[0]))
        if event is None:
            raise UnknownEventError(
                f"log from 0x{log.address.hex()} with topic 0x{log.topics[0].hex()} "
                "matches no system contract event"
            )
        return event.decode(log)

    def event_inputs(self, contract: str, name: str) -> tuple[Mapping[str, Any], ...]:
        """The ABI inputs of one event (name, type, components): the columns a typed export
        of that event has."""
        event = self._by_name.get((contract, name))
        if event is None:
            raise UnknownEventError(f"{contract} emits no event {name}")
        return event.inputs


@dataclass
class Involvement:
    """Who each event concerns, learnt from the events before it."""

    orders: dict[int, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    products: dict[int, tuple[str, str]] = field(default_factory=dict)
    """product id → (listing exchange, supplier)"""
    grants: dict[int, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    participants: dict[str, str] = field(default_factory=dict)
    """account → home exchange"""
    proposals: dict[int, str] = field(default_factory=dict)
    """proposal id → proposing exchange"""
    demands: dict[int, tuple[str, str]] = field(default_factory=dict)
    """demand id → (home exchange, buyer)"""
    offers: dict[int, tuple[str, str]] = field(default_factory=dict)
    """offer id → (supplier's home exchange, supplier)"""

    def concerns(self, event: DecodedEvent) -> Concerns:
        exchanges, parties = self._learn(event)
        return Concerns(
            tuple(sorted(code for code in exchanges if code)),
            tuple(sorted(parties)),
            event.contract not in PRIVATE_CONTRACTS or event.name in PUBLIC_EVENTS,
        )

    def _learn(self, event: DecodedEvent) -> tuple[set[str], set[str]]:
        a = event.args
        if event.contract == "ExchangeRegistry":
            return self._exchange_registry(event.name, a), set()
        if event.contract == "ParticipantRegistry" and "account" in a:
            if event.name == "ParticipantRegistered":
                self.participants[a["account"]] = decode_exchange_code(a["homeExchange"])
            return {self.participants.get(a["account"], "")}, {a["account"]}
        if event.contract == "DemandBoard":
            return self._demand(event.name, a)
        if "orderId" in a and a["orderId"] and event.contract != "AuthorizationRegistry":
            return self._order(event.name, a)
        if event.contract == "AuthorizationRegistry" and "grantId" in a:
            return self._grant(event.name, a)
        if event.name == "FeeScheduleSet":
            return {decode_exchange_code(a["exchange"])}, set()
        if "productId" in a:
            return self._product(event.name, a)
        return set(), set()

    def _exchange_registry(self, name: str, a: Mapping[str, Any]) -> set[str]:
        if name == "ProposalCreated":
            self.proposals[a["proposalId"]] = decode_exchange_code(a["proposerExchange"])
        found = {decode_exchange_code(a[key]) for key in ("code", "exchange") if key in a}
        if "proposalId" in a and a["proposalId"] in self.proposals:
            found.add(self.proposals[a["proposalId"]])
        return found

    def _order(self, name: str, a: Mapping[str, Any]) -> tuple[set[str], set[str]]:
        if name == "OrderCreated":
            order = a["order"]
            self.orders[a["orderId"]] = (
                frozenset(
                    decode_exchange_code(order[k]) for k in ("buyerExchange", "sellerExchange")
                ),
                frozenset((order["buyer"], order["seller"])),
            )
        exchanges, parties = self.orders.get(a["orderId"], (frozenset(), frozenset()))
        return set(exchanges), set(parties)

    def _demand(self, name: str, a: Mapping[str, Any]) -> tuple[set[str], set[str]]:
        """A demand concerns its buyer and home exchange; an offer (and the award) also the
        offering supplier and its home exchange, and no other supplier."""
        if "demandId" not in a:
            return set(), set()
        if name == "DemandPosted":
            self.demands[a["demandId"]] = (decode_exchange_code(a["homeExchange"]), a["buyer"])
        if name == "OfferSealed":
            self.offers[a["offerId"]] = (decode_exchange_code(a["supplierExchange"]), a["supplier"])
        home, buyer = self.demands.get(a["demandId"], ("", ""))
        exchanges, parties = {home}, {buyer} - {""}
        if "offerId" in a:
            exchange, supplier = self.offers.get(a["offerId"], ("", ""))
            exchanges.add(exchange)
            parties |= {supplier} - {""}
        return exchanges, parties

    def _grant(self, name: str, a: Mapping[str, Any]) -> tuple[set[str], set[str]]:
        if name == "GrantIssued":
            exchanges, parties = self.orders.get(a["orderId"], (frozenset(), frozenset()))
            listing = self.products.get(a["productId"], ("", ""))[0]
            self.grants[a["grantId"]] = (
                exchanges | {listing},
                parties | {a["grantee"], a["grantor"]},
            )
        exchanges, parties = self.grants.get(a["grantId"], (frozenset(), frozenset()))
        return set(exchanges), set(parties)

    def _product(self, name: str, a: Mapping[str, Any]) -> tuple[set[str], set[str]]:
        if name == "ProductSubmitted":
            self.products[a["productId"]] = (
                decode_exchange_code(a["listingExchange"]),
                a["supplier"],
            )
        listing, supplier = self.products.get(a["productId"], ("", ""))
        exchanges = {listing}
        if "exchange" in a:
            exchanges.add(decode_exchange_code(a["exchange"]))
        parties = {supplier} if supplier else set()
        if "recipient" in a:
            parties.add(a["recipient"])
        return exchanges, parties


def to_json(value: Any) -> Any:
    """Decoded values as JSON: bytes as 0x-hex, integers beyond 2^53 as decimal strings."""
    if isinstance(value, Mapping):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


def raw_log(address: str | bytes, topics: Sequence[str | bytes], data: str | bytes) -> RawLog:
    """A ``RawLog`` from JSON-RPC hex strings or bytes."""

    def _bytes(value: str | bytes) -> bytes:
        return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)

    return RawLog(_bytes(address), tuple(_bytes(t) for t in topics), _bytes(data))
