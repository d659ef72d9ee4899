"""TradeSettlement export rule: cross-border trades of important data or personal information
need a regulator-registered export basis; export-disallowed products stay domestic."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contracts.market import (
    BUYER,
    DAY,
    DOMESTIC_ONLY_PRODUCT,
    FIXED_PRODUCT,
    IMPORTANT_PRODUCT,
    PERSONAL_PRODUCT,
    ExportBasisKind,
    Market,
    events,
    h,
)


def register_basis(
    market: Market, product_id: int, recipient: str, valid_for: int = 365 * DAY
) -> None:
    now = market.chain.timestamp
    call = market.export_bases.functions.registerExportBasis(
        product_id,
        recipient,
        ExportBasisKind.SECURITY_ASSESSMENT,
        h("assessment"),
        now,
        now + valid_for,
    )
    market.chain.transact(call, market.regulator)


def order_from(market: Market, buyer: str, product_id: int, **changes: Any) -> Any:
    return market.settlement.functions.createOrder(market.request(product_id, **changes)), buyer


def test_a_buyer_outside_the_mainland_orders_general_data_without_a_basis(market: Market) -> None:
    order_id = market.create(FIXED_PRODUCT, buyer=market.foreign_buyer)
    assert market.order(order_id)["needsExportBasis"] is False


def test_a_mainland_buyer_orders_important_data_for_domestic_use_without_a_basis(
    market: Market,
) -> None:
    order_id = market.create(IMPORTANT_PRODUCT)
    assert market.order(order_id)["needsExportBasis"] is False


def test_an_export_disallowed_product_cannot_be_sold_abroad(market: Market) -> None:
    call, buyer = order_from(market, market.foreign_buyer, DOMESTIC_ONLY_PRODUCT)
    market.chain.expect_revert(call, buyer, "ExportNotAllowed", DOMESTIC_ONLY_PRODUCT)


def test_an_export_disallowed_product_cannot_be_granted_for_use_abroad(market: Market) -> None:
    call, buyer = order_from(
        market, market.buyer, DOMESTIC_ONLY_PRODUCT, grant={"destinations": [b"SG"]}
    )
    market.chain.expect_revert(call, buyer, "ExportNotAllowed", DOMESTIC_ONLY_PRODUCT)


@pytest.mark.parametrize("jurisdiction", [b"HK", b"MO", b"TW", b"DE"])
def test_important_data_for_a_buyer_outside_the_mainland_needs_a_basis(
    market: Market, jurisdiction: bytes
) -> None:
    market.register(market.stranger, BUYER, jurisdiction)
    call, buyer = order_from(market, market.stranger, IMPORTANT_PRODUCT)
    market.chain.expect_revert(call, buyer, "ExportBasisRequired", IMPORTANT_PRODUCT, buyer)


def test_personal_information_processed_abroad_needs_a_basis(market: Market) -> None:
    call, buyer = order_from(
        market, market.buyer, PERSONAL_PRODUCT, grant={"destinations": [b"SG"]}
    )
    market.chain.expect_revert(call, buyer, "ExportBasisRequired", PERSONAL_PRODUCT, buyer)


def test_a_registered_basis_admits_the_cross_border_order(market: Market) -> None:
    register_basis(market, IMPORTANT_PRODUCT, market.foreign_buyer)
    order_id = market.create(IMPORTANT_PRODUCT, buyer=market.foreign_buyer)
    assert market.order(order_id)["needsExportBasis"] is True


def test_a_basis_covers_only_its_recipient(market: Market) -> None:
    register_basis(market, IMPORTANT_PRODUCT, market.buyer)
    call, buyer = order_from(market, market.foreign_buyer, IMPORTANT_PRODUCT)
    market.chain.expect_revert(call, buyer, "ExportBasisRequired", IMPORTANT_PRODUCT, buyer)


def test_an_expired_basis_no_longer_admits_orders(market: Market) -> None:
    register_basis(market, IMPORTANT_PRODUCT, market.foreign_buyer, valid_for=DAY)
    market.chain.advance(2 * DAY)
    call, buyer = order_from(market, market.foreign_buyer, IMPORTANT_PRODUCT)
    market.chain.expect_revert(call, buyer, "ExportBasisRequired", IMPORTANT_PRODUCT, buyer)


def test_a_basis_not_yet_valid_does_not_admit_orders(market: Market) -> None:
    now = market.chain.timestamp
    market.chain.transact(
        market.export_bases.functions.registerExportBasis(
            IMPORTANT_PRODUCT,
            market.foreign_buyer,
            ExportBasisKind.CERTIFICATION,
            h("certificate"),
            now + 10 * DAY,
            now + 20 * DAY,
        ),
        market.regulator,
    )
    assert (
        market.export_bases.functions.exportBasisValid(
            IMPORTANT_PRODUCT, market.foreign_buyer
        ).call()
        is False
    )
    call, buyer = order_from(market, market.foreign_buyer, IMPORTANT_PRODUCT)
    market.chain.expect_revert(call, buyer, "ExportBasisRequired", IMPORTANT_PRODUCT, buyer)


def test_a_basis_revoked_before_payment_stops_the_authorization(market: Market) -> None:
    register_basis(market, IMPORTANT_PRODUCT, market.foreign_buyer)
    order_id = market.create(IMPORTANT_PRODUCT, buyer=market.foreign_buyer)
    market.chain.transact(market.settlement.functions.accept(order_id), market.seller)
    market.chain.transact(
        market.export_bases.functions.revokeExportBasis(
            IMPORTANT_PRODUCT, market.foreign_buyer, h("withdrawn")
        ),
        market.regulator,
    )
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    market.chain.expect_revert(
        call, market.operator_b, "ExportBasisRequired", IMPORTANT_PRODUCT, market.foreign_buyer
    )


def test_a_regulator_registers_an_export_basis(market: Market) -> None:
    call = market.export_bases.functions.registerExportBasis(
        IMPORTANT_PRODUCT,
        market.foreign_buyer,
        ExportBasisKind.STANDARD_CONTRACT_FILING,
        h("filing"),
        100,
        200,
    )
    receipt = market.chain.transact(call, market.regulator)
    assert events(market, receipt, "ExportBasisRegistered", market.export_bases) == [
        {
            "productId": IMPORTANT_PRODUCT,
            "recipient": market.foreign_buyer,
            "kind": ExportBasisKind.STANDARD_CONTRACT_FILING,
            "referenceHash": h("filing"),
            "validFrom": 100,
            "validUntil": 200,
            "regulator": market.regulator,
        }
    ]
    assert market.export_bases.functions.exportBasis(
        IMPORTANT_PRODUCT, market.foreign_buyer
    ).call() == (
        ExportBasisKind.STANDARD_CONTRACT_FILING,
        h("filing"),
        100,
        200,
    )


@pytest.mark.parametrize(
    ("kind", "recipient", "reference", "valid_from", "valid_until", "error", "args"),
    [
        (ExportBasisKind.NONE, "foreign_buyer", h("r"), 1, 2, "InvalidExportBasisKind", (0,)),
        (4, "foreign_buyer", h("r"), 1, 2, "InvalidExportBasisKind", (4,)),
        (ExportBasisKind.CERTIFICATION, None, h("r"), 1, 2, "ZeroAddress", ()),
        (ExportBasisKind.CERTIFICATION, "foreign_buyer", bytes(32), 1, 2, "MissingHash", ()),
        (ExportBasisKind.CERTIFICATION, "foreign_buyer", h("r"), 2, 2, "InvalidValidity", (2, 2)),
    ],
)
def test_a_bad_export_basis_is_rejected(
    market: Market,
    kind: int,
    recipient: str | None,
    reference: bytes,
    valid_from: int,
    valid_until: int,
    error: str,
    args: tuple[Any, ...],
) -> None:
    address = getattr(market, recipient) if recipient else "0x" + "00" * 20
    call = market.export_bases.functions.registerExportBasis(
        IMPORTANT_PRODUCT, address, kind, reference, valid_from, valid_until
    )
    market.chain.expect_revert(call, market.regulator, error, *args)


def test_only_a_regulator_registers_an_export_basis(market: Market) -> None:
    call = market.export_bases.functions.registerExportBasis(
        IMPORTANT_PRODUCT, market.foreign_buyer, ExportBasisKind.CERTIFICATION, h("r"), 1, 2
    )
    market.chain.expect_revert(call, market.operator_a, "NotRegulator", market.operator_a)


def test_a_regulator_revokes_an_export_basis(market: Market) -> None:
    register_basis(market, IMPORTANT_PRODUCT, market.foreign_buyer)
    call = market.export_bases.functions.revokeExportBasis(
        IMPORTANT_PRODUCT, market.foreign_buyer, h("why")
    )
    receipt = market.chain.transact(call, market.regulator)
    assert events(market, receipt, "ExportBasisRevoked", market.export_bases) == [
        {
            "productId": IMPORTANT_PRODUCT,
            "recipient": market.foreign_buyer,
            "reasonHash": h("why"),
            "regulator": market.regulator,
        }
    ]
    assert market.export_bases.functions.exportBasis(
        IMPORTANT_PRODUCT, market.foreign_buyer
    ).call() == (
        ExportBasisKind.NONE,
        bytes(32),
        0,
        0,
    )


def test_revoking_a_basis_that_does_not_exist_is_rejected(market: Market) -> None:
    call = market.export_bases.functions.revokeExportBasis(
        IMPORTANT_PRODUCT, market.foreign_buyer, h("why")
    )
    market.chain.expect_revert(
        call, market.regulator, "NoExportBasis", IMPORTANT_PRODUCT, market.foreign_buyer
    )


def test_only_a_regulator_revokes_an_export_basis(market: Market) -> None:
    register_basis(market, IMPORTANT_PRODUCT, market.foreign_buyer)
    call = market.export_bases.functions.revokeExportBasis(
        IMPORTANT_PRODUCT, market.foreign_buyer, h("why")
    )
    market.chain.expect_revert(call, market.operator_a, "NotRegulator", market.operator_a)


def test_revoking_a_basis_needs_a_reason(market: Market) -> None:
    register_basis(market, IMPORTANT_PRODUCT, market.foreign_buyer)
    call = market.export_bases.functions.revokeExportBasis(
        IMPORTANT_PRODUCT, market.foreign_buyer, bytes(32)
    )
    market.chain.expect_revert(call, market.regulator, "MissingHash")


# ----- the listing changed after the order -----


def relist(market: Market, product_id: int, **changes: Any) -> None:
    """The seller updates the listing with `changes`; an evaluator attests the new version and
    the listing exchange approves it, so the product is Listed again at the next version."""
    terms = {**market.product_terms(product_id), **changes}
    market.chain.transact(market.products.functions.update(product_id, terms), market.seller)
    version = market.version(product_id)
    market.chain.transact(
        market.products.functions.attestCompliance(
            product_id, version, terms["complianceReportHash"]
        ),
        market.evaluator,
    )
    market.chain.transact(market.products.functions.approve(product_id, version), market.operator_a)


def test_an_order_abroad_is_not_accepted_once_the_listing_closed_export(market: Market) -> None:
    order_id = market.create(FIXED_PRODUCT, buyer=market.foreign_buyer)
    relist(market, FIXED_PRODUCT, exportAllowed=False)
    call = market.settlement.functions.accept(order_id)
    market.chain.expect_revert(call, market.seller, "ExportNotAllowed", FIXED_PRODUCT)


def test_an_accepted_order_abroad_is_not_granted_once_the_listing_closed_export(
    market: Market,
) -> None:
    order_id = market.create(FIXED_PRODUCT, buyer=market.foreign_buyer)
    market.chain.transact(market.settlement.functions.accept(order_id), market.seller)
    relist(market, FIXED_PRODUCT, exportAllowed=False)
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    market.chain.expect_revert(call, market.operator_b, "ExportNotAllowed", FIXED_PRODUCT)
    assert market.authorizations.functions.grantCount().call() == 0


def test_an_order_abroad_of_data_reclassified_important_needs_a_basis_at_acceptance(
    market: Market,
) -> None:
    order_id = market.create(FIXED_PRODUCT, buyer=market.foreign_buyer)
    relist(market, FIXED_PRODUCT, classification=1)
    call = market.settlement.functions.accept(order_id)
    market.chain.expect_revert(
        call, market.seller, "ExportBasisRequired", FIXED_PRODUCT, market.foreign_buyer
    )


def test_an_order_abroad_of_data_reclassified_important_needs_a_basis_at_payment(
    market: Market,
) -> None:
    order_id = market.create(FIXED_PRODUCT, buyer=market.foreign_buyer)
    market.chain.transact(market.settlement.functions.accept(order_id), market.seller)
    relist(market, FIXED_PRODUCT, personalInformation=True)
    call = market.settlement.functions.pay(order_id, 0, h("payment"))
    market.chain.expect_revert(
        call, market.operator_b, "ExportBasisRequired", FIXED_PRODUCT, market.foreign_buyer
    )
    register_basis(market, FIXED_PRODUCT, market.foreign_buyer)
    market.chain.transact(call, market.operator_b)
    assert market.order(order_id)["grantId"] == 1


def test_an_order_abroad_survives_a_change_of_price_alone(market: Market) -> None:
    order_id = market.create(FIXED_PRODUCT, buyer=market.foreign_buyer)
    market.reprice(FIXED_PRODUCT, 99)
    market.chain.transact(market.settlement.functions.accept(order_id), market.seller)
    market.chain.transact(
        market.settlement.functions.pay(order_id, 0, h("payment")), market.operator_b
    )
    assert market.order(order_id)["grantId"] == 1
