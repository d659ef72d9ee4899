"""Every call of the gateway's API and every domain action, written once as operations (see
:mod:`client.sdk.operation`) and shared by :class:`client.sdk.Client` and
:class:`client.sdk.AsyncClient`.

A client signs in by itself (EIP-4361) before the first call that needs a session, and again
when the gateway says its token expired; it waits out a 429 for the ``Retry-After`` the gateway
names (up to ``max_retries`` times). Writes are transactions the client signs with its own
account and relays through ``POST /v1/transactions``; with ``wait`` (the default) a write
returns once its block is committed, with the domain events it emitted, and raises
:class:`TransactionFailed` if it reverted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from eth_account.signers.local import LocalAccount

from client.certificate import Verdict, verdict_from_json
from client.certificate.verdict_json import VerdictFormatError
from client.contracts import encode_exchange_code
from client.mediation import proposal_hash
from client.sdk.calls import DEFAULT_GAS, ContractCall, sign_call, sign_text
from client.sdk.domain import (
    Classification,
    ContractType,
    GrantRequest,
    GrantTerms,
    ListingTerms,
    OrderRequest,
    Outcome,
    ProductStatus,
    Resolution,
    Right,
    Role,
    bits,
    hash32,
    ordinal,
    short_code,
)
from client.sdk.errors import (
    DclError,
    GatewayError,
    InvalidToken,
    ProtocolError,
    RateLimited,
    SignInRefused,
    TransactionFailed,
    TransactionPending,
    TransactionRefused,
    error_from_answer,
)
from client.sdk.models import (
    Authorization,
    ChainInfo,
    Exchange,
    Identity,
    Order,
    Page,
    Participant,
    Product,
    Token,
    TransactionStatus,
    parse_authorization,
    parse_chain,
    parse_exchange,
    parse_identity,
    parse_order,
    parse_page,
    parse_participant,
    parse_product,
    parse_token,
    parse_transaction,
)
from client.sdk.operation import HttpRequest, HttpResponse, Operation, Sleep, endpoint
from client.sdk.sse import EventFilters, StreamState

T = TypeVar("T")
S = TypeVar("S")
PARTICIPANTS, PRODUCTS, SETTLEMENT = "ParticipantRegistry", "DataProductRegistry", "TradeSettlement"
GRANTS = "AuthorizationRegistry"
POLL_SECONDS = 1.0


def _page_params(cursor: str | None, limit: int | None) -> list[tuple[str, str]]:
    found = [("cursor", cursor)] if cursor is not None else []
    return found + ([("limit", str(limit))] if limit is not None else [])


class MarketApi(Generic[S]):
    """The API, whatever the transport; see :class:`client.sdk.Client` for its use. ``S`` is
    the transport's event stream (an iterator, or an async iterator)."""

    def __init__(
        self,
        url: str,
        account: LocalAccount | None = None,
        *,
        token: str | None = None,
        gas: int = DEFAULT_GAS,
        max_retries: int = 3,
        wait_timeout: float = 120.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.account = account
        self.token = token
        self.gas = gas
        self.max_retries = max_retries
        self.wait_timeout = wait_timeout
        self._chain_id: int | None = None
        self._next_nonce = 0

    # -- the exchange of one request --------------------------------------------------------------

    def _authorized(self, request: HttpRequest) -> Operation[HttpRequest]:
        if not request.authorized:
            return request
        if self.token is None and self.account is not None:
            yield from self._sign_in()
        if self.token is None:
            return request
        header = ("Authorization", f"Bearer {self.token}")
        return HttpRequest(
            request.method, request.path, request.params, request.body,
            (*request.headers, header), request.authorized,
        )  # fmt: skip

    def _exchange(self, request: HttpRequest) -> Operation[HttpResponse]:
        """The answer to ``request``; a typed error for a refusal."""
        renewed, waits = False, 0
        while True:
            response = yield (yield from self._authorized(request))
            assert response is not None
            if response.status < 400:
                return response
            error = error_from_answer(
                response.status, response.reason, dict(response.headers), response.body
            )
            if isinstance(error, InvalidToken) and self.account is not None and not renewed:
                self.token, renewed = None, True
            elif isinstance(error, RateLimited) and waits < self.max_retries:
                waits += 1
                yield Sleep(float(error.retry_after or 1))
            else:
                raise error

    def _json(self, request: HttpRequest) -> Operation[Any]:
        response = yield from self._exchange(request)
        return response.json()

    def _get(self, path: str, params: Iterable[tuple[str, str]] = ()) -> Operation[Any]:
        return self._json(HttpRequest("GET", path, tuple(params)))

    # -- sign-in ----------------------------------------------------------------------------------

    def _signer(self) -> LocalAccount:
        if self.account is None:
            raise DclError("this client has no account: give one to sign in and to transact")
        return self.account

    def _check_challenge(self, message: str, address: str) -> None:
        """Sign only a sign-in for this account at this gateway (EIP-4361's checks)."""
        lines = message.split("\n")
        host = urlsplit(self.url).netloc
        expected = f"{host} wants you to sign in with your Ethereum account:"
        if len(lines) < 2 or lines[0] != expected or lines[1] != address:
            raise SignInRefused(
                f"the gateway asked to sign a message for {lines[:2]}, not for {address} at {host}"
            )

    def _sign_in(self) -> Operation[Token]:
        account = self._signer()
        challenge = yield from self._json(
            HttpRequest("POST", "/v1/auth/challenge", body={"address": account.address},
                        authorized=False)
        )  # fmt: skip
        message = challenge.get("message") if isinstance(challenge, dict) else None
        if not isinstance(message, str):
            raise ProtocolError("the sign-in challenge has no message")
        self._check_challenge(message, account.address)
        body = {"message": message, "signature": sign_text(account, message)}
        answer = yield from self._json(
            HttpRequest("POST", "/v1/auth/login", body=body, authorized=False)
        )
        token = parse_token(answer)
        self.token = token.token
        return token

    @endpoint
    def sign_in(self) -> Operation[Token]:
        """Sign in with the client's account (EIP-4361); later calls carry the token."""
        return self._sign_in()

    @endpoint
    def me(self) -> Operation[Identity]:
        """The session's account and its roles in the head state."""
        return self._parsed(self._get("/v1/me"), parse_identity)

    def _parsed(self, operation: Operation[Any], parse: Callable[[Any], T]) -> Operation[T]:
        return parse((yield from operation))

    # -- reads ------------------------------------------------------------------------------------

    @endpoint
    def chain(self) -> Operation[ChainInfo]:
        """The chain id, genesis hash and head (its timestamp is the chain's clock)."""
        return self._parsed(self._get("/v1/chain"), parse_chain)

    @endpoint
    def nonce(self, address: str | None = None) -> Operation[int]:
        """An account's next nonce, counting its transactions in the pool (default: ours)."""
        return self._nonce(address or self._signer().address)

    def _nonce(self, address: str) -> Operation[int]:
        answer = yield from self._get(f"/v1/accounts/{address}")
        try:
            return int(answer["nonce"])
        except (KeyError, TypeError, ValueError) as error:
            raise ProtocolError(f"the account's nonce is not as documented: {error!r}") from None

    @endpoint
    def exchanges(self) -> Operation[tuple[Exchange, ...]]:
        return self._parsed(
            self._get("/v1/exchanges"), lambda d: parse_page(d, parse_exchange).items
        )

    @endpoint
    def exchange(self, code: str) -> Operation[Exchange]:
        """One exchange, with the fee rates it publishes."""
        return self._parsed(self._get(f"/v1/exchanges/{code}"), parse_exchange)

    @endpoint
    def participants(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Operation[Page[Participant]]:
        return self._parsed(
            self._get("/v1/participants", _page_params(cursor, limit)),
            lambda d: parse_page(d, parse_participant),
        )

    @endpoint
    def participant(self, address: str) -> Operation[Participant]:
        return self._parsed(self._get(f"/v1/participants/{address}"), parse_participant)

    @endpoint
    def search_products(
        self,
        *,
        text: str | None = None,
        exchange: str | None = None,
        category: bytes | None = None,
        classification: Classification | None = None,
        rights: Iterable[Right] = (),
        status: ProductStatus | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Operation[Page[Product]]:
        """Listings matching every filter given (``text``: words of the title, whole or their
        beginning), in id order; pass the page's ``next`` as ``cursor`` for the next page."""
        filters = {
            "q": text,
            "exchange": exchange,
            "category": None if category is None else "0x" + hash32(category).hex(),
            "classification": classification,
            "rights": ",".join(sorted(rights)) or None,
            "status": status,
        }
        params = [(k, str(v)) for k, v in filters.items() if v is not None]
        return self._parsed(
            self._get("/v1/products", params + _page_params(cursor, limit)),
            lambda d: parse_page(d, parse_product),
        )

    @endpoint
    def product(self, product_id: int) -> Operation[Product]:
        """A listing with its non-recognitions and public history."""
        return self._parsed(self._get(f"/v1/products/{product_id}"), parse_product)

    @endpoint
    def orders(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Operation[Page[Order]]:
        """The caller's orders (its exchange's for an operator, all for a regulator)."""
        return self._parsed(
            self._get("/v1/orders", _page_params(cursor, limit)),
            lambda d: parse_page(d, parse_order),
        )

    @endpoint
    def order(self, order_id: int) -> Operation[Order]:
        """An order with its state in the head block and its events."""
        return self._parsed(self._get(f"/v1/orders/{order_id}"), parse_order)

    @endpoint
    def authorizations(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Operation[Page[Authorization]]:
        return self._parsed(
            self._get("/v1/authorizations", _page_params(cursor, limit)),
            lambda d: parse_page(d, parse_authorization),
        )

    @endpoint
    def authorization(self, grant_id: int) -> Operation[Authorization]:
        return self._parsed(self._get(f"/v1/authorizations/{grant_id}"), parse_authorization)

    @endpoint
    def transaction(self, transaction_hash: str) -> Operation[TransactionStatus]:
        """A transaction's status, with the decoded events the caller may see."""
        return self._parsed(self._get(f"/v1/transactions/{transaction_hash}"), parse_transaction)

    @endpoint
    def certificate(self, order_id: int, *, bill: int | None = None) -> Operation[dict[str, Any]]:
        """The trade certificate of a settled order (JSON, to verify offline with
        ``client.certificate.verify_certificate`` and the genesis file)."""
        params = [] if bill is None else [("bill", str(bill))]
        return self._parsed(self._get(f"/v1/trades/{order_id}/certificate", params), dict)

    @endpoint
    def verify_certificate_online(self, document: dict[str, Any]) -> Operation[Verdict]:
        """The gateway's verdict on a certificate against its own chain's genesis. An exchange
        that trusts only its genesis file verifies offline instead."""
        answer = yield from self._json(
            HttpRequest("POST", "/v1/certificates/verify", body=document)
        )
        try:
            return verdict_from_json(answer)
        except VerdictFormatError as error:
            raise ProtocolError(str(error)) from None

    def events(
        self,
        filters: EventFilters | None = None,
        *,
        last_event_id: str | None = None,
        follow: bool = True,
    ) -> S:
        """The decoded domain events the caller may see, in chain order, from ``filters``'
        ``from_block`` or after ``last_event_id``; with ``follow``, forever (reconnecting
        after the last event received), else until the stream has caught up. An iterator
        (an async iterator for :class:`AsyncClient`) whose ``state.last_event_id`` is where
        to resume another day."""
        state = StreamState(filters or EventFilters(), last_event_id=last_event_id, follow=follow)
        return self._open_stream(state)

    def _open_stream(self, state: StreamState) -> S:
        raise NotImplementedError

    def _stream_request(self, state: StreamState) -> Operation[HttpRequest]:
        """The request (re)opening an event stream, signed in if need be."""
        return self._authorized(state.request())

    def _stream_ended(self, state: StreamState, error: Exception | None) -> float:
        """Seconds before reopening a stream that ended; raise when it should not reopen."""
        if isinstance(error, InvalidToken) and self.account is not None:
            self.token = None
            return state.reconnect_delay(error)
        if isinstance(error, GatewayError):
            raise error
        return state.reconnect_delay(error)

    # -- writes -----------------------------------------------------------------------------------

    def _chain_id_of(self) -> Operation[int]:
        if self._chain_id is None:
            self._chain_id = parse_chain((yield from self._get("/v1/chain"))).chain_id
        return self._chain_id

    def _transact(self, call: ContractCall, wait: bool) -> Operation[TransactionStatus]:
        account = self._signer()
        chain_id = yield from self._chain_id_of()
        pooled = yield from self._nonce(account.address)
        nonce = max(pooled, self._next_nonce)
        raw = sign_call(account, call, chain_id=chain_id, nonce=nonce, gas=self.gas)
        self._next_nonce = nonce + 1
        params = (("wait", "true"),) if wait else ()
        try:
            answer = yield from self._json(
                HttpRequest("POST", "/v1/transactions", params, {"raw": raw})
            )
        except TransactionRefused:
            self._next_nonce = 0
            raise
        status = parse_transaction(answer)
        if wait and status.status == "pending":
            status = yield from self._await_block(status.transaction_hash)
        if status.status == "failed":
            raise TransactionFailed(status)
        return status

    def _await_block(self, transaction_hash: str) -> Operation[TransactionStatus]:
        waited = 0.0
        while waited < self.wait_timeout:
            yield Sleep(POLL_SECONDS)
            waited += POLL_SECONDS
            status = parse_transaction(
                (yield from self._get(f"/v1/transactions/{transaction_hash}"))
            )
            if status.status != "pending":
                return status
        raise TransactionPending(transaction_hash, waited)

    @endpoint
    def transact(self, call: ContractCall, *, wait: bool = True) -> Operation[TransactionStatus]:
        """Sign and relay any call the gateway relays (``node/gateway/call_rules.py``), e.g.
        an ExchangeRegistry proposal or a regulator's export basis."""
        return self._transact(call, wait)

    def _call(self, contract: str, function: str, *args: Any, wait: bool) -> Any:
        return self._transact(ContractCall(contract, function, args), wait)

    # exchange operators

    @endpoint
    def set_fee_schedule(
        self, listing_fee_bps: int, buyer_exchange_fee_bps: int, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """Publish the operator's exchange's rates (as listing exchange, as buyer's)."""
        return self._call(SETTLEMENT, "setFeeSchedule", listing_fee_bps, buyer_exchange_fee_bps,
                          wait=wait)  # fmt: skip

    @endpoint
    def register_participant(
        self,
        account: str,
        roles: Iterable[Role],
        *,
        credit_code_hash: bytes,
        jurisdiction: str = "CN",
        wait: bool = True,
    ) -> Operation[TransactionStatus]:
        """Register a participant with the operator's exchange as its home (一地注册全国互信).
        ``credit_code_hash`` is the consortium's keyed hash of its credit code, never the code."""
        code, credit = short_code(jurisdiction, 2), hash32(credit_code_hash)
        return self._call(PARTICIPANTS, "register", account, bits(roles), code, credit, wait=wait)

    @endpoint
    def change_participant_roles(
        self, account: str, roles: Iterable[Role], *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(PARTICIPANTS, "changeRoles", account, bits(roles), wait=wait)

    @endpoint
    def suspend_participant(
        self, account: str, reason_hash: bytes, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(PARTICIPANTS, "suspend", account, hash32(reason_hash), wait=wait)

    @endpoint
    def reinstate_participant(
        self, account: str, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(PARTICIPANTS, "reinstate", account, wait=wait)

    # listings

    @endpoint
    def submit_product(
        self, listing_exchange: str, terms: ListingTerms, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """A supplier submits a listing for review by ``listing_exchange``
        (``ProductSubmitted`` carries its id)."""
        return self._call(PRODUCTS, "submit", encode_exchange_code(listing_exchange),
                          terms.as_abi(), wait=wait)  # fmt: skip

    @endpoint
    def update_product(
        self, product_id: int, terms: ListingTerms, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(PRODUCTS, "update", product_id, terms.as_abi(), wait=wait)

    @endpoint
    def delist_product(self, product_id: int, *, wait: bool = True) -> Operation[TransactionStatus]:
        return self._call(PRODUCTS, "delist", product_id, wait=wait)

    @endpoint
    def attest_compliance(
        self, product_id: int, version: int, report_hash: bytes, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """An evaluator attests the listing's compliance report."""
        return self._call(PRODUCTS, "attestCompliance", product_id, version, hash32(report_hash),
                          wait=wait)  # fmt: skip

    @endpoint
    def approve_product(
        self, product_id: int, version: int, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """The listing exchange's review approves this version: the product is listed (挂牌)."""
        return self._call(PRODUCTS, "approve", product_id, version, wait=wait)

    @endpoint
    def reject_product(
        self, product_id: int, version: int, reason_code: str, reason_hash: bytes,
        *, wait: bool = True,
    ) -> Operation[TransactionStatus]:  # fmt: skip
        return self._call(PRODUCTS, "reject", product_id, version, short_code(reason_code, 32),
                          hash32(reason_hash), wait=wait)  # fmt: skip

    @endpoint
    def suspend_product(
        self, product_id: int, reason_hash: bytes, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(PRODUCTS, "suspend", product_id, hash32(reason_hash), wait=wait)

    @endpoint
    def reinstate_product(
        self, product_id: int, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(PRODUCTS, "reinstate", product_id, wait=wait)

    @endpoint
    def non_recognise_product(
        self, product_id: int, reason_code: str, reason_hash: bytes, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """The operator's exchange records its reasoned non-recognition of another exchange's
        listing (every exchange recognises a listing unless it does this)."""
        return self._call(PRODUCTS, "recordNonRecognition", product_id,
                          short_code(reason_code, 32), hash32(reason_hash), wait=wait)  # fmt: skip

    @endpoint
    def recognise_product(
        self, product_id: int, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """The operator's exchange withdraws its non-recognition: it recognises the listing."""
        return self._call(PRODUCTS, "withdrawNonRecognition", product_id, wait=wait)

    # authorizations

    @endpoint
    def grant_authorization(
        self, terms: GrantTerms, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """A supplier grants its listed product directly (``GrantIssued`` carries the id)."""
        return self._call(GRANTS, "issue", terms.as_abi(), wait=wait)

    @endpoint
    def revoke_authorization(
        self, grant_id: int, reason_hash: bytes, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(GRANTS, "revoke", grant_id, hash32(reason_hash), wait=wait)

    @endpoint
    def record_use(
        self, grant_id: int, count: int, evidence_hash: bytes, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """The delivering side records uses of a grant, within its window and count."""
        return self._call(GRANTS, "recordUse", grant_id, count, hash32(evidence_hash), wait=wait)

    # orders

    @endpoint
    def quote_order(
        self,
        product_id: int,
        *,
        buyer_exchange: str,
        grant: GrantRequest,
        contract_hash: bytes,
        quantity: int = 1,
        contract_type: ContractType = ContractType.DATA_PROVISION,
    ) -> Operation[OrderRequest]:
        """The order request for a listing as it stands: its version, price and currency, and
        the rates its listing exchange and ``buyer_exchange`` publish."""
        product = parse_product((yield from self._get(f"/v1/products/{product_id}")))
        listing = parse_exchange(
            (yield from self._get(f"/v1/exchanges/{product.listing_exchange}"))
        )
        buyers = parse_exchange((yield from self._get(f"/v1/exchanges/{buyer_exchange}")))
        return OrderRequest(
            product_id=product_id,
            version=product.version,
            buyer_exchange=buyer_exchange,
            quantity=quantity,
            unit_price=product.terms.unit_price,
            currency=product.terms.currency,
            contract_type=contract_type,
            contract_hash=contract_hash,
            listing_fee_bps=listing.fees.listing_fee_bps,
            buyer_exchange_fee_bps=buyers.fees.buyer_exchange_fee_bps,
            grant=grant,
        )

    @endpoint
    def create_order(
        self, request: OrderRequest, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """A buyer orders (``OrderCreated`` carries the order id)."""
        return self._call(SETTLEMENT, "createOrder", request.as_abi(), wait=wait)

    @endpoint
    def accept_order(self, order_id: int, *, wait: bool = True) -> Operation[TransactionStatus]:
        """The supplier accepts: the bill falls due."""
        return self._call(SETTLEMENT, "accept", order_id, wait=wait)

    @endpoint
    def cancel_order(self, order_id: int, *, wait: bool = True) -> Operation[TransactionStatus]:
        return self._call(SETTLEMENT, "cancel", order_id, wait=wait)

    @endpoint
    def record_payment(
        self, order_id: int, evidence_hash: bytes, *, bill: int = 0, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """The buyer's exchange records the evidence of the off-chain payment (the grant is
        issued then)."""
        return self._call(SETTLEMENT, "pay", order_id, bill, hash32(evidence_hash), wait=wait)

    @endpoint
    def deliver(
        self, order_id: int, evidence_hash: bytes, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(SETTLEMENT, "deliver", order_id, hash32(evidence_hash), wait=wait)

    @endpoint
    def claim_non_delivery(
        self, order_id: int, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(SETTLEMENT, "claimNonDelivery", order_id, wait=wait)

    @endpoint
    def record_invoice(
        self, order_id: int, invoice_hash: bytes, *, bill: int = 0, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(SETTLEMENT, "recordInvoice", order_id, bill, hash32(invoice_hash),
                          wait=wait)  # fmt: skip

    @endpoint
    def record_statement(
        self, order_id: int, units: int, period_start: int, period_end: int,
        evidence_hash: bytes, *, wait: bool = True,
    ) -> Operation[TransactionStatus]:  # fmt: skip
        """The listing exchange bills a metered order's usage (``StatementRecorded``)."""
        return self._call(SETTLEMENT, "recordStatement", order_id, units, period_start,
                          period_end, hash32(evidence_hash), wait=wait)  # fmt: skip

    @endpoint
    def confirm(
        self, order_id: int, *, bill: int = 0, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """The buyer confirms the delivery: the bill settles (``TradeSettled``)."""
        return self._call(SETTLEMENT, "confirm", order_id, bill, wait=wait)

    @endpoint
    def finalize(
        self, order_id: int, *, bill: int = 0, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """Anyone settles a delivered bill once its inspection period has passed."""
        return self._call(SETTLEMENT, "finalize", order_id, bill, wait=wait)

    @endpoint
    def finalize_clearing(
        self, order_id: int, *, bill: int = 0, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """Anyone issues the clearing instruction once the dispute window has closed."""
        return self._call(SETTLEMENT, "finalizeClearing", order_id, bill, wait=wait)

    @endpoint
    def raise_dispute(
        self, order_id: int, reason_hash: bytes, *, bill: int = 0, wait: bool = True
    ) -> Operation[TransactionStatus]:
        return self._call(SETTLEMENT, "raiseDispute", order_id, bill, hash32(reason_hash),
                          wait=wait)  # fmt: skip

    @endpoint
    def propose_mediation(
        self, order_id: int, outcome: Outcome, refund: int, document_hash: bytes,
        *, bill: int = 0, wait: bool = True,
    ) -> Operation[TransactionStatus]:  # fmt: skip
        """The listing exchange proposes how to resolve a dispute (``MediationProposed``)."""
        return self._call(SETTLEMENT, "proposeMediation", order_id, bill, outcome.abi, refund,
                          hash32(document_hash), wait=wait)  # fmt: skip

    @endpoint
    def accept_mediation(
        self, order_id: int, outcome: Outcome, refund: int, document_hash: bytes, round_: int,
        *, bill: int = 0, wait: bool = True,
    ) -> Operation[TransactionStatus]:  # fmt: skip
        """A party accepts exactly these terms of the ``round_``-th proposal: the hash it signs
        is computed here, so an acceptance cannot bind other terms."""
        agreed = proposal_hash(order_id, bill, outcome.abi, refund, hash32(document_hash), round_)
        return self._call(SETTLEMENT, "acceptMediation", order_id, bill, agreed, wait=wait)

    # regulators

    @endpoint
    def record_award(
        self, order_id: int, resolution: Resolution, outcome: Outcome, refund: int,
        document_hash: bytes, *, bill: int = 0, wait: bool = True,
    ) -> Operation[TransactionStatus]:  # fmt: skip
        """A regulator records an arbitral award or court judgment resolving a dispute."""
        return self._call(SETTLEMENT, "recordAward", order_id, bill, ordinal(resolution),
                          outcome.abi, refund, hash32(document_hash), wait=wait)  # fmt: skip

    @endpoint
    def set_frozen(
        self, order_id: int, frozen: bool, reason_hash: bytes, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """A regulator freezes an order (its clocks stop) or lifts the freeze."""
        return self._call(SETTLEMENT, "setFrozen", order_id, frozen, hash32(reason_hash),
                          wait=wait)  # fmt: skip
