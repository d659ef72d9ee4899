"""The demand pool's pure parts: sealed offers (salt, commitment, what is kept), the terms'
ABI values, the parsing of demands and offers, and the operations against scripted answers."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from eth_account.typed_transactions import TypedTransaction
from hexbytes import HexBytes

from client.contracts import encode_exchange_code
from client.demand_offers import offer_commitment
from client.sdk import (
    AwardTerms,
    Classification,
    ContractType,
    DemandStatus,
    OfferNotFound,
    OfferStatus,
    OfferTerms,
    ProductType,
    Right,
    SealedOffer,
)
from client.sdk.calls import ContractCall
from client.sdk.models import parse_demand, parse_offer
from tests.support.scripted_gateway import ScriptedGateway, challenge_for, ok, token_for
from tests.unit.sdk.test_operations import ACCOUNT, CHAIN, TX_HASH

SUPPLIER = "0x" + "5a" * 20
LISTED = OfferTerms.listed(3, 2, 1_000_000, 5)
DEMAND = {
    "demandId": 4, "buyer": "0x" + "b0" * 20, "homeExchange": "SZDE", "status": "open",
    "offerCount": 1, "postedAt": 1_700_000_000, "awardedOffer": None, "orderId": None,
    "terms": {
        "title": "Port congestion", "category": "0x" + "0c" * 32, "productType": "dataset",
        "rights": ["processing-use"], "classificationCeiling": "general",
        "budgetMin": "500000", "budgetMax": "1100000", "currency": "CNY",
        "responseDeadline": 1_700_000_600, "descriptionHash": "0x" + "0d" * 32,
        "descriptionUri": "https://demands.example/d",
    },
    "updatedInBlock": 12,
}  # fmt: skip


def sealed_offer_view(sealed: SealedOffer, offer_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "offerId": offer_id, "demandId": sealed.demand_id, "supplier": sealed.supplier,
        "supplierExchange": "SHDE", "status": "sealed",
        "commitment": "0x" + sealed.commitment.hex(), "sealedAt": 1_700_000_100,
        "revealedAt": None, "terms": None, "exchanges": ["SHDE", "SZDE"],
        "parties": [sealed.supplier], "updatedInBlock": 13, **fields,
    }  # fmt: skip


def test_a_sealed_offer_commits_as_the_contract_does() -> None:
    sealed = SealedOffer(4, SUPPLIER, LISTED, b"\x07" * 32)
    assert sealed.commitment == offer_commitment(4, SUPPLIER, LISTED.as_abi(), b"\x07" * 32)


def test_sealing_draws_a_fresh_32_byte_salt_each_time() -> None:
    first, second = (SealedOffer.seal(4, SUPPLIER, LISTED) for _ in range(2))
    assert (len(first.salt), first.salt == second.salt) == (32, False)


def test_a_kept_sealed_offer_reads_back_equal() -> None:
    sealed = SealedOffer.seal(4, SUPPLIER, OfferTerms.proposal(b"\x09" * 32, 900_000, 45))
    kept = sealed.on_chain_as(8).to_json()
    assert (kept["offerId"], kept["terms"]["price"]) == (8, "900000")
    assert SealedOffer.from_json(kept) == sealed.on_chain_as(8)


def test_a_kept_offer_whose_price_was_altered_is_refused() -> None:
    kept = SealedOffer.seal(4, SUPPLIER, LISTED).to_json()
    kept["terms"]["price"] = "999999"
    with pytest.raises(ValueError, match="do not give its commitment"):
        SealedOffer.from_json(kept)


def test_an_award_for_a_product_to_be_made_carries_an_empty_grant() -> None:
    terms = AwardTerms(ContractType.FUSION_DEVELOPMENT, b"\x01" * 32, 250, 150, None)
    abi = terms.as_abi()
    assert (abi["contractType"], abi["grant"]["right"], abi["grant"]["destinations"]) == (2, 0, [])
    assert abi["grant"]["purposeCode"] == bytes(32)
    assert len(ContractCall("DemandBoard", "award", (5, abi)).calldata()) > 4


def test_a_demand_parses_into_the_terms_it_was_posted_with() -> None:
    demand = parse_demand(DEMAND)
    assert (demand.status, demand.terms.product_type, demand.terms.rights) == (
        DemandStatus.OPEN,
        ProductType.DATASET,
        frozenset({Right.PROCESSING_USE}),
    )
    abi = demand.terms.as_abi()
    assert (abi["classificationCeiling"], abi["budgetMax"], abi["currency"]) == (
        0,
        1_100_000,
        b"CNY",
    )
    assert abi["homeExchange"] == encode_exchange_code("SZDE")
    assert demand.terms.classification_ceiling == Classification.GENERAL


def test_a_sealed_offer_parses_without_terms_and_a_revealed_one_with_them() -> None:
    sealed = SealedOffer(4, SUPPLIER, LISTED, b"\x07" * 32)
    assert parse_offer(sealed_offer_view(sealed, 8)).terms is None
    revealed = parse_offer(
        sealed_offer_view(
            sealed, 8, status="revealed", revealedAt=1_700_000_700,
            terms={"productId": None, "version": None, "proposalHash": "0x" + "09" * 32,
                   "price": "900000", "deliveryDays": 45},
        )
    )  # fmt: skip
    assert (revealed.status, revealed.terms) == (
        OfferStatus.REVEALED,
        OfferTerms.proposal(b"\x09" * 32, 900_000, 45),
    )


def gateway(*answers: Any) -> ScriptedGateway:
    script = [challenge_for(ACCOUNT.address), token_for(ACCOUNT.address), *answers]
    return ScriptedGateway(script, ACCOUNT)


def test_demand_search_sends_every_filter_as_the_gateway_names_it() -> None:
    client = gateway(ok({"items": [DEMAND], "next": "c2"}))
    page = client.search_demands(
        text="port", exchange="SZDE", category=b"\x0c" * 32, budget=700_000, currency="CNY",
        status="closed", limit=5,
    )  # fmt: skip
    assert ([d.demand_id for d in page.items], page.next) == ([4], "c2")
    assert client.requests[2].params == (
        ("q", "port"),
        ("exchange", "SZDE"),
        ("category", "0x" + "0c" * 32),
        ("budget", "700000"),
        ("currency", "CNY"),
        ("status", "closed"),
        ("limit", "5"),
    )


def test_a_reveal_finds_the_suppliers_offer_on_the_demand_and_sends_terms_and_salt() -> None:
    sealed = SealedOffer(4, ACCOUNT.address, LISTED, b"\x07" * 32)
    other = dataclasses.replace(sealed, supplier=SUPPLIER)
    offers = {"items": [sealed_offer_view(other, 7), sealed_offer_view(sealed, 8)], "next": None}
    nonce = {"address": ACCOUNT.address, "nonce": 0}
    done = {"transactionHash": TX_HASH, "status": "succeeded", "events": []}
    client = gateway(ok(offers), ok(CHAIN), ok(nonce), ok(done))
    client.reveal_offer(sealed)
    raw = bytes.fromhex(client.requests[-1].body["raw"][2:])
    data = bytes(TypedTransaction.from_bytes(HexBytes(raw)).as_dict()["data"])
    assert (
        data == ContractCall("DemandBoard", "reveal", (8, LISTED.as_abi(), b"\x07" * 32)).calldata()
    )


def test_a_reveal_with_another_salt_sends_no_transaction() -> None:
    sealed = SealedOffer(4, ACCOUNT.address, LISTED, b"\x07" * 32, offer_id=8)
    client = gateway(ok(sealed_offer_view(sealed, 8)))
    with pytest.raises(OfferNotFound):
        client.reveal_offer(dataclasses.replace(sealed, salt=b"\x08" * 32))
    assert client.sent()[2:] == [("GET", "/v1/offers/8")]
