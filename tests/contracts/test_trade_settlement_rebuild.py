"""TradeSettlement's whole state (with the ExportBasisRegistry's bases), rebuilt from their
events alone, equals what their views return."""

from __future__ import annotations

from typing import Any

from client.market_rebuild import fetch_market_events
from client.mediation import proposal_hash
from client.settlement_events import rebuild
from tests.contracts.market import (
    DAY,
    DELIVERY_DEADLINE,
    DISPUTE_WINDOW,
    EXCHANGE_A,
    EXCHANGE_B,
    EXCHANGE_C,
    FIXED_PRICE,
    IMPORTANT_PRODUCT,
    INSPECTION_PERIOD,
    PER_CALL_PRODUCT,
    ExportBasisKind,
    Market,
    Outcome,
    Resolution,
    h,
)


def all_events(market: Market) -> list[tuple[str, dict[str, Any]]]:
    """Every TradeSettlement and ExportBasisRegistry event since genesis, in log order, decoded
    from the raw logs."""
    addresses = {
        "TradeSettlement": market.settlement.address,
        "ExportBasisRegistry": market.export_bases.address,
    }
    return [(e.name, e.args) for e in fetch_market_events(market.chain.w3, addresses)]


def run_a_busy_market(market: Market) -> None:
    """Orders through every transition: settled and cleared, cancelled both ways, refunded for
    non-delivery, mediated, awarded, frozen and released (clocks extended), metered with
    statements."""
    s = market.settlement.functions
    bases = market.export_bases.functions
    send = market.chain.transact
    cleared = market.settled()
    send(s.recordInvoice(cleared, 0, h("invoice")), market.seller)
    market.create()
    send(s.cancel(market.create()), market.buyer)
    consented = market.accepted()
    send(s.cancel(consented), market.seller)
    send(s.cancel(consented), market.buyer)
    half_consented = market.accepted()
    send(s.cancel(half_consented), market.buyer)
    undelivered = market.paid()
    mediated = market.disputed()
    send(s.proposeMediation(mediated, 0, Outcome.RELEASE, 0, h("first")), market.operator_a)
    first = proposal_hash(mediated, 0, Outcome.RELEASE, 0, h("first"), 1)
    send(s.acceptMediation(mediated, 0, first), market.buyer)
    send(s.proposeMediation(mediated, 0, Outcome.PARTIAL, 5_000, h("second")), market.operator_a)
    second = proposal_hash(mediated, 0, Outcome.PARTIAL, 5_000, h("second"), 2)
    send(s.acceptMediation(mediated, 0, second), market.seller)
    send(s.acceptMediation(mediated, 0, second), market.buyer)
    pending = market.disputed()
    send(s.proposeMediation(pending, 0, Outcome.REFUND, 3 * FIXED_PRICE, h("p")), market.operator_a)
    pending_hash = proposal_hash(pending, 0, Outcome.REFUND, 3 * FIXED_PRICE, h("p"), 1)
    send(s.acceptMediation(pending, 0, pending_hash), market.seller)
    awarded = market.disputed()
    send(
        s.recordAward(
            awarded, 0, Resolution.COURT_JUDGMENT, Outcome.REFUND, 3 * FIXED_PRICE, h("j")
        ),
        market.regulator,
    )
    frozen = market.delivered()
    send(s.setFrozen(frozen, True, h("hold")), market.regulator)
    thawed = market.delivered()
    send(s.setFrozen(thawed, True, h("hold")), market.regulator)
    send(s.setFrozen(thawed, False, h("release")), market.regulator)
    clocked = market.paid()
    send(s.setFrozen(clocked, True, h("hold")), market.regulator)
    market.chain.advance(DAY)
    send(s.setFrozen(clocked, False, h("release")), market.regulator)
    send(s.deliver(clocked, h("late delivery")), market.seller)
    metered = market.accepted(PER_CALL_PRODUCT, quantity=1_000)
    send(s.setFrozen(metered, True, h("hold")), market.regulator)
    market.chain.advance(DAY)
    send(s.setFrozen(metered, False, h("release")), market.regulator)
    for units in (100, 200, 300):
        market.statement(metered, units)
    send(s.pay(metered, 1, h("p1")), market.operator_b)
    send(s.pay(metered, 2, h("p2")), market.operator_b)
    send(s.confirm(metered, 1), market.buyer)
    send(s.raiseDispute(metered, 2, h("count")), market.seller)
    send(
        s.recordAward(metered, 2, Resolution.ARBITRAL_AWARD, Outcome.PARTIAL, 100, h("a")),
        market.regulator,
    )
    send(s.setFeeSchedule(10, 20), market.operator_c)
    now = market.chain.timestamp
    send(
        bases.registerExportBasis(
            IMPORTANT_PRODUCT,
            market.foreign_buyer,
            ExportBasisKind.CERTIFICATION,
            h("c"),
            now,
            now + 10**6,
        ),
        market.regulator,
    )
    send(
        bases.registerExportBasis(
            IMPORTANT_PRODUCT, market.buyer, ExportBasisKind.SECURITY_ASSESSMENT, h("s"), 1, 2
        ),
        market.regulator,
    )
    send(bases.revokeExportBasis(IMPORTANT_PRODUCT, market.buyer, h("gone")), market.regulator)
    market.create(IMPORTANT_PRODUCT, buyer=market.foreign_buyer)
    market.chain.advance(max(INSPECTION_PERIOD, DELIVERY_DEADLINE, DISPUTE_WINDOW) + 1)
    send(s.finalizeClearing(cleared, 0), market.stranger)
    send(s.claimNonDelivery(undelivered), market.buyer)
    send(s.finalize(thawed, 0), market.stranger)


def test_the_state_rebuilt_from_events_equals_the_contract_state(market: Market) -> None:
    run_a_busy_market(market)
    rebuilt = rebuild(all_events(market))
    count = market.settlement.functions.orderCount().call()
    assert sorted(rebuilt.orders) == list(range(1, count + 1))
    for order_id, order in rebuilt.orders.items():
        assert order == market.order(order_id), order_id
        bill_numbers = range(1, order["statementCount"] + 1) if order["metered"] else [0]
        for bill_no in bill_numbers:
            if (order_id, bill_no) in rebuilt.bills:
                assert rebuilt.bills[(order_id, bill_no)] == market.bill(order_id, bill_no)
            else:
                assert market.bill(order_id, bill_no)["status"] == 0
    for code in (EXCHANGE_A, EXCHANGE_B, EXCHANGE_C):
        assert rebuilt.fee_schedules[code] == market.settlement.functions.feeSchedule(code).call()
    for recipient in (market.buyer, market.foreign_buyer):
        expected = market.export_bases.functions.exportBasis(IMPORTANT_PRODUCT, recipient).call()
        assert (
            rebuilt.export_bases.get((IMPORTANT_PRODUCT, recipient), (0, bytes(32), 0, 0))
            == expected
        )
