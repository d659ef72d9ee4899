"""TradeSettlement disputes: raising, mediation, arbitral awards and court judgments, freezes."""

from __future__ import annotations

from typing import Any

import pytest

from client.mediation import proposal_hash
from tests.contracts.market import (
    DAY,
    DISPUTE_WINDOW,
    EXCHANGE_A,
    FIXED_PRICE,
    INSPECTION_PERIOD,
    BillStatus,
    DisputeStatus,
    Market,
    Outcome,
    Resolution,
    events,
    h,
)

AMOUNT = 3 * FIXED_PRICE


def propose(
    market: Market, order_id: int, outcome: Outcome, refund: int, label: str, round_: int = 1
) -> bytes:
    """The listing exchange proposes `outcome` with document `label` as proposal `round_` of
    bill 0; the proposal's hash, computed as a client computes it."""
    call = market.settlement.functions.proposeMediation(order_id, 0, outcome, refund, h(label))
    market.chain.transact(call, market.operator_a)
    return proposal_hash(order_id, 0, outcome, refund, h(label), round_)


# ----- raising -----


@pytest.mark.parametrize(
    ("stage", "party"), [("paid", "buyer"), ("delivered", "seller"), ("settled", "buyer")]
)
def test_a_party_raises_a_dispute_once_the_bill_is_paid(
    market: Market, stage: str, party: str
) -> None:
    order_id = getattr(market, stage)()
    sender = getattr(market, party)
    call = market.settlement.functions.raiseDispute(order_id, 0, h("complaint"))
    receipt = market.chain.transact(call, sender)
    assert events(market, receipt, "DisputeRaised") == [
        {
            "orderId": order_id,
            "billNo": 0,
            "party": sender,
            "reasonHash": h("complaint"),
            "raisedAt": market.chain.timestamp,
        }
    ]
    assert market.bill(order_id)["dispute"] == DisputeStatus.OPEN


def test_an_unpaid_bill_cannot_be_disputed(market: Market) -> None:
    order_id = market.accepted()
    call = market.settlement.functions.raiseDispute(order_id, 0, h("complaint"))
    market.chain.expect_revert(call, market.buyer, "BillNotInStatus", order_id, 0, BillStatus.DUE)


def test_a_stranger_cannot_raise_a_dispute(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.raiseDispute(order_id, 0, h("complaint"))
    market.chain.expect_revert(call, market.stranger, "NotParty", market.stranger)


def test_a_bill_is_disputed_only_once(market: Market) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.raiseDispute(order_id, 0, h("again"))
    market.chain.expect_revert(call, market.seller, "DisputeAlreadyRaised", order_id, 0)


def test_a_settled_bill_cannot_be_disputed_after_its_window(market: Market) -> None:
    order_id = market.settled()
    closed_at = market.bill(order_id)["settledAt"] + DISPUTE_WINDOW
    market.chain.advance(DISPUTE_WINDOW + 1)
    call = market.settlement.functions.raiseDispute(order_id, 0, h("too late"))
    market.chain.expect_revert(call, market.buyer, "DisputeWindowClosed", order_id, 0, closed_at)


def test_a_dispute_needs_a_reason(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.raiseDispute(order_id, 0, bytes(32))
    market.chain.expect_revert(call, market.buyer, "MissingHash")


# ----- mediation -----


def test_the_listing_exchange_proposes_a_mediated_outcome(market: Market) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.proposeMediation(
        order_id, 0, Outcome.PARTIAL, 10_000, h("proposal")
    )
    receipt = market.chain.transact(call, market.operator_a)
    expected = proposal_hash(order_id, 0, Outcome.PARTIAL, 10_000, h("proposal"), 1)
    assert events(market, receipt, "MediationProposed") == [
        {
            "orderId": order_id,
            "billNo": 0,
            "outcome": Outcome.PARTIAL,
            "refund": 10_000,
            "documentHash": h("proposal"),
            "round": 1,
            "proposalHash": expected,
            "operator": market.operator_a,
        }
    ]
    bill = market.bill(order_id)
    assert (
        bill["proposedOutcome"],
        bill["proposedRefund"],
        bill["mediationRound"],
        bill["proposalHash"],
    ) == (Outcome.PARTIAL, 10_000, 1, expected)


def test_only_the_listing_exchange_mediates(market: Market) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.proposeMediation(order_id, 0, Outcome.RELEASE, 0, h("p"))
    market.chain.expect_revert(
        call, market.operator_b, "NotListingExchangeOperator", market.operator_b, EXCHANGE_A
    )


def test_mediation_needs_an_open_dispute(market: Market) -> None:
    order_id = market.delivered()
    call = market.settlement.functions.proposeMediation(order_id, 0, Outcome.RELEASE, 0, h("p"))
    market.chain.expect_revert(call, market.operator_a, "NoOpenDispute", order_id, 0)


@pytest.mark.parametrize("outcome", [4, 255])
def test_a_mediation_outcome_out_of_range_is_rejected_naming_it(
    market: Market, outcome: int
) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.proposeMediation(order_id, 0, outcome, 0, h("p"))
    market.chain.expect_revert(call, market.operator_a, "InvalidOutcome", outcome, 0, AMOUNT)


@pytest.mark.parametrize(
    ("outcome", "refund"),
    [
        (Outcome.NONE, 0),
        (Outcome.REFUND, AMOUNT - 1),
        (Outcome.PARTIAL, 0),
        (Outcome.PARTIAL, AMOUNT),
        (Outcome.RELEASE, 1),
    ],
)
def test_an_outcome_inconsistent_with_its_refund_is_rejected(
    market: Market, outcome: Outcome, refund: int
) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.proposeMediation(order_id, 0, outcome, refund, h("p"))
    market.chain.expect_revert(call, market.operator_a, "InvalidOutcome", outcome, refund, AMOUNT)


def test_a_proposal_needs_a_document_hash(market: Market) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.proposeMediation(order_id, 0, Outcome.RELEASE, 0, bytes(32))
    market.chain.expect_revert(call, market.operator_a, "MissingHash")


def test_mediation_accepted_by_both_parties_resolves_the_dispute(market: Market) -> None:
    order_id = market.disputed()
    proposal = propose(market, order_id, Outcome.PARTIAL, 10_000, "proposal")
    accept = market.settlement.functions.acceptMediation(order_id, 0, proposal)
    first = market.chain.transact(accept, market.seller)
    assert events(market, first, "MediationAccepted") == [
        {"orderId": order_id, "billNo": 0, "party": market.seller, "proposalHash": proposal}
    ]
    assert events(market, first, "DisputeResolved") == []
    assert market.bill(order_id)["mediationAcceptances"] == 2
    second = market.chain.transact(accept, market.buyer)
    assert events(market, second, "DisputeResolved") == [
        {
            "orderId": order_id,
            "billNo": 0,
            "resolution": Resolution.MEDIATION,
            "outcome": Outcome.PARTIAL,
            "refund": 10_000,
            "documentHash": proposal,
            "status": BillStatus.SETTLED,
            "by": market.buyer,
        }
    ]
    assert events(market, second, "AuthorizationRevoked") == [{"orderId": order_id, "grantId": 1}]
    # 27,035 kept: 250 and 150 basis points of it, rounded down.
    legs = {"buyerRefund": 10_000, "listingFee": 675, "buyerExchangeFee": 405, "supplier": 25_955}
    [anchor] = events(market, second, "TradeSettled")
    [clearing] = events(market, second, "ClearingInstruction")
    assert anchor["certificate"]["legs"] == legs
    assert clearing == {"orderId": order_id, "billNo": 0, "certificate": anchor["certificate"]}
    bill = market.bill(order_id)
    assert (bill["status"], bill["dispute"], bill["refund"], bill["cleared"]) == (
        BillStatus.SETTLED,
        DisputeStatus.RESOLVED,
        10_000,
        True,
    )


def test_a_new_proposal_replaces_the_old_one_and_its_acceptances(market: Market) -> None:
    order_id = market.disputed()
    first = propose(market, order_id, Outcome.RELEASE, 0, "first")
    market.chain.transact(
        market.settlement.functions.acceptMediation(order_id, 0, first), market.seller
    )
    second = propose(market, order_id, Outcome.REFUND, AMOUNT, "second", round_=2)
    assert market.bill(order_id)["mediationAcceptances"] == 0
    stale = market.settlement.functions.acceptMediation(order_id, 0, first)
    market.chain.expect_revert(stale, market.buyer, "ProposalMismatch", second, first)


def test_other_terms_proposed_with_the_same_document_cannot_take_an_earlier_acceptance(
    market: Market,
) -> None:
    order_id = market.disputed()
    half = propose(market, order_id, Outcome.PARTIAL, AMOUNT // 2, "mediation record")
    market.chain.transact(
        market.settlement.functions.acceptMediation(order_id, 0, half), market.seller
    )
    release = propose(market, order_id, Outcome.RELEASE, 0, "mediation record", round_=2)
    assert release != half
    stale = market.settlement.functions.acceptMediation(order_id, 0, half)
    market.chain.expect_revert(stale, market.buyer, "ProposalMismatch", release, half)
    assert market.bill(order_id)["dispute"] == DisputeStatus.OPEN


def test_the_same_terms_proposed_again_get_a_new_hash(market: Market) -> None:
    order_id = market.disputed()
    first = propose(market, order_id, Outcome.RELEASE, 0, "record")
    again = propose(market, order_id, Outcome.RELEASE, 0, "record", round_=2)
    assert again != first
    assert market.bill(order_id)["proposalHash"] == again


def test_accepting_without_a_proposal_is_rejected(market: Market) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.acceptMediation(order_id, 0, h("proposal"))
    market.chain.expect_revert(call, market.buyer, "NoProposal", order_id, 0)


def test_a_party_accepts_a_proposal_only_once(market: Market) -> None:
    order_id = market.disputed()
    proposal = propose(market, order_id, Outcome.RELEASE, 0, "proposal")
    call = market.settlement.functions.acceptMediation(order_id, 0, proposal)
    market.chain.transact(call, market.buyer)
    market.chain.expect_revert(
        call, market.buyer, "MediationAlreadyAccepted", order_id, 0, market.buyer
    )


def test_a_stranger_cannot_accept_a_proposal(market: Market) -> None:
    order_id = market.disputed()
    proposal = propose(market, order_id, Outcome.RELEASE, 0, "proposal")
    call = market.settlement.functions.acceptMediation(order_id, 0, proposal)
    market.chain.expect_revert(call, market.stranger, "NotParty", market.stranger)


def test_a_resolved_dispute_takes_no_more_acceptances(market: Market) -> None:
    order_id = market.disputed()
    proposal = propose(market, order_id, Outcome.RELEASE, 0, "proposal")
    call = market.settlement.functions.acceptMediation(order_id, 0, proposal)
    market.chain.transact(call, market.buyer)
    market.chain.transact(call, market.seller)
    market.chain.expect_revert(call, market.buyer, "NoOpenDispute", order_id, 0)


# ----- awards and judgments -----


def test_a_regulator_records_an_arbitral_award_with_a_partial_refund(market: Market) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.recordAward(
        order_id, 0, Resolution.ARBITRAL_AWARD, Outcome.PARTIAL, 20_000, h("award")
    )
    receipt = market.chain.transact(call, market.regulator)
    [resolved] = events(market, receipt, "DisputeResolved")
    assert resolved == {
        "orderId": order_id,
        "billNo": 0,
        "resolution": Resolution.ARBITRAL_AWARD,
        "outcome": Outcome.PARTIAL,
        "refund": 20_000,
        "documentHash": h("award"),
        "status": BillStatus.SETTLED,
        "by": market.regulator,
    }
    # 17,035 kept: 250 and 150 basis points of it, rounded down.
    [clearing] = events(market, receipt, "ClearingInstruction")
    assert clearing["certificate"]["legs"] == {
        "buyerRefund": 20_000,
        "listingFee": 425,
        "buyerExchangeFee": 255,
        "supplier": 16_355,
    }
    assert events(market, receipt, "GrantRevoked", market.authorizations) == [
        {"grantId": 1, "revokedBy": market.settlement.address, "reason": 2, "reasonHash": bytes(32)}
    ]


def test_a_regulator_records_a_court_judgment_refunding_in_full(market: Market) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.recordAward(
        order_id, 0, Resolution.COURT_JUDGMENT, Outcome.REFUND, AMOUNT, h("judgment")
    )
    receipt = market.chain.transact(call, market.regulator)
    [resolved] = events(market, receipt, "DisputeResolved")
    assert (resolved["status"], resolved["by"]) == (BillStatus.REFUNDED, market.regulator)
    assert events(market, receipt, "TradeSettled") == []
    [clearing] = events(market, receipt, "ClearingInstruction")
    assert clearing["certificate"]["legs"] == {
        "buyerRefund": AMOUNT,
        "listingFee": 0,
        "buyerExchangeFee": 0,
        "supplier": 0,
    }
    assert market.bill(order_id)["status"] == BillStatus.REFUNDED


def test_an_award_releasing_the_payment_keeps_the_authorization(market: Market) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.recordAward(
        order_id, 0, Resolution.ARBITRAL_AWARD, Outcome.RELEASE, 0, h("award")
    )
    receipt = market.chain.transact(call, market.regulator)
    assert events(market, receipt, "AuthorizationRevoked") == []
    [clearing] = events(market, receipt, "ClearingInstruction")
    assert clearing["certificate"]["legs"] == {
        "buyerRefund": 0,
        "listingFee": 925,
        "buyerExchangeFee": 555,
        "supplier": 35_555,
    }
    assert market.order(order_id)["grantRevoked"] is False


def test_an_award_on_a_settled_bill_keeps_its_settlement_time(market: Market) -> None:
    order_id = market.settled()
    settled_at = market.bill(order_id)["settledAt"]
    market.chain.transact(
        market.settlement.functions.raiseDispute(order_id, 0, h("defect")), market.buyer
    )
    market.chain.advance(3_600)
    call = market.settlement.functions.recordAward(
        order_id, 0, Resolution.ARBITRAL_AWARD, Outcome.PARTIAL, 1, h("award")
    )
    market.chain.transact(call, market.regulator)
    assert market.bill(order_id)["settledAt"] == settled_at


@pytest.mark.parametrize("who", ["operator_a", "operator_b", "seller", "buyer"])
def test_only_a_regulator_records_an_award(market: Market, who: str) -> None:
    """The listing exchange (operator_a) earns the listing fee: an interested party."""
    order_id = market.disputed()
    call = market.settlement.functions.recordAward(
        order_id, 0, Resolution.ARBITRAL_AWARD, Outcome.RELEASE, 0, h("award")
    )
    sender = getattr(market, who)
    market.chain.expect_revert(call, sender, "NotRegulator", sender)
    assert market.bill(order_id)["dispute"] == DisputeStatus.OPEN


@pytest.mark.parametrize(
    ("resolution", "outcome", "refund", "document", "error", "args"),
    [
        (Resolution.MEDIATION, Outcome.RELEASE, 0, h("a"), "InvalidResolution", (0,)),
        (Resolution.NON_DELIVERY, Outcome.RELEASE, 0, h("a"), "InvalidResolution", (3,)),
        (Resolution.ARBITRAL_AWARD, Outcome.REFUND, 1, h("a"), "InvalidOutcome", (1, 1, AMOUNT)),
        (Resolution.COURT_JUDGMENT, Outcome.RELEASE, 0, bytes(32), "MissingHash", ()),
        (4, Outcome.RELEASE, 0, h("a"), "InvalidResolution", (4,)),
        (255, Outcome.RELEASE, 0, h("a"), "InvalidResolution", (255,)),
        (Resolution.ARBITRAL_AWARD, 4, 0, h("a"), "InvalidOutcome", (4, 0, AMOUNT)),
    ],
)
def test_a_bad_award_is_rejected(
    market: Market,
    resolution: Resolution,
    outcome: Outcome,
    refund: int,
    document: bytes,
    error: str,
    args: tuple[Any, ...],
) -> None:
    order_id = market.disputed()
    call = market.settlement.functions.recordAward(
        order_id, 0, resolution, outcome, refund, document
    )
    market.chain.expect_revert(call, market.regulator, error, *args)


def test_an_award_needs_an_open_dispute(market: Market) -> None:
    order_id = market.settled()
    call = market.settlement.functions.recordAward(
        order_id, 0, Resolution.ARBITRAL_AWARD, Outcome.RELEASE, 0, h("award")
    )
    market.chain.expect_revert(call, market.regulator, "NoOpenDispute", order_id, 0)


def test_a_resolved_bill_cannot_be_disputed_or_cleared_again(market: Market) -> None:
    order_id = market.disputed()
    market.chain.transact(
        market.settlement.functions.recordAward(
            order_id, 0, Resolution.ARBITRAL_AWARD, Outcome.RELEASE, 0, h("award")
        ),
        market.regulator,
    )
    dispute = market.settlement.functions.raiseDispute(order_id, 0, h("again"))
    market.chain.expect_revert(dispute, market.seller, "DisputeAlreadyRaised", order_id, 0)
    market.chain.advance(DISPUTE_WINDOW)
    clearing = market.settlement.functions.finalizeClearing(order_id, 0)
    market.chain.expect_revert(clearing, market.stranger, "ClearingAlreadyFinal", order_id, 0)


# ----- freezes -----


def test_a_regulator_freezes_an_order_and_every_step_halts(market: Market) -> None:
    order_id = market.delivered()
    call = market.settlement.functions.setFrozen(order_id, True, h("investigation"))
    receipt = market.chain.transact(call, market.regulator)
    assert events(market, receipt, "FreezeChanged") == [
        {
            "orderId": order_id,
            "frozen": True,
            "regulator": market.regulator,
            "reasonHash": h("investigation"),
            "frozenAt": market.chain.timestamp,
            "frozenFor": 0,
            "deadline": 0,
        }
    ]
    assert (market.order(order_id)["frozenAt"], market.order(order_id)["frozenFor"]) == (
        market.chain.timestamp,
        0,
    )
    assert market.order(order_id)["frozen"] is True
    for step, sender in (
        (market.settlement.functions.confirm(order_id, 0), market.buyer),
        (market.settlement.functions.raiseDispute(order_id, 0, h("x")), market.seller),
        (market.settlement.functions.finalize(order_id, 0), market.stranger),
    ):
        market.chain.expect_revert(step, sender, "OrderIsFrozen", order_id)


def test_a_frozen_settled_order_is_not_cleared(market: Market) -> None:
    order_id = market.settled()
    market.chain.transact(
        market.settlement.functions.setFrozen(order_id, True, h("investigation")),
        market.regulator,
    )
    market.chain.advance(DISPUTE_WINDOW)
    call = market.settlement.functions.finalizeClearing(order_id, 0)
    market.chain.expect_revert(call, market.stranger, "OrderIsFrozen", order_id)


def test_an_unfrozen_order_resumes(market: Market) -> None:
    order_id = market.delivered()
    delivered_at = market.bill(order_id)["deliveredAt"]
    receipt = market.chain.transact(
        market.settlement.functions.setFrozen(order_id, True, h("investigation")),
        market.regulator,
    )
    frozen_at = market.chain.timestamp
    market.chain.advance(DAY)
    receipt = market.chain.transact(
        market.settlement.functions.setFrozen(order_id, False, h("cleared")), market.regulator
    )
    frozen_for = market.chain.timestamp - frozen_at
    assert events(market, receipt, "FreezeChanged") == [
        {
            "orderId": order_id,
            "frozen": False,
            "regulator": market.regulator,
            "reasonHash": h("cleared"),
            "frozenAt": frozen_at,
            "frozenFor": frozen_for,
            "deadline": delivered_at + INSPECTION_PERIOD + frozen_for,
        }
    ]
    assert (market.order(order_id)["frozenAt"], market.order(order_id)["frozenFor"]) == (
        0,
        frozen_for,
    )
    market.chain.transact(market.settlement.functions.confirm(order_id, 0), market.buyer)
    assert market.bill(order_id)["status"] == BillStatus.SETTLED


def test_only_a_regulator_freezes(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.setFrozen(order_id, True, h("x"))
    market.chain.expect_revert(call, market.operator_a, "NotRegulator", market.operator_a)


def test_freezing_an_unknown_order_is_rejected(market: Market) -> None:
    call = market.settlement.functions.setFrozen(42, True, h("x"))
    market.chain.expect_revert(call, market.regulator, "UnknownOrder", 42)


@pytest.mark.parametrize("frozen", [True, False])
def test_a_freeze_that_changes_nothing_is_rejected(market: Market, frozen: bool) -> None:
    order_id = market.paid()
    if frozen:
        market.chain.transact(
            market.settlement.functions.setFrozen(order_id, True, h("x")), market.regulator
        )
    call = market.settlement.functions.setFrozen(order_id, frozen, h("y"))
    market.chain.expect_revert(call, market.regulator, "FreezeUnchanged", order_id, frozen)


def test_a_freeze_needs_a_reason(market: Market) -> None:
    order_id = market.paid()
    call = market.settlement.functions.setFrozen(order_id, True, bytes(32))
    market.chain.expect_revert(call, market.regulator, "MissingHash")
