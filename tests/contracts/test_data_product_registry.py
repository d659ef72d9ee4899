"""DataProductRegistry: submission, compliance attestation, review, versions, suspension,
revocation, delisting and mutual recognition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak

from tests.contracts.registry_market import (
    BUYER,
    CORE,
    EVALUATOR,
    GENERAL,
    HOLDING,
    IMPORTANT,
    PERSONAL,
    SUPPLIER,
    SUSPENDED_EXCHANGE,
    UNKNOWN_EXCHANGE,
    A,
    B,
    C,
    Market,
    deploy_market,
    h,
    isolation,
    listing_terms,
    proxy_constructor,
    register,
)

NONE, SUBMITTED, LISTED, REJECTED, SUSPENDED_STATUS, REVOKED, DELISTED = range(7)
ZERO = "0x" + "00" * 20
PRODUCT_FIELDS = (
    "supplier",
    "listingExchange",
    "version",
    "status",
    "suspendedByRegulator",
    "complianceEvaluator",
    "contentHash",
    "terms",
)
TERMS_TYPE = (
    "(string,bytes32,uint8,uint8,bool,uint8,uint8,uint8,uint128,bytes3,bytes32,bytes32,"
    "string,bool,address)"
)


@pytest.fixture(scope="module")
def deployed() -> Market:
    return deploy_market()


@pytest.fixture
def market(deployed: Market) -> Iterator[Market]:
    with isolation(deployed) as isolated:
        yield isolated


def product(market: Market, product_id: int) -> dict[str, Any]:
    fields = market.products.functions.product(product_id).call()
    return dict(zip(PRODUCT_FIELDS, fields, strict=True))


def status(market: Market, product_id: int) -> int:
    return int(product(market, product_id)["status"])


def content_hash(terms: dict[str, Any]) -> bytes:
    """keccak256 of the ABI-encoded terms with the unit price zeroed, as the contract computes."""
    return keccak(encode([TERMS_TYPE], [tuple({**terms, "unitPrice": 0}.values())]))


def submit(market: Market, supplier: str, exchange: bytes = A, **changes: Any) -> int:
    market.chain.transact(
        market.products.functions.submit(exchange, listing_terms(**changes)), supplier
    )
    return int(market.products.functions.productCount().call())


def approve(market: Market, product_id: int, operator: str | None = None) -> None:
    version = product(market, product_id)["version"]
    market.chain.transact(
        market.products.functions.approve(product_id, version), operator or market.operator_a
    )


def attest(market: Market, product_id: int, evaluator: str) -> None:
    record = product(market, product_id)
    call = market.products.functions.attestCompliance(
        product_id, record["version"], record["terms"][10]
    )
    market.chain.transact(call, evaluator)


def listed(market: Market, supplier: str, **changes: Any) -> int:
    product_id = submit(market, supplier, **changes)
    approve(market, product_id)
    return product_id


def reject(market: Market, product_id: int) -> None:
    version = product(market, product_id)["version"]
    call = market.products.functions.reject(product_id, version, h("incomplete"), h("memo"))
    market.chain.transact(call, market.operator_a)


def suspend(market: Market, product_id: int, by: str) -> None:
    market.chain.transact(market.products.functions.suspend(product_id, h("inquiry")), by)


@pytest.fixture
def supplier(market: Market) -> str:
    return register(market, SUPPLIER)


@pytest.fixture
def evaluator(market: Market) -> str:
    return register(market, EVALUATOR, operator=market.operator_b)


# initialization


def test_initialize_twice_reverts_already_initialized(market: Market) -> None:
    call = market.products.functions.initialize(market.exchanges.address, market.pool[0])
    market.chain.expect_revert(call, market.outsider, "AlreadyInitialized")


def test_the_implementation_itself_can_never_be_initialized(market: Market) -> None:
    implementation = market.implementations["DataProductRegistry"]
    call = implementation.functions.initialize(market.exchanges.address, market.pool[0])
    market.chain.expect_revert(call, market.outsider, "AlreadyInitialized")


def test_initialize_with_a_zero_participant_registry_reverts_zero_address(
    market: Market,
) -> None:
    constructor = proxy_constructor(
        market.chain,
        "DataProductRegistry",
        market.exchanges.address,
        market.exchanges.address,
        ZERO,
    )
    market.chain.expect_revert(constructor, market.outsider, "ZeroAddress")


# submit


def test_a_supplier_submits_a_product_and_the_event_carries_every_listing_field(
    market: Market, supplier: str
) -> None:
    terms = listing_terms()
    receipt = market.chain.transact(market.products.functions.submit(A, terms), supplier)

    [event] = market.chain.events(receipt, market.products, "ProductSubmitted")
    assert {**event, "terms": dict(event["terms"])} == {
        "productId": 1,
        "supplier": supplier,
        "listingExchange": A,
        "version": 1,
        "terms": terms,
    }
    assert product(market, 1) == {
        "supplier": supplier,
        "listingExchange": A,
        "version": 1,
        "status": SUBMITTED,
        "suspendedByRegulator": False,
        "complianceEvaluator": ZERO,
        "contentHash": content_hash(terms),
        "terms": tuple(terms.values()),
    }
    assert market.products.functions.productCount().call() == 1


def test_product_terms_expose_what_an_order_relies_on(market: Market, supplier: str) -> None:
    product_id = submit(market, supplier)
    terms = listing_terms()
    assert market.products.functions.productTerms(product_id).call() == (
        supplier,
        A,
        1,
        SUBMITTED,
        GENERAL,
        False,
        terms["rights"],
        terms["priceModel"],
        terms["unitPrice"],
        b"CNY",
        True,
        terms["deliveryAccount"],
    )


def test_a_supplier_may_list_through_an_exchange_other_than_its_home(
    market: Market, supplier: str
) -> None:
    product_id = submit(market, supplier, exchange=C)
    assert product(market, product_id)["listingExchange"] == C


def test_a_product_of_general_data_needs_no_compliance_report(
    market: Market, supplier: str
) -> None:
    product_id = submit(market, supplier, complianceReportHash=bytes(32))
    assert status(market, product_id) == SUBMITTED


def test_submit_by_a_participant_without_the_supplier_role_reverts(market: Market) -> None:
    buyer = register(market, BUYER)
    call = market.products.functions.submit(A, listing_terms())
    market.chain.expect_revert(call, buyer, "NotActiveSupplier", buyer)


def test_submit_by_a_suspended_supplier_reverts(market: Market, supplier: str) -> None:
    market.chain.transact(
        market.participants.functions.suspend(supplier, h("x")), market.operator_a
    )
    call = market.products.functions.submit(A, listing_terms())
    market.chain.expect_revert(call, supplier, "NotActiveSupplier", supplier)


@pytest.mark.parametrize("exchange", [SUSPENDED_EXCHANGE, UNKNOWN_EXCHANGE])
def test_submit_to_an_exchange_not_active_reverts(
    market: Market, supplier: str, exchange: bytes
) -> None:
    call = market.products.functions.submit(exchange, listing_terms())
    market.chain.expect_revert(call, supplier, "ExchangeNotActive", exchange)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("productType", 5, "InvalidProductType"),
        ("classification", 3, "InvalidClassification"),
        ("source", 3, "InvalidDataSource"),
        ("priceModel", 3, "InvalidPriceModel"),
        ("priceModel", 255, "InvalidPriceModel"),
    ],
)
def test_an_enum_term_out_of_range_is_refused_naming_it(
    market: Market, supplier: str, field: str, value: int, error: str
) -> None:
    call = market.products.functions.submit(A, listing_terms(**{field: value}))
    market.chain.expect_revert(call, supplier, error, value)


def test_an_update_with_an_out_of_range_classification_is_refused(
    market: Market, supplier: str
) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.update(product_id, listing_terms(classification=3))
    market.chain.expect_revert(call, supplier, "InvalidClassification", 3)


def test_core_data_is_rejected_outright(market: Market, supplier: str) -> None:
    call = market.products.functions.submit(A, listing_terms(classification=CORE))
    market.chain.expect_revert(call, supplier, "CoreDataCannotBeListed")


@pytest.mark.parametrize("rights", [0, 8, HOLDING | 16])
def test_submit_with_rights_outside_the_three_reverts(
    market: Market, supplier: str, rights: int
) -> None:
    call = market.products.functions.submit(A, listing_terms(rights=rights))
    market.chain.expect_revert(call, supplier, "InvalidRights", rights)


@pytest.mark.parametrize("currency", [b"cny", b"CN1", b"\0\0\0"])
def test_submit_with_a_currency_not_three_uppercase_letters_reverts(
    market: Market, supplier: str, currency: bytes
) -> None:
    call = market.products.functions.submit(A, listing_terms(currency=currency))
    market.chain.expect_revert(call, supplier, "InvalidCurrency", currency)


def test_submit_with_a_zero_unit_price_reverts(market: Market, supplier: str) -> None:
    call = market.products.functions.submit(A, listing_terms(unitPrice=0))
    market.chain.expect_revert(call, supplier, "ZeroUnitPrice")


@pytest.mark.parametrize("title", ["", "x" * 257])
def test_submit_with_an_empty_or_overlong_title_reverts(
    market: Market, supplier: str, title: str
) -> None:
    call = market.products.functions.submit(A, listing_terms(title=title))
    market.chain.expect_revert(call, supplier, "InvalidTitleLength", len(title))


def test_a_title_of_exactly_256_bytes_is_accepted(market: Market, supplier: str) -> None:
    product_id = submit(market, supplier, title="数" * 85 + "x")
    assert len(product(market, product_id)["terms"][0].encode()) == 256


@pytest.mark.parametrize("uri", ["", "u" * 513])
def test_submit_with_an_empty_or_overlong_metadata_uri_reverts(
    market: Market, supplier: str, uri: str
) -> None:
    call = market.products.functions.submit(A, listing_terms(metadataUri=uri))
    market.chain.expect_revert(call, supplier, "InvalidMetadataUriLength", len(uri))


def test_submit_without_a_metadata_hash_reverts(market: Market, supplier: str) -> None:
    call = market.products.functions.submit(A, listing_terms(metadataHash=bytes(32)))
    market.chain.expect_revert(call, supplier, "ZeroMetadataHash")


def test_submit_without_a_delivery_account_reverts(market: Market, supplier: str) -> None:
    call = market.products.functions.submit(A, listing_terms(deliveryAccount=ZERO))
    market.chain.expect_revert(call, supplier, "ZeroDeliveryAccount")


def test_a_personal_source_without_the_personal_information_flag_reverts(
    market: Market, supplier: str
) -> None:
    call = market.products.functions.submit(A, listing_terms(source=PERSONAL))
    market.chain.expect_revert(call, supplier, "PersonalSourceNotFlagged")


@pytest.mark.parametrize(
    "changes",
    [{"classification": IMPORTANT}, {"personalInformation": True}],
    ids=["important", "personal"],
)
def test_important_or_personal_data_without_a_compliance_report_reverts(
    market: Market, supplier: str, changes: dict[str, Any]
) -> None:
    terms = listing_terms(complianceReportHash=bytes(32), **changes)
    call = market.products.functions.submit(A, terms)
    market.chain.expect_revert(call, supplier, "MissingComplianceReport")


# attestCompliance


def test_an_evaluator_attests_the_compliance_report_of_the_current_version(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier, classification=IMPORTANT)
    call = market.products.functions.attestCompliance(product_id, 1, h("report-1"))
    receipt = market.chain.transact(call, evaluator)
    assert market.chain.events(receipt, market.products, "ComplianceAttested") == [
        {"productId": product_id, "version": 1, "reportHash": h("report-1"), "evaluator": evaluator}
    ]
    assert product(market, product_id)["complianceEvaluator"] == evaluator


def test_an_evaluator_may_attest_a_listed_general_product(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = listed(market, supplier)
    attest(market, product_id, evaluator)
    assert product(market, product_id)["complianceEvaluator"] == evaluator


def test_attestation_by_a_participant_without_the_evaluator_role_reverts(
    market: Market, supplier: str
) -> None:
    product_id = submit(market, supplier)
    buyer = register(market, BUYER)
    call = market.products.functions.attestCompliance(product_id, 1, h("report-1"))
    market.chain.expect_revert(call, buyer, "NotActiveEvaluator", buyer)


def test_a_supplier_cannot_attest_its_own_product(market: Market) -> None:
    both = register(market, SUPPLIER | EVALUATOR)
    product_id = submit(market, both)
    call = market.products.functions.attestCompliance(product_id, 1, h("report-1"))
    market.chain.expect_revert(call, both, "EvaluatorIsSupplier", product_id, both)


def test_attestation_of_another_version_reverts(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier)
    call = market.products.functions.attestCompliance(product_id, 2, h("report-1"))
    market.chain.expect_revert(call, evaluator, "VersionMismatch", product_id, 1, 2)


def test_attestation_of_another_report_reverts(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier)
    call = market.products.functions.attestCompliance(product_id, 1, h("forged"))
    market.chain.expect_revert(
        call, evaluator, "ReportHashMismatch", product_id, h("report-1"), h("forged")
    )


def test_attestation_of_a_product_without_a_report_reverts(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier, complianceReportHash=bytes(32))
    call = market.products.functions.attestCompliance(product_id, 1, bytes(32))
    market.chain.expect_revert(
        call, evaluator, "ReportHashMismatch", product_id, bytes(32), bytes(32)
    )


def test_a_second_attestation_of_the_same_version_reverts(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier)
    attest(market, product_id, evaluator)
    other = register(market, EVALUATOR)
    call = market.products.functions.attestCompliance(product_id, 1, h("report-1"))
    market.chain.expect_revert(call, other, "AlreadyAttested", product_id, 1, evaluator)


def test_attestation_of_a_rejected_product_reverts(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier)
    reject(market, product_id)
    call = market.products.functions.attestCompliance(product_id, 1, h("report-1"))
    market.chain.expect_revert(call, evaluator, "InvalidStatus", product_id, REJECTED)


def test_attestation_of_an_unknown_product_reverts(market: Market, evaluator: str) -> None:
    call = market.products.functions.attestCompliance(7, 1, h("report-1"))
    market.chain.expect_revert(call, evaluator, "UnknownProduct", 7)


# approve and reject


def test_the_listing_exchange_approves_a_general_product(market: Market, supplier: str) -> None:
    product_id = submit(market, supplier)
    call = market.products.functions.approve(product_id, 1)
    receipt = market.chain.transact(call, market.operator_a)
    assert market.chain.events(receipt, market.products, "ProductApproved") == [
        {
            "productId": product_id,
            "version": 1,
            "listingExchange": A,
            "approvedBy": market.operator_a,
        }
    ]
    assert status(market, product_id) == LISTED


@pytest.mark.parametrize(
    "changes",
    [{"classification": IMPORTANT}, {"personalInformation": True, "source": PERSONAL}],
    ids=["important", "personal"],
)
def test_approval_of_important_or_personal_data_needs_an_attestation(
    market: Market, supplier: str, changes: dict[str, Any]
) -> None:
    product_id = submit(market, supplier, **changes)
    call = market.products.functions.approve(product_id, 1)
    market.chain.expect_revert(call, market.operator_a, "ComplianceNotAttested", product_id, 1)


def test_important_data_attested_by_an_evaluator_is_approved(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier, classification=IMPORTANT)
    attest(market, product_id, evaluator)
    approve(market, product_id)
    assert status(market, product_id) == LISTED


def test_approval_for_a_supplier_suspended_since_submission_reverts(
    market: Market, supplier: str
) -> None:
    product_id = submit(market, supplier)
    market.chain.transact(market.participants.functions.suspend(supplier, h("x")), market.regulator)
    call = market.products.functions.approve(product_id, 1)
    market.chain.expect_revert(call, market.operator_a, "SupplierNotActive", product_id, supplier)


def test_another_exchange_cannot_approve(market: Market, supplier: str) -> None:
    product_id = submit(market, supplier)
    call = market.products.functions.approve(product_id, 1)
    operator = market.operator_b
    market.chain.expect_revert(call, operator, "NotListingExchange", operator, A)


def test_a_regulator_cannot_approve(market: Market, supplier: str) -> None:
    product_id = submit(market, supplier)
    call = market.products.functions.approve(product_id, 1)
    market.chain.expect_revert(call, market.regulator, "NotListingExchange", market.regulator, A)


def test_a_suspended_listing_exchange_cannot_approve(market: Market, supplier: str) -> None:
    product_id = submit(market, supplier)
    market.system.suspend_exchange(A)
    call = market.products.functions.approve(product_id, 1)
    operator = market.operator_a
    market.chain.expect_revert(call, operator, "NotListingExchange", operator, A)


def test_approval_of_a_version_other_than_the_current_reverts(
    market: Market, supplier: str
) -> None:
    product_id = submit(market, supplier)
    market.chain.transact(
        market.products.functions.update(product_id, listing_terms(title="Renamed")), supplier
    )
    call = market.products.functions.approve(product_id, 1)
    market.chain.expect_revert(call, market.operator_a, "VersionMismatch", product_id, 2, 1)


def test_approval_of_a_listed_product_reverts(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.approve(product_id, 1)
    market.chain.expect_revert(call, market.operator_a, "InvalidStatus", product_id, LISTED)


def test_approval_of_an_unknown_product_reverts(market: Market) -> None:
    call = market.products.functions.approve(9, 1)
    market.chain.expect_revert(call, market.operator_a, "UnknownProduct", 9)


def test_the_listing_exchange_rejects_with_a_reason(market: Market, supplier: str) -> None:
    product_id = submit(market, supplier)
    call = market.products.functions.reject(product_id, 1, h("rights-unclear"), h("memo"))
    receipt = market.chain.transact(call, market.operator_a)
    assert market.chain.events(receipt, market.products, "ProductRejected") == [
        {
            "productId": product_id,
            "version": 1,
            "listingExchange": A,
            "rejectedBy": market.operator_a,
            "reasonCode": h("rights-unclear"),
            "reasonHash": h("memo"),
        }
    ]
    assert status(market, product_id) == REJECTED


def test_another_exchange_cannot_reject(market: Market, supplier: str) -> None:
    product_id = submit(market, supplier)
    call = market.products.functions.reject(product_id, 1, h("x"), h("y"))
    operator = market.operator_c
    market.chain.expect_revert(call, operator, "NotListingExchange", operator, A)


def test_rejection_of_a_listed_product_reverts(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.reject(product_id, 1, h("x"), h("y"))
    market.chain.expect_revert(call, market.operator_a, "InvalidStatus", product_id, LISTED)


def test_rejection_of_a_version_other_than_the_current_reverts(
    market: Market, supplier: str
) -> None:
    product_id = submit(market, supplier)
    call = market.products.functions.reject(product_id, 3, h("x"), h("y"))
    market.chain.expect_revert(call, market.operator_a, "VersionMismatch", product_id, 1, 3)


# update


def test_a_price_only_change_keeps_a_listed_product_listed_and_its_attestation(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier, classification=IMPORTANT)
    attest(market, product_id, evaluator)
    approve(market, product_id)
    call = market.products.functions.update(
        product_id, listing_terms(classification=IMPORTANT, unitPrice=990_000)
    )
    receipt = market.chain.transact(call, supplier)

    assert market.chain.events(receipt, market.products, "ProductRepriced") == [
        {"productId": product_id, "version": 2, "unitPrice": 990_000}
    ]
    assert market.chain.events(receipt, market.products, "ProductUpdated") == []
    record = product(market, product_id)
    assert (record["version"], record["status"], record["complianceEvaluator"]) == (
        2,
        LISTED,
        evaluator,
    )
    assert market.products.functions.productTerms(product_id).call()[8] == 990_000


def test_a_price_only_change_keeps_a_submitted_product_under_review(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier)
    attest(market, product_id, evaluator)
    market.chain.transact(
        market.products.functions.update(product_id, listing_terms(unitPrice=1)), supplier
    )
    record = product(market, product_id)
    assert (record["version"], record["status"], record["complianceEvaluator"]) == (
        2,
        SUBMITTED,
        evaluator,
    )


def test_a_substantive_change_sends_a_listed_product_back_to_review(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier)
    attest(market, product_id, evaluator)
    approve(market, product_id)
    terms = listing_terms(exportAllowed=False, unitPrice=5)
    receipt = market.chain.transact(market.products.functions.update(product_id, terms), supplier)

    [event] = market.chain.events(receipt, market.products, "ProductUpdated")
    assert {**event, "terms": dict(event["terms"])} == {
        "productId": product_id,
        "version": 2,
        "status": SUBMITTED,
        "complianceEvaluator": ZERO,
        "terms": terms,
    }
    record = product(market, product_id)
    assert (record["version"], record["status"], record["complianceEvaluator"]) == (
        2,
        SUBMITTED,
        ZERO,
    )
    assert record["contentHash"] == content_hash(terms)
    assert record["terms"] == tuple(terms.values())


def test_any_update_of_a_rejected_product_resubmits_it(
    market: Market, supplier: str, evaluator: str
) -> None:
    product_id = submit(market, supplier)
    attest(market, product_id, evaluator)
    reject(market, product_id)
    terms = listing_terms(unitPrice=7)
    receipt = market.chain.transact(market.products.functions.update(product_id, terms), supplier)
    [event] = market.chain.events(receipt, market.products, "ProductUpdated")
    assert (event["version"], event["status"], event["complianceEvaluator"]) == (
        2,
        SUBMITTED,
        evaluator,
    )
    assert status(market, product_id) == SUBMITTED


def test_an_update_that_changes_nothing_reverts(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.update(product_id, listing_terms())
    market.chain.expect_revert(call, supplier, "NothingChanged", product_id)


def test_only_the_supplier_updates(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    other = register(market, SUPPLIER)
    call = market.products.functions.update(product_id, listing_terms(unitPrice=1))
    market.chain.expect_revert(call, other, "NotSupplier", product_id, other)


def test_a_suspended_supplier_cannot_update(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    market.chain.transact(market.participants.functions.suspend(supplier, h("x")), market.regulator)
    call = market.products.functions.update(product_id, listing_terms(unitPrice=1))
    market.chain.expect_revert(call, supplier, "NotActiveSupplier", supplier)


def test_an_update_to_core_data_reverts(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.update(product_id, listing_terms(classification=CORE))
    market.chain.expect_revert(call, supplier, "CoreDataCannotBeListed")


@pytest.mark.parametrize("final", [SUSPENDED_STATUS, REVOKED, DELISTED])
def test_a_suspended_revoked_or_delisted_product_cannot_be_updated(
    market: Market, supplier: str, final: int
) -> None:
    product_id = listed(market, supplier)
    if final == SUSPENDED_STATUS:
        suspend(market, product_id, market.operator_a)
    elif final == REVOKED:
        market.chain.transact(
            market.products.functions.revoke(product_id, h("x")), market.regulator
        )
    else:
        market.chain.transact(market.products.functions.delist(product_id), supplier)
    call = market.products.functions.update(product_id, listing_terms(unitPrice=1))
    market.chain.expect_revert(call, supplier, "InvalidStatus", product_id, final)


def test_an_update_of_an_unknown_product_reverts(market: Market, supplier: str) -> None:
    call = market.products.functions.update(4, listing_terms())
    market.chain.expect_revert(call, supplier, "UnknownProduct", 4)


# suspend, reinstate, revoke, delist


def test_the_listing_exchange_suspends_a_listed_product(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.suspend(product_id, h("complaint"))
    receipt = market.chain.transact(call, market.operator_a)
    assert market.chain.events(receipt, market.products, "ProductSuspended") == [
        {
            "productId": product_id,
            "suspendedBy": market.operator_a,
            "byRegulator": False,
            "reasonHash": h("complaint"),
        }
    ]
    record = product(market, product_id)
    assert (record["status"], record["suspendedByRegulator"]) == (SUSPENDED_STATUS, False)


def test_a_regulator_suspends_a_listed_product(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.suspend(product_id, h("inquiry"))
    receipt = market.chain.transact(call, market.regulator)
    [event] = market.chain.events(receipt, market.products, "ProductSuspended")
    assert (event["suspendedBy"], event["byRegulator"]) == (market.regulator, True)
    record = product(market, product_id)
    assert (record["status"], record["suspendedByRegulator"]) == (SUSPENDED_STATUS, True)


def test_another_exchange_cannot_suspend(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.suspend(product_id, h("x"))
    operator = market.operator_b
    market.chain.expect_revert(call, operator, "NotListingExchange", operator, A)


def test_suspending_a_product_under_review_reverts(market: Market, supplier: str) -> None:
    product_id = submit(market, supplier)
    call = market.products.functions.suspend(product_id, h("x"))
    market.chain.expect_revert(call, market.regulator, "InvalidStatus", product_id, SUBMITTED)


def test_a_regulator_takes_over_a_listing_exchange_suspension(
    market: Market, supplier: str
) -> None:
    product_id = listed(market, supplier)
    suspend(market, product_id, market.operator_a)
    call = market.products.functions.suspend(product_id, h("inquiry"))
    receipt = market.chain.transact(call, market.regulator)
    assert market.chain.events(receipt, market.products, "ProductSuspended") == [
        {
            "productId": product_id,
            "suspendedBy": market.regulator,
            "byRegulator": True,
            "reasonHash": h("inquiry"),
        }
    ]
    record = product(market, product_id)
    assert (record["status"], record["suspendedByRegulator"]) == (SUSPENDED_STATUS, True)
    reinstate = market.products.functions.reinstate(product_id)
    market.chain.expect_revert(reinstate, market.operator_a, "SuspendedByRegulator", product_id)


def test_the_listing_exchange_cannot_suspend_its_suspended_product_again(
    market: Market, supplier: str
) -> None:
    product_id = listed(market, supplier)
    suspend(market, product_id, market.operator_a)
    call = market.products.functions.suspend(product_id, h("again"))
    market.chain.expect_revert(
        call, market.operator_a, "InvalidStatus", product_id, SUSPENDED_STATUS
    )


def test_the_listing_exchange_lists_again_what_it_suspended(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    suspend(market, product_id, market.operator_a)
    receipt = market.chain.transact(
        market.products.functions.reinstate(product_id), market.operator_a
    )
    assert market.chain.events(receipt, market.products, "ProductReinstated") == [
        {"productId": product_id, "reinstatedBy": market.operator_a}
    ]
    assert status(market, product_id) == LISTED


def test_the_listing_exchange_cannot_lift_a_regulator_suspension(
    market: Market, supplier: str
) -> None:
    product_id = listed(market, supplier)
    suspend(market, product_id, market.regulator)
    call = market.products.functions.reinstate(product_id)
    market.chain.expect_revert(call, market.operator_a, "SuspendedByRegulator", product_id)


def test_a_regulator_lifts_its_suspension(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    suspend(market, product_id, market.regulator)
    market.chain.transact(market.products.functions.reinstate(product_id), market.regulator)
    record = product(market, product_id)
    assert (record["status"], record["suspendedByRegulator"]) == (LISTED, False)


def test_reinstatement_for_a_revoked_supplier_reverts(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    suspend(market, product_id, market.operator_a)
    market.chain.transact(market.participants.functions.revoke(supplier, h("x")), market.regulator)
    call = market.products.functions.reinstate(product_id)
    market.chain.expect_revert(call, market.regulator, "SupplierNotActive", product_id, supplier)


def test_reinstating_a_listed_product_reverts(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.reinstate(product_id)
    market.chain.expect_revert(call, market.operator_a, "InvalidStatus", product_id, LISTED)


def test_another_exchange_cannot_reinstate(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    suspend(market, product_id, market.operator_a)
    call = market.products.functions.reinstate(product_id)
    operator = market.operator_c
    market.chain.expect_revert(call, operator, "NotListingExchange", operator, A)


@pytest.mark.parametrize("start", [SUBMITTED, LISTED, REJECTED, SUSPENDED_STATUS, DELISTED])
def test_a_regulator_revokes_a_product_in_any_state(
    market: Market, supplier: str, start: int
) -> None:
    product_id = submit(market, supplier)
    if start in (LISTED, SUSPENDED_STATUS):
        approve(market, product_id)
    if start == SUSPENDED_STATUS:
        suspend(market, product_id, market.regulator)
    if start == REJECTED:
        reject(market, product_id)
    if start == DELISTED:
        market.chain.transact(market.products.functions.delist(product_id), supplier)
    assert status(market, product_id) == start

    call = market.products.functions.revoke(product_id, h("unlawful source"))
    receipt = market.chain.transact(call, market.regulator)
    assert market.chain.events(receipt, market.products, "ProductRevoked") == [
        {
            "productId": product_id,
            "revokedBy": market.regulator,
            "reasonHash": h("unlawful source"),
        }
    ]
    record = product(market, product_id)
    assert (record["status"], record["suspendedByRegulator"]) == (REVOKED, False)


def test_the_listing_exchange_cannot_revoke(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.revoke(product_id, h("x"))
    market.chain.expect_revert(call, market.operator_a, "NotRegulator", market.operator_a)


def test_revoking_twice_reverts(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    market.chain.transact(market.products.functions.revoke(product_id, h("x")), market.regulator)
    call = market.products.functions.revoke(product_id, h("x"))
    market.chain.expect_revert(call, market.regulator, "InvalidStatus", product_id, REVOKED)


@pytest.mark.parametrize("start", [SUBMITTED, LISTED, REJECTED])
def test_the_supplier_delists(market: Market, supplier: str, start: int) -> None:
    product_id = submit(market, supplier)
    if start == LISTED:
        approve(market, product_id)
    if start == REJECTED:
        reject(market, product_id)
    receipt = market.chain.transact(market.products.functions.delist(product_id), supplier)
    assert market.chain.events(receipt, market.products, "ProductDelisted") == [
        {"productId": product_id, "supplier": supplier}
    ]
    assert status(market, product_id) == DELISTED


def test_only_the_supplier_delists(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.delist(product_id)
    operator = market.operator_a
    market.chain.expect_revert(call, operator, "NotSupplier", product_id, operator)


@pytest.mark.parametrize("final", [SUSPENDED_STATUS, DELISTED])
def test_a_suspended_or_delisted_product_cannot_be_delisted(
    market: Market, supplier: str, final: int
) -> None:
    product_id = listed(market, supplier)
    if final == SUSPENDED_STATUS:
        suspend(market, product_id, market.operator_a)
    else:
        market.chain.transact(market.products.functions.delist(product_id), supplier)
    call = market.products.functions.delist(product_id)
    market.chain.expect_revert(call, supplier, "InvalidStatus", product_id, final)


# recognition


def test_a_listed_product_is_recognised_by_every_exchange_by_default(
    market: Market, supplier: str
) -> None:
    product_id = listed(market, supplier)
    for exchange in (A, B, C, UNKNOWN_EXCHANGE):
        assert market.products.functions.isRecognisedBy(product_id, exchange).call() is True


def test_an_exchange_records_a_reasoned_non_recognition(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.recordNonRecognition(
        product_id, h("local-rule-7"), h("opinion")
    )
    receipt = market.chain.transact(call, market.operator_c)
    assert market.chain.events(receipt, market.products, "NonRecognitionRecorded") == [
        {
            "productId": product_id,
            "exchange": C,
            "recordedBy": market.operator_c,
            "reasonCode": h("local-rule-7"),
            "reasonHash": h("opinion"),
        }
    ]
    assert market.products.functions.isRecognisedBy(product_id, C).call() is False
    assert market.products.functions.isRecognisedBy(product_id, B).call() is True


def test_an_exchange_withdraws_its_non_recognition(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    market.chain.transact(
        market.products.functions.recordNonRecognition(product_id, h("r"), h("o")),
        market.operator_c,
    )
    call = market.products.functions.withdrawNonRecognition(product_id)
    receipt = market.chain.transact(call, market.operator_c)
    assert market.chain.events(receipt, market.products, "NonRecognitionWithdrawn") == [
        {"productId": product_id, "exchange": C, "withdrawnBy": market.operator_c}
    ]
    assert market.products.functions.isRecognisedBy(product_id, C).call() is True


def test_the_listing_exchange_cannot_decline_its_own_listing(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.recordNonRecognition(product_id, h("r"), h("o"))
    market.chain.expect_revert(
        call, market.operator_a, "ListingExchangeCannotDecline", product_id, A
    )


def test_recording_a_non_recognition_twice_reverts(market: Market, supplier: str) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.recordNonRecognition(product_id, h("r"), h("o"))
    market.chain.transact(call, market.operator_b)
    market.chain.expect_revert(call, market.operator_b, "AlreadyNotRecognised", product_id, B)


def test_withdrawing_a_non_recognition_never_recorded_reverts(
    market: Market, supplier: str
) -> None:
    product_id = listed(market, supplier)
    call = market.products.functions.withdrawNonRecognition(product_id)
    market.chain.expect_revert(call, market.operator_b, "NoNonRecognition", product_id, B)


@pytest.mark.parametrize("who", ["outsider", "operator_suspended"])
def test_only_an_operator_of_an_active_exchange_records_non_recognition(
    market: Market, supplier: str, who: str
) -> None:
    product_id = listed(market, supplier)
    caller = getattr(market, who)
    call = market.products.functions.recordNonRecognition(product_id, h("r"), h("o"))
    market.chain.expect_revert(call, caller, "NotActiveOperator", caller)


def test_non_recognition_of_an_unknown_product_reverts(market: Market) -> None:
    call = market.products.functions.recordNonRecognition(5, h("r"), h("o"))
    market.chain.expect_revert(call, market.operator_b, "UnknownProduct", 5)


def test_an_unknown_product_has_empty_terms(market: Market) -> None:
    assert market.products.functions.productTerms(3).call() == (
        ZERO,
        bytes(32),
        0,
        NONE,
        GENERAL,
        False,
        0,
        0,
        0,
        b"\0\0\0",
        False,
        ZERO,
    )
