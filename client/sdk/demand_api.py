"""The demand pool's operations (``DemandBoard`` and its gateway routes), written once as the
rest of the API (:mod:`client.sdk.api`) and shared by both clients.

A supplier's offer is sealed: :meth:`DemandPoolApi.seal_offer` draws the salt, the offer sends
only its commitment, and :meth:`DemandPoolApi.reveal_offer` sends the terms and salt once the
deadline has passed. Keep the :class:`SealedOffer` (``to_json``) before submitting it: a
commitment on chain whose salt is lost can never be revealed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypeVar

from client.sdk.api import MarketApi, _page_params
from client.sdk.demand_terms import AwardTerms, DemandStatus, DemandTerms, OfferTerms, SealedOffer
from client.sdk.domain import ContractType, GrantRequest, hash32
from client.sdk.errors import OfferNotFound
from client.sdk.models import (
    Demand,
    Offer,
    Page,
    TransactionStatus,
    parse_demand,
    parse_exchange,
    parse_offer,
    parse_page,
    parse_product,
)
from client.sdk.operation import Operation, endpoint

S = TypeVar("S")
BOARD = "DemandBoard"


class DemandPoolApi(MarketApi[S]):
    """The market API with the demand pool."""

    # -- reads ------------------------------------------------------------------------------------

    @endpoint
    def search_demands(
        self,
        *,
        text: str | None = None,
        exchange: str | None = None,
        category: bytes | None = None,
        budget: int | None = None,
        currency: str | None = None,
        status: DemandStatus | Literal["closed"] | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Operation[Page[Demand]]:
        """Demands matching every filter given: words of the title, the home exchange, the
        category, an amount within the budget range, the currency, a status (``closed``:
        awarded, withdrawn or taken down); in id order, a page at a time."""
        filters = {
            "q": text,
            "exchange": exchange,
            "category": None if category is None else "0x" + hash32(category).hex(),
            "budget": budget,
            "currency": currency,
            "status": status,
        }
        params = [(k, str(v)) for k, v in filters.items() if v is not None]
        return self._parsed(
            self._get("/v1/demands", params + _page_params(cursor, limit)),
            lambda d: parse_page(d, parse_demand),
        )

    @endpoint
    def demand(self, demand_id: int) -> Operation[Demand]:
        """A demand with its public history (posted, awarded, withdrawn, taken down)."""
        return self._parsed(self._get(f"/v1/demands/{demand_id}"), parse_demand)

    @endpoint
    def demand_offers(self, demand_id: int) -> Operation[tuple[Offer, ...]]:
        """The offers on a demand the caller may see: every one for its buyer (and the
        buyer's exchange and regulators), its own for a supplier."""
        return self._parsed(
            self._get(f"/v1/demands/{demand_id}/offers"),
            lambda d: parse_page(d, parse_offer).items,
        )

    @endpoint
    def offer(self, offer_id: int) -> Operation[Offer]:
        return self._parsed(self._get(f"/v1/offers/{offer_id}"), parse_offer)

    # -- the buyer --------------------------------------------------------------------------------

    @endpoint
    def post_demand(self, terms: DemandTerms, *, wait: bool = True) -> Operation[TransactionStatus]:
        """A registered buyer posts a demand (``DemandPosted`` carries its id)."""
        return self._call(BOARD, "post", terms.as_abi(), wait=wait)

    @endpoint
    def shortlist_offer(self, offer_id: int, *, wait: bool = True) -> Operation[TransactionStatus]:
        """The buyer marks a revealed offer as shortlisted (a public signal)."""
        return self._call(BOARD, "shortlist", offer_id, wait=wait)

    @endpoint
    def quote_award(
        self,
        offer_id: int,
        *,
        contract_hash: bytes,
        grant: GrantRequest | None = None,
        contract_type: ContractType | None = None,
    ) -> Operation[AwardTerms]:
        """The award terms for a revealed offer as the market stands: the rates its listing
        exchange (the product's, or the supplier's for a product to be made) and the demand's
        home exchange publish. A listed product needs ``grant`` and defaults to data provision;
        a product to be made takes no grant and defaults to fusion development."""
        offer = parse_offer((yield from self._get(f"/v1/offers/{offer_id}")))
        demand = parse_demand((yield from self._get(f"/v1/demands/{offer.demand_id}")))
        if offer.terms is None:
            raise OfferNotFound(f"offer {offer_id} is not revealed: there is nothing to award")
        listing_exchange = offer.supplier_exchange
        if offer.terms.product_id:
            product = yield from self._get(f"/v1/products/{offer.terms.product_id}")
            listing_exchange = parse_product(product).listing_exchange
        listing = parse_exchange((yield from self._get(f"/v1/exchanges/{listing_exchange}")))
        home = demand.terms.home_exchange
        buyers = parse_exchange((yield from self._get(f"/v1/exchanges/{home}")))
        listed = offer.terms.product_id != 0
        default = ContractType.DATA_PROVISION if listed else ContractType.FUSION_DEVELOPMENT
        return AwardTerms(
            contract_type=contract_type or default,
            contract_hash=hash32(contract_hash),
            listing_fee_bps=listing.fees.listing_fee_bps,
            buyer_exchange_fee_bps=buyers.fees.buyer_exchange_fee_bps,
            grant=grant if listed else None,
        )

    @endpoint
    def award_offer(
        self, offer_id: int, terms: AwardTerms, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """The buyer awards a revealed offer: the order is created for it (``DemandAwarded``
        and ``OrderCreated`` carry the order id) and every other offer is closed."""
        return self._call(BOARD, "award", offer_id, terms.as_abi(), wait=wait)

    @endpoint
    def withdraw_demand(self, demand_id: int, *, wait: bool = True) -> Operation[TransactionStatus]:
        """The buyer withdraws its open demand; its offers are closed."""
        return self._call(BOARD, "withdraw", demand_id, wait=wait)

    # -- the supplier -----------------------------------------------------------------------------

    def seal_offer(self, demand_id: int, terms: OfferTerms) -> SealedOffer:
        """``terms`` sealed for this client's account with a fresh salt: keep what this
        returns (``to_json``) before :meth:`submit_offer`, and secret until the reveal."""
        return SealedOffer.seal(demand_id, self._signer().address, terms)

    @endpoint
    def submit_offer(self, sealed: SealedOffer, *, wait: bool = True) -> Operation[SealedOffer]:
        """Send a sealed offer's commitment before the demand's deadline; with ``wait``, the
        sealed offer comes back with its offer id."""
        return self._submit_offer(sealed, wait)

    def _submit_offer(self, sealed: SealedOffer, wait: bool) -> Operation[SealedOffer]:
        status = yield from self._call(
            BOARD, "offer", sealed.demand_id, sealed.commitment, wait=wait
        )
        if not wait:
            return sealed
        return sealed.on_chain_as(int(status.event("OfferSealed").args["offerId"]))

    @endpoint
    def make_offer(
        self, demand_id: int, terms: OfferTerms, *, wait: bool = True
    ) -> Operation[SealedOffer]:
        """Seal and submit at once; the salt is only in what this returns, so a caller that
        cannot afford to lose it seals, keeps, then submits."""
        return self._submit_offer(self.seal_offer(demand_id, terms), wait)

    @endpoint
    def reveal_offer(
        self, sealed: SealedOffer, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """Reveal a kept offer after the deadline. Its offer on chain is found (by id, or as
        this supplier's offer on the demand) and must carry the kept commitment, so a wrong
        salt or file fails here and not in a reverted transaction."""
        offer_id = yield from self._offer_on_chain(sealed)
        return (yield from self._call(
            BOARD, "reveal", offer_id, sealed.terms.as_abi(), sealed.salt, wait=wait
        ))  # fmt: skip

    def _offer_on_chain(self, sealed: SealedOffer) -> Operation[int]:
        if sealed.offer_id is not None:
            candidates: Iterable[Offer] = (
                parse_offer((yield from self._get(f"/v1/offers/{sealed.offer_id}"))),
            )
        else:
            answer = yield from self._get(f"/v1/demands/{sealed.demand_id}/offers")
            candidates = parse_page(answer, parse_offer).items
        commitment = "0x" + sealed.commitment.hex()
        for offer in candidates:
            if (
                offer.demand_id == sealed.demand_id
                and offer.supplier.lower() == sealed.supplier.lower()
                and offer.commitment == commitment
            ):
                return offer.offer_id
        raise OfferNotFound(
            f"no offer on demand {sealed.demand_id} by {sealed.supplier} commits to {commitment}"
        )

    # -- regulators -------------------------------------------------------------------------------

    @endpoint
    def take_down_demand(
        self, demand_id: int, reason_hash: bytes, *, wait: bool = True
    ) -> Operation[TransactionStatus]:
        """A regulator takes down an open or awarded demand (an order it created stays: freeze
        that with :meth:`set_frozen`)."""
        return self._call(BOARD, "takeDown", demand_id, hash32(reason_hash), wait=wait)
