"""The report's figures, folded from decoded events: each definition of ``node.audit.figures``
on a few hand-made events, with exact integers."""

from __future__ import annotations

from typing import Any

from client.contracts import encode_exchange_code
from node.audit.figures import day_of, market_figures
from node.audit.ledger_event import LedgerEvent

A, B = encode_exchange_code("SHDE"), encode_exchange_code("SZDE")
SELLER, BUYER, FOREIGN = ("0x" + f"{i:02x}" * 20 for i in (1, 2, 3))
DAY_1 = 1_795_305_600  # 2026-11-22T00:00:00Z
DAY_2 = DAY_1 + 86_400


def event(contract: str, name: str, timestamp: int = DAY_1, **args: Any) -> LedgerEvent:
    return LedgerEvent(1, timestamp, b"\x00" * 32, 0, contract, name, (), (), args)


def submitted(product: int, classification: int, version: int = 1) -> LedgerEvent:
    return event(
        "DataProductRegistry",
        "ProductSubmitted" if version == 1 else "ProductUpdated",
        productId=product,
        version=version,
        terms={"classification": classification},
    )


def approved(product: int, version: int = 1, timestamp: int = DAY_1) -> LedgerEvent:
    return event(
        "DataProductRegistry",
        "ProductApproved",
        timestamp,
        productId=product,
        version=version,
        listingExchange=A,
        approvedBy=SELLER,
    )


def settled(
    order: int,
    buyer_exchange: bytes,
    amount: int,
    *,
    refund: int = 0,
    currency: bytes = b"CNY",
    timestamp: int = DAY_1,
) -> LedgerEvent:
    legs = {
        "buyerRefund": refund,
        "listingFee": amount // 40,
        "buyerExchangeFee": amount // 50,
        "supplier": amount - refund - amount // 40 - amount // 50,
    }
    certificate = {
        "sellerExchange": A,
        "buyerExchange": buyer_exchange,
        "currency": currency,
        "amount": amount,
        "legs": legs,
    }
    return event(
        "TradeSettlement",
        "TradeSettled",
        timestamp,
        orderId=order,
        billNo=0,
        certificate=certificate,
    )


def registered(account: str, jurisdiction: bytes) -> LedgerEvent:
    return event(
        "ParticipantRegistry",
        "ParticipantRegistered",
        account=account,
        homeExchange=B,
        jurisdiction=jurisdiction,
    )


def ordered(order: int, buyer: str, destinations: list[bytes], needs_basis: bool) -> LedgerEvent:
    order_fields = {
        "buyer": buyer,
        "needsExportBasis": needs_basis,
        "grant": {"destinations": destinations},
    }
    return event("TradeSettlement", "OrderCreated", orderId=order, order=order_fields)


def grant(grant_id: int, max_uses: int) -> LedgerEvent:
    return event(
        "AuthorizationRegistry",
        "GrantIssued",
        grantId=grant_id,
        productId=1,
        terms={"maxUses": max_uses},
    )


def used(grant_id: int, count: int) -> LedgerEvent:
    return event("AuthorizationRegistry", "UseRecorded", grantId=grant_id, count=count)


def test_a_day_is_the_utc_date_of_the_block_timestamp() -> None:
    assert (day_of(DAY_1), day_of(DAY_2 - 1), day_of(DAY_2)) == (
        "2026-11-22",
        "2026-11-22",
        "2026-11-23",
    )


def test_a_listing_counts_once_at_its_first_approval_for_its_listing_exchange() -> None:
    figures = market_figures(
        [submitted(1, 0), approved(1), submitted(1, 1, version=2), approved(1, 2, DAY_2)]
    )
    assert figures["activity_by_exchange"] == {
        "days": ["2026-11-22"],
        "exchanges": {"SHDE": {"listings": [1], "trades": [0]}},
    }


def test_a_trade_counts_per_day_once_for_each_exchange_it_involves() -> None:
    figures = market_figures(
        [settled(1, B, 100), settled(2, A, 100), settled(3, B, 100, timestamp=DAY_2)]
    )
    assert figures["activity_by_exchange"] == {
        "days": ["2026-11-22", "2026-11-23"],
        "exchanges": {
            "SHDE": {"listings": [0, 0], "trades": [2, 1]},
            "SZDE": {"listings": [0, 0], "trades": [1, 1]},
        },
    }


def test_volume_sums_amounts_refunds_and_legs_per_currency_in_minor_units() -> None:
    figures = market_figures(
        [
            settled(1, B, 1_250_000),
            settled(2, B, 1_250_000, refund=400_000),
            settled(3, B, 2**100, currency=b"USD"),
        ]
    )
    assert figures["volume_by_currency"] == {
        "CNY": {
            "trades": 2,
            "amount": 2_500_000,
            "refunded": 400_000,
            "listing_fees": 62_500,
            "buyer_exchange_fees": 50_000,
            "supplier": 1_987_500,
        },
        "USD": {
            "trades": 1,
            "amount": 2**100,
            "refunded": 0,
            "listing_fees": 2**100 // 40,
            "buyer_exchange_fees": 2**100 // 50,
            "supplier": 2**100 - 2**100 // 40 - 2**100 // 50,
        },
    }


def test_a_trade_is_cross_exchange_when_the_buyer_exchange_is_not_the_listing_one() -> None:
    figures = market_figures([settled(1, B, 100), settled(2, A, 100), settled(3, B, 100)])
    assert figures["cross_exchange_trades"] == {
        "trades": 3,
        "cross_exchange": 2,
        "same_exchange": 1,
    }


def test_authorizations_compare_uses_recorded_with_uses_granted() -> None:
    revoked = event(
        "AuthorizationRegistry", "GrantRevoked", grantId=2, reason=2, reasonHash=b"\0" * 32
    )
    figures = market_figures(
        [grant(1, 3), grant(2, 5), grant(3, 0), used(1, 2), used(1, 1), used(3, 7), revoked]
    )
    assert figures["authorizations"] == {
        "grants": 3,
        "unlimited_grants": 1,
        "uses_granted": 8,
        "uses_recorded_on_limited": 3,
        "uses_recorded": 10,
        "revoked_by_reason": {"Refund": 1},
        "by_grant": [
            {"grant_id": 1, "max_uses": 3, "uses": 3},
            {"grant_id": 2, "max_uses": 5, "uses": 0},
            {"grant_id": 3, "max_uses": 0, "uses": 7},
        ],
    }


def test_disputes_count_raised_open_and_each_resolution_and_outcome() -> None:
    def raised(order: int) -> LedgerEvent:
        return event("TradeSettlement", "DisputeRaised", orderId=order, billNo=0)

    def resolved(order: int, resolution: int, outcome: int) -> LedgerEvent:
        return event(
            "TradeSettlement",
            "DisputeResolved",
            orderId=order,
            billNo=0,
            resolution=resolution,
            outcome=outcome,
        )

    figures = market_figures(
        [raised(1), raised(2), raised(3), resolved(1, 1, 2), resolved(2, 0, 3)]
    )
    assert figures["disputes"] == {
        "raised": 3,
        "open": 1,
        "by_resolution": {"ArbitralAward": 1, "Mediation": 1},
        "by_outcome": {"Partial": 1, "Release": 1},
    }


def test_classification_mix_counts_listed_products_by_their_last_approved_version() -> None:
    figures = market_figures(
        [
            submitted(1, 0),
            approved(1),
            submitted(2, 0),
            approved(2),
            submitted(2, 1, version=2),
            approved(2, 2),
            submitted(3, 1),
        ]
    )
    assert figures["classification_mix"] == {"General": 1, "Important": 1}


def test_an_order_is_cross_border_for_a_buyer_abroad_or_a_grant_with_destinations() -> None:
    figures = market_figures(
        [
            registered(BUYER, b"CN"),
            registered(FOREIGN, b"HK"),
            ordered(1, BUYER, [], False),
            ordered(2, FOREIGN, [], True),
            ordered(3, BUYER, [b"SG"], False),
        ]
    )
    assert figures["cross_border_trades"] == {
        "orders": 2,
        "needing_export_basis": 1,
        "by_buyer_jurisdiction": {"CN": 1, "HK": 1},
        "export_bases_registered": {},
        "export_bases_revoked": 0,
    }


def test_export_bases_count_by_kind_and_revocations() -> None:
    def basis(kind: int) -> LedgerEvent:
        return event(
            "ExportBasisRegistry",
            "ExportBasisRegistered",
            productId=1,
            recipient=FOREIGN,
            kind=kind,
        )

    revoked = event("ExportBasisRegistry", "ExportBasisRevoked", productId=1, recipient=FOREIGN)
    figures = market_figures([basis(1), basis(3), basis(1), revoked])
    assert figures["cross_border_trades"]["export_bases_registered"] == {
        "Certification": 1,
        "SecurityAssessment": 2,
    }
    assert figures["cross_border_trades"]["export_bases_revoked"] == 1


def test_an_enum_value_the_figures_do_not_know_is_named_unknown() -> None:
    figures = market_figures(
        [
            event(
                "TradeSettlement",
                "DisputeResolved",
                orderId=1,
                billNo=0,
                resolution=9,
                outcome=1,
            )
        ]
    )
    assert figures["disputes"]["by_resolution"] == {"Unknown(9)": 1}


def test_an_event_of_the_same_name_from_another_contract_is_not_counted() -> None:
    foreign = event("ExchangeRegistry", "TradeSettled", certificate={})
    assert market_figures([foreign]) == market_figures([])


def test_no_events_give_empty_figures() -> None:
    assert market_figures([]) == {
        "activity_by_exchange": {"days": [], "exchanges": {}},
        "volume_by_currency": {},
        "cross_exchange_trades": {"trades": 0, "cross_exchange": 0, "same_exchange": 0},
        "authorizations": {
            "grants": 0,
            "unlimited_grants": 0,
            "uses_granted": 0,
            "uses_recorded_on_limited": 0,
            "uses_recorded": 0,
            "revoked_by_reason": {},
            "by_grant": [],
        },
        "disputes": {"raised": 0, "open": 0, "by_resolution": {}, "by_outcome": {}},
        "classification_mix": {},
        "cross_border_trades": {
            "orders": 0,
            "needing_export_basis": 0,
            "by_buyer_jurisdiction": {},
            "export_bases_registered": {},
            "export_bases_revoked": 0,
        },
    }
