"""The gateway's answers as the SDK's dataclasses: its names for the contracts' enums are the
SDK's, and an answer missing a field is a protocol error, not a KeyError."""

from __future__ import annotations

import pytest

from client.certificate import Check, Verdict, VerdictFormatError, verdict_from_json, verdict_json
from client.sdk import (
    Classification,
    DataSource,
    PriceModel,
    ProductStatus,
    ProductType,
    ProtocolError,
    Right,
    Role,
)
from client.sdk.domain import bits
from client.sdk.models import parse_event, parse_product, parse_transaction
from node.gateway import views
from node.gateway.call_rules import PARTICIPANT_ROLE_BITS

ZERO = "0x" + "00" * 32
ADDRESS = "0x" + "12" * 20
PRODUCT = {
    "productId": 3, "supplier": ADDRESS, "listingExchange": "SHDE", "version": 2,
    "status": "listed", "suspendedByRegulator": False, "complianceEvaluator": ADDRESS,
    "contentHash": ZERO, "updatedInBlock": 5,
    "recognition": {
        "byDefault": "every active exchange",
        "notRecognisedBy": [{"exchange": "BJIDE", "reasonCode": ZERO, "reasonHash": ZERO,
                             "recordedBy": ADDRESS, "block": 4}],
    },
    "terms": {
        "title": "Port", "category": "0x" + "01" * 32, "productType": "model",
        "classification": "important", "personalInformation": True, "source": "personal",
        "rights": ["holding", "operation"], "priceModel": "subscription",
        "unitPrice": "90071992547409930", "currency": "CNY", "complianceReportHash": ZERO,
        "metadataHash": ZERO, "metadataUri": "u", "exportAllowed": False,
        "deliveryAccount": ADDRESS,
    },
}  # fmt: skip
EVENT = {
    "id": "21474836481", "block": 5, "logIndex": 1, "transactionHash": "0x" + "ab" * 32,
    "contract": "TradeSettlement", "event": "OrderCreated", "args": {"orderId": 4},
    "exchanges": ["SHDE", "SZDE"], "parties": [ADDRESS], "public": False,
}  # fmt: skip


@pytest.mark.parametrize(
    ("names", "kind"),
    [
        (views.PRODUCT_STATUSES, ProductStatus),
        (views.CLASSIFICATIONS, Classification),
        (views.PRODUCT_TYPES, ProductType),
        (views.DATA_SOURCES, DataSource),
        (views.PRICE_MODELS, PriceModel),
        (tuple(views.RIGHTS), Right),
    ],
)
def test_the_gateways_names_of_an_enum_are_the_sdks_in_order(names: tuple[str], kind: type) -> None:
    assert names == tuple(member.value for member in kind)


def test_the_role_bits_are_the_gateways() -> None:
    assert {role.value: bits([role]) for role in Role} == PARTICIPANT_ROLE_BITS


def test_a_product_is_read_with_its_terms_and_non_recognitions() -> None:
    product = parse_product(PRODUCT)
    assert (product.status, product.terms.price_model, product.terms.rights) == (
        ProductStatus.LISTED, PriceModel.SUBSCRIPTION, frozenset({Right.HOLDING, Right.OPERATION}),
    )  # fmt: skip
    assert product.terms.unit_price == 90_071_992_547_409_930
    assert (product.recognised_by("SZDE"), product.recognised_by("BJIDE")) == (True, False)


def test_an_answer_missing_a_field_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="product"):
        parse_product({**PRODUCT, "terms": {}})


def test_a_transactions_events_are_found_by_name() -> None:
    status = parse_transaction(
        {"transactionHash": "0x" + "cd" * 32, "status": "succeeded", "events": [EVENT, EVENT]}
    )
    assert status.named("OrderCreated") == (parse_event(EVENT), parse_event(EVENT))
    with pytest.raises(LookupError, match="emitted 2 OrderCreated events"):
        status.event("OrderCreated")


@pytest.mark.parametrize(
    "verdict",
    [
        Verdict(False, Check.BLOCK_SEALS, "2 seals of 3 needed"),
        Verdict(True, None, "", 9, b"\x07" * 32, 11, {"orderId": 1}, {"cleared": False}),
    ],
)
def test_a_verdict_survives_json(verdict: Verdict) -> None:
    assert verdict_from_json(verdict_json(verdict)) == verdict


def test_a_document_that_is_no_verdict_is_refused() -> None:
    with pytest.raises(VerdictFormatError):
        verdict_from_json({"valid": 1})
