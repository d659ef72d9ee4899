"""The gateway's answers as frozen dataclasses, parsed from its JSON (``/openapi.json``).

Hashes and codes stay 0x hex strings as the gateway sends them; enums become the SDK's
``StrEnum``s; event arguments and an order's or grant's state stay JSON (bytes as 0x hex,
integers beyond 2^53 as decimal strings), since their shape is each event's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from client.sdk.demand_terms import DemandStatus, DemandTerms, OfferStatus, OfferTerms
from client.sdk.domain import (
    Classification,
    DataSource,
    ListingTerms,
    PriceModel,
    ProductStatus,
    ProductType,
    Right,
    Role,
)
from client.sdk.errors import ProtocolError

T = TypeVar("T")


@contextmanager
def parsing(what: str) -> Iterator[None]:
    """Turns a missing or mistyped field into a :class:`ProtocolError` naming ``what``."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ProtocolError(f"the gateway's {what} is not as documented: {error!r}") from None


def _bytes(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    next: str | None
    """The cursor of the next page; None at the end."""


def parse_page(document: Any, item: Callable[[Any], T]) -> Page[T]:
    with parsing("page"):
        return Page(tuple(item(entry) for entry in document["items"]), document["next"])


@dataclass(frozen=True)
class Token:
    token: str
    address: str
    expires_at: int


def parse_token(document: Any) -> Token:
    with parsing("token"):
        return Token(str(document["token"]), document["address"], int(document["expiresAt"]))


@dataclass(frozen=True)
class Identity:
    """Who the session's account is in the head state."""

    address: str
    regulator: bool
    regulator_root: bool
    exchange: str | None
    """The exchange it operates, if that exchange is active."""
    home_exchange: str | None
    """Its home exchange, if it is an active participant."""
    roles: tuple[Role, ...]


def parse_identity(document: Any) -> Identity:
    with parsing("identity"):
        participant = document["participant"]
        return Identity(
            address=document["address"],
            regulator=bool(document["regulator"]),
            regulator_root=bool(document["regulatorRoot"]),
            exchange=document["exchange"],
            home_exchange=participant["homeExchange"] if participant else None,
            roles=tuple(Role(r) for r in participant["roles"]) if participant else (),
        )


@dataclass(frozen=True)
class ChainInfo:
    chain_id: int
    genesis_hash: str
    head_number: int
    head_hash: str
    head_timestamp: int


def parse_chain(document: Any) -> ChainInfo:
    with parsing("chain"):
        head = document["head"]
        return ChainInfo(
            int(document["chainId"]),
            document["genesisHash"],
            int(head["number"]),
            head["hash"],
            int(head["timestamp"]),
        )


@dataclass(frozen=True)
class FeeSchedule:
    """An exchange's published rates in basis points: as listing exchange, as buyer's."""

    listing_fee_bps: int
    buyer_exchange_fee_bps: int


@dataclass(frozen=True)
class Exchange:
    code: str
    name: str
    city: str
    operators: tuple[str, ...]
    validator: str
    observers: tuple[str, ...]
    status: str
    fees: FeeSchedule


def parse_exchange(document: Any) -> Exchange:
    with parsing("exchange"):
        fees = document["fees"]
        return Exchange(
            document["code"],
            document["name"],
            document["city"],
            tuple(document["operators"]),
            document["validator"],
            tuple(document["observers"]),
            document["status"],
            FeeSchedule(int(fees["listingFeeBps"]), int(fees["buyerExchangeFeeBps"])),
        )


@dataclass(frozen=True)
class Participant:
    account: str
    home_exchange: str
    roles: tuple[Role, ...]
    jurisdiction: str
    status: str
    registered_in_block: int


def parse_participant(document: Any) -> Participant:
    with parsing("participant"):
        return Participant(
            document["account"],
            document["homeExchange"],
            tuple(Role(r) for r in document["roles"]),
            document["jurisdiction"],
            document["status"],
            int(document["registeredInBlock"]),
        )


@dataclass(frozen=True)
class DomainEvent:
    """A decoded event of a system contract, with who it concerns."""

    id: str
    """Its position in the chain; resume an event stream after it with ``Last-Event-ID``."""
    block: int
    log_index: int
    transaction_hash: str
    contract: str
    event: str
    args: Mapping[str, Any]
    exchanges: tuple[str, ...]
    parties: tuple[str, ...]
    public: bool


def parse_event(document: Any) -> DomainEvent:
    with parsing("event"):
        return DomainEvent(
            id=str(document["id"]),
            block=int(document["block"]),
            log_index=int(document["logIndex"]),
            transaction_hash=document["transactionHash"],
            contract=document["contract"],
            event=document["event"],
            args=dict(document["args"]),
            exchanges=tuple(document["exchanges"]),
            parties=tuple(document["parties"]),
            public=bool(document["public"]),
        )


def _events(document: Any, key: str) -> tuple[DomainEvent, ...]:
    return tuple(parse_event(e) for e in document.get(key, ()))


@dataclass(frozen=True)
class NonRecognition:
    """An exchange's reasoned refusal to recognise a listing made at another exchange."""

    exchange: str
    reason_code: str
    reason_hash: str
    recorded_by: str
    block: int


@dataclass(frozen=True)
class Product:
    product_id: int
    supplier: str
    listing_exchange: str
    version: int
    status: ProductStatus
    suspended_by_regulator: bool
    compliance_evaluator: str
    content_hash: str
    terms: ListingTerms
    not_recognised_by: tuple[NonRecognition, ...]
    updated_in_block: int
    history: tuple[DomainEvent, ...] = ()
    """Its public events (only when read one by one)."""

    def recognised_by(self, exchange: str) -> bool:
        """Every exchange recognises a listing unless it recorded a non-recognition."""
        return all(entry.exchange != exchange for entry in self.not_recognised_by)


def parse_listing_terms(terms: Mapping[str, Any]) -> ListingTerms:
    return ListingTerms(
        title=terms["title"],
        category=_bytes(terms["category"]),
        product_type=ProductType(terms["productType"]),
        classification=Classification(terms["classification"]),
        personal_information=bool(terms["personalInformation"]),
        source=DataSource(terms["source"]),
        rights=frozenset(Right(r) for r in terms["rights"]),
        price_model=PriceModel(terms["priceModel"]),
        unit_price=int(terms["unitPrice"]),
        currency=terms["currency"],
        delivery_account=terms["deliveryAccount"],
        metadata_uri=terms["metadataUri"],
        metadata_hash=_bytes(terms["metadataHash"]),
        compliance_report_hash=_bytes(terms["complianceReportHash"]),
        export_allowed=bool(terms["exportAllowed"]),
    )


def parse_product(document: Any) -> Product:
    with parsing("product"):
        return Product(
            product_id=int(document["productId"]),
            supplier=document["supplier"],
            listing_exchange=document["listingExchange"],
            version=int(document["version"]),
            status=ProductStatus(document["status"]),
            suspended_by_regulator=bool(document["suspendedByRegulator"]),
            compliance_evaluator=document["complianceEvaluator"],
            content_hash=document["contentHash"],
            terms=parse_listing_terms(document["terms"]),
            not_recognised_by=tuple(
                NonRecognition(
                    e["exchange"], e["reasonCode"], e["reasonHash"], e["recordedBy"], e["block"]
                )
                for e in document["recognition"]["notRecognisedBy"]
            ),
            updated_in_block=int(document["updatedInBlock"]),
            history=_events(document, "history"),
        )


@dataclass(frozen=True)
class Order:
    """An order as created (its terms) and, read one by one, its state in the head block."""

    order_id: int
    product_id: int
    buyer: str
    seller: str
    buyer_exchange: str
    seller_exchange: str
    created_in_block: int
    transaction_hash: str
    exchanges: tuple[str, ...]
    parties: tuple[str, ...]
    terms: Mapping[str, Any]
    state: Mapping[str, Any] | None = None
    """``TradeSettlement.order`` in the head state (``status``: created, accepted, cancelled)."""
    as_of_block: int | None = None
    events: tuple[DomainEvent, ...] = ()


def _record(document: Any) -> dict[str, Any]:
    """The fields an order and a grant share: where they were recorded, who they concern,
    their terms, and (read one by one) their live state and events."""
    return {
        "transaction_hash": document["transactionHash"],
        "exchanges": tuple(document["exchanges"]),
        "parties": tuple(document["parties"]),
        "terms": dict(document["terms"]),
        "state": document.get("state"),
        "as_of_block": document.get("asOfBlock"),
        "events": _events(document, "events"),
    }


def parse_order(document: Any) -> Order:
    with parsing("order"):
        return Order(
            order_id=int(document["orderId"]),
            product_id=int(document["productId"]),
            buyer=document["buyer"],
            seller=document["seller"],
            buyer_exchange=document["buyerExchange"],
            seller_exchange=document["sellerExchange"],
            created_in_block=int(document["createdInBlock"]),
            **_record(document),
        )


@dataclass(frozen=True)
class Authorization:
    """A grant (授权) and, read one by one, its state (``status``, ``uses``) in the head."""

    grant_id: int
    product_id: int
    grantee: str
    grantor: str
    order_id: int
    issued_in_block: int
    transaction_hash: str
    exchanges: tuple[str, ...]
    parties: tuple[str, ...]
    terms: Mapping[str, Any]
    state: Mapping[str, Any] | None = None
    as_of_block: int | None = None
    events: tuple[DomainEvent, ...] = ()


def parse_authorization(document: Any) -> Authorization:
    with parsing("authorization"):
        return Authorization(
            grant_id=int(document["grantId"]),
            product_id=int(document["productId"]),
            grantee=document["grantee"],
            grantor=document["grantor"],
            order_id=int(document["orderId"]),
            issued_in_block=int(document["issuedInBlock"]),
            **_record(document),
        )


@dataclass(frozen=True)
class Demand:
    """A demand of the pool (public) and, read one by one, its public history."""

    demand_id: int
    buyer: str
    status: DemandStatus
    offer_count: int
    posted_at: int
    awarded_offer: int | None
    order_id: int | None
    """The order its award created."""
    terms: DemandTerms
    updated_in_block: int
    history: tuple[DomainEvent, ...] = ()


def parse_demand(document: Any) -> Demand:
    with parsing("demand"):
        terms = document["terms"]
        return Demand(
            demand_id=int(document["demandId"]),
            buyer=document["buyer"],
            status=DemandStatus(document["status"]),
            offer_count=int(document["offerCount"]),
            posted_at=int(document["postedAt"]),
            awarded_offer=document["awardedOffer"],
            order_id=document["orderId"],
            terms=DemandTerms(
                title=terms["title"],
                category=_bytes(terms["category"]),
                product_type=ProductType(terms["productType"]),
                rights=frozenset(Right(r) for r in terms["rights"]),
                classification_ceiling=Classification(terms["classificationCeiling"]),
                budget_min=int(terms["budgetMin"]),
                budget_max=int(terms["budgetMax"]),
                currency=terms["currency"],
                response_deadline=int(terms["responseDeadline"]),
                description_hash=_bytes(terms["descriptionHash"]),
                description_uri=terms["descriptionUri"],
                home_exchange=document["homeExchange"],
            ),
            updated_in_block=int(document["updatedInBlock"]),
            history=_events(document, "history"),
        )


@dataclass(frozen=True)
class Offer:
    """An offer on a demand, as far as the caller may see it: its terms only once revealed."""

    offer_id: int
    demand_id: int
    supplier: str
    supplier_exchange: str
    status: OfferStatus
    commitment: str
    sealed_at: int
    revealed_at: int | None
    terms: OfferTerms | None
    """None while sealed: the price is not on chain before the reveal."""
    exchanges: tuple[str, ...]
    parties: tuple[str, ...]
    updated_in_block: int


def _offer_terms(terms: Any) -> OfferTerms | None:
    if terms is None:
        return None
    proposal = terms["proposalHash"]
    return OfferTerms(
        price=int(terms["price"]),
        delivery_days=int(terms["deliveryDays"]),
        product_id=int(terms["productId"] or 0),
        version=int(terms["version"] or 0),
        proposal_hash=bytes(32) if proposal is None else _bytes(proposal),
    )


def parse_offer(document: Any) -> Offer:
    with parsing("offer"):
        return Offer(
            offer_id=int(document["offerId"]),
            demand_id=int(document["demandId"]),
            supplier=document["supplier"],
            supplier_exchange=document["supplierExchange"],
            status=OfferStatus(document["status"]),
            commitment=document["commitment"],
            sealed_at=int(document["sealedAt"]),
            revealed_at=document["revealedAt"],
            terms=_offer_terms(document["terms"]),
            exchanges=tuple(document["exchanges"]),
            parties=tuple(document["parties"]),
            updated_in_block=int(document["updatedInBlock"]),
        )


@dataclass(frozen=True)
class RevertReason:
    """Why a transaction reverted: the system contracts' custom error it named."""

    error: str | None
    """E.g. ``InvalidStatus``; None when the revert data names no known error."""
    args: Mapping[str, Any]
    data: str

    def __str__(self) -> str:
        if self.error is None:
            return f"revert data {self.data}"
        return f"{self.error}({', '.join(f'{k}={v}' for k, v in self.args.items())})"


@dataclass(frozen=True)
class TransactionStatus:
    transaction_hash: str
    status: str
    """``pending``, ``succeeded`` or ``failed`` (included, but reverted)."""
    function: str | None = None
    """``Contract.function`` the gateway relayed (only in the answer to the submission)."""
    block: int | None = None
    block_hash: str | None = None
    transaction_index: int | None = None
    gas_used: int | None = None
    events: tuple[DomainEvent, ...] = ()
    """The domain events it emitted that the caller may see."""
    revert: RevertReason | None = None
    """Why it failed (only when it did)."""

    def named(self, event: str) -> tuple[DomainEvent, ...]:
        return tuple(e for e in self.events if e.event == event)

    def event(self, event: str) -> DomainEvent:
        """Its one event named ``event`` (e.g. ``OrderCreated``, to learn the order id)."""
        found = self.named(event)
        if len(found) != 1:
            raise LookupError(f"{self.transaction_hash} emitted {len(found)} {event} events")
        return found[0]


def parse_transaction(document: Any) -> TransactionStatus:
    with parsing("transaction status"):
        return TransactionStatus(
            transaction_hash=document["transactionHash"],
            status=document["status"],
            function=document.get("function"),
            block=document.get("block"),
            block_hash=document.get("blockHash"),
            transaction_index=document.get("transactionIndex"),
            gas_used=document.get("gasUsed"),
            events=_events(document, "events"),
            revert=_revert(document.get("revert")),
        )


def _revert(document: Any) -> RevertReason | None:
    if document is None:
        return None
    return RevertReason(document["error"], dict(document["args"]), document["data"])
