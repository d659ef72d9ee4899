"""The regulator's desk, folded from hand-made decoded events: each order's state and export
side, each dispute's history, the filters and the pages."""

from __future__ import annotations

from typing import Any

from client.contracts import encode_exchange_code
from node.audit.figures import market_figures
from node.audit.ledger_event import LedgerEvent
from node.audit.market_desk import (
    DisputeQuery,
    GrantQuery,
    MarketDesk,
    OrderQuery,
    page,
    position_of,
)

A, B = "SHDE", "SZDE"
SELLER, BUYER, FOREIGN, OPERATOR, REGULATOR = ("0x" + f"{i:02x}" * 20 for i in range(1, 6))
PRICE = 1_250_000
CREATED, ACCEPTED = 1, 2
PAID, SETTLED, REFUNDED = 2, 4, 5
MEDIATION, ARBITRAL_AWARD, NON_DELIVERY = 0, 1, 3
REFUND, PARTIAL, RELEASE = 1, 2, 3


class Chain:
    """Events in chain order: one block per event, log index 0."""

    def __init__(self) -> None:
        self.events: list[LedgerEvent] = []

    def emit(self, contract: str, name: str, parties: tuple[str, ...] = (), **args: Any) -> None:
        block = len(self.events) + 1
        self.events.append(
            LedgerEvent(
                block, 1_795_305_600 + block, bytes([block]) * 32, 0, contract, name,
                (A, B), parties, args,
            )
        )  # fmt: skip

    def settlement(self, name: str, **args: Any) -> None:
        self.emit("TradeSettlement", name, (BUYER, SELLER), **args)

    def desk(self) -> MarketDesk:
        desk = MarketDesk()
        desk.add_all(self.events, len(self.events))
        return desk


def order(buyer: str = BUYER, destinations: tuple[bytes, ...] = ()) -> dict[str, Any]:
    return {
        "buyer": buyer, "version": 1, "quantity": 1, "seller": SELLER, "listingFeeBps": 250,
        "buyerExchangeFeeBps": 150, "inspectionPeriod": 86_400, "disputeWindow": 86_400,
        "productId": 7, "buyerExchange": encode_exchange_code(B),
        "sellerExchange": encode_exchange_code(A), "unitPrice": PRICE, "currency": b"CNY",
        "contractType": 0, "deliveryDeadline": 0, "createdAt": 0, "contractHash": b"\x01" * 32,
        "billedUnits": 0, "statementCount": 0, "metered": False, "needsExportBasis": False,
        "status": CREATED, "cancelConsents": 0, "frozen": False, "grantRevoked": False,
        "grantId": 0, "frozenAt": 0, "frozenFor": 0,
        "grant": {
            "right": 2, "onwardTransfer": False, "validFrom": 0, "validUntil": 2**40,
            "maxUses": 3, "purposeCode": b"\x00" * 32, "purposeHash": b"\x00" * 32,
            "destinations": list(destinations),
        },
    }  # fmt: skip


def paid_order(chain: Chain, order_id: int, **changes: Any) -> None:
    chain.settlement("OrderCreated", orderId=order_id, order=order(**changes))
    chain.settlement("OrderAccepted", orderId=order_id, billAmount=PRICE, acceptedAt=0)
    chain.settlement(
        "BillPaid", orderId=order_id, billNo=0, status=PAID, paymentEvidence=b"\x02" * 32,
        operator=OPERATOR, paidAt=1,
    )  # fmt: skip


def registered(chain: Chain, account: str, jurisdiction: bytes) -> None:
    chain.emit(
        "ParticipantRegistry", "ParticipantRegistered", (account,), account=account,
        homeExchange=encode_exchange_code(B), roles=2, jurisdiction=jurisdiction,
        creditCodeHash=account.encode(),
    )  # fmt: skip


def raised(chain: Chain, order_id: int) -> None:
    chain.settlement(
        "DisputeRaised", orderId=order_id, billNo=0, party=BUYER, reasonHash=b"\x03" * 32,
        raisedAt=5,
    )  # fmt: skip


def resolved(chain: Chain, order_id: int, resolution: int, outcome: int, refund: int) -> None:
    chain.settlement(
        "DisputeResolved", orderId=order_id, billNo=0, resolution=resolution, outcome=outcome,
        refund=refund, documentHash=b"\x04" * 32,
        status=REFUNDED if outcome == REFUND else SETTLED, by=REGULATOR,
    )  # fmt: skip


def proposed(chain: Chain, order_id: int, round_number: int, outcome: int) -> None:
    chain.settlement(
        "MediationProposed", orderId=order_id, billNo=0, outcome=outcome, refund=0,
        documentHash=bytes([round_number]) * 32, round=round_number,
        proposalHash=bytes([16 + round_number]) * 32, operator=OPERATOR,
    )  # fmt: skip


def accepted(chain: Chain, order_id: int, party: str, round_number: int) -> None:
    chain.settlement(
        "MediationAccepted", orderId=order_id, billNo=0, party=party,
        proposalHash=bytes([16 + round_number]) * 32,
    )  # fmt: skip


def test_a_dispute_keeps_its_raising_every_mediation_round_and_the_mediated_resolution() -> None:
    chain = Chain()
    paid_order(chain, 1)
    raised(chain, 1)
    proposed(chain, 1, 1, PARTIAL)
    accepted(chain, 1, BUYER, 1)
    proposed(chain, 1, 2, RELEASE)
    accepted(chain, 1, SELLER, 2)
    accepted(chain, 1, BUYER, 2)
    resolved(chain, 1, MEDIATION, RELEASE, 0)
    desk = chain.desk()
    [dispute] = desk.disputes.values()
    assert (dispute.order_id, dispute.bill_no, dispute.raised_by, dispute.raised_in_block) == (
        1, 0, BUYER, 4,
    )  # fmt: skip
    assert [(m["round"], m["outcome"], m["acceptedBy"]) for m in dispute.mediation] == [
        (1, PARTIAL, [BUYER]),
        (2, RELEASE, [SELLER, BUYER]),
    ]
    assert dispute.resolution == {
        "resolution": MEDIATION, "outcome": RELEASE, "refund": 0, "documentHash": b"\x04" * 32,
        "billStatus": SETTLED, "by": REGULATOR, "block": 10, "transactionHash": bytes([10]) * 32,
    }  # fmt: skip


def test_a_non_delivery_refund_resolves_no_dispute() -> None:
    chain = Chain()
    paid_order(chain, 1)
    resolved(chain, 1, NON_DELIVERY, REFUND, PRICE)
    desk = chain.desk()
    assert desk.disputes == {}
    assert desk.settlement.bills[(1, 0)]["status"] == REFUNDED


def test_disputes_are_listed_in_the_order_raised_and_filtered_by_state_and_award() -> None:
    chain = Chain()
    for order_id in (1, 2, 3):
        paid_order(chain, order_id)
    raised(chain, 3)
    raised(chain, 1)
    raised(chain, 2)
    resolved(chain, 1, ARBITRAL_AWARD, PARTIAL, 400_000)
    desk = chain.desk()

    def orders(query: DisputeQuery) -> list[int]:
        found, _ = desk.dispute_page(query, None, 10)
        return [dispute.order_id for _, dispute in found]

    assert orders(DisputeQuery()) == [3, 1, 2]
    assert orders(DisputeQuery(open=True)) == [3, 2]
    assert orders(DisputeQuery(open=False, resolution=ARBITRAL_AWARD)) == [1]
    assert orders(DisputeQuery(resolution=MEDIATION)) == []
    assert orders(DisputeQuery(order=2)) == [2]


def test_an_order_is_cross_border_for_a_buyer_abroad_or_destinations_abroad() -> None:
    chain = Chain()
    registered(chain, BUYER, b"CN")
    registered(chain, FOREIGN, b"HK")
    chain.settlement("OrderCreated", orderId=1, order=order())
    chain.settlement("OrderCreated", orderId=2, order=order(FOREIGN))
    chain.settlement("OrderCreated", orderId=3, order=order(destinations=(b"SG",)))
    desk = chain.desk()
    assert [(f.buyer_jurisdiction, f.cross_border) for f in desk.orders.values()] == [
        ("CN", False),
        ("HK", True),
        ("CN", True),
    ]


def test_orders_are_filtered_by_status_frozen_dispute_and_exchange() -> None:
    chain = Chain()
    paid_order(chain, 1)
    chain.settlement("OrderCreated", orderId=2, order=order())
    paid_order(chain, 3)
    chain.settlement(
        "FreezeChanged", orderId=3, frozen=True, regulator=REGULATOR, reasonHash=b"\x05" * 32,
        frozenAt=9, frozenFor=0, deadline=0,
    )  # fmt: skip
    raised(chain, 1)
    desk = chain.desk()

    def ids(query: OrderQuery) -> list[int]:
        found, _ = desk.order_page(query, None, 10)
        return [order_id for order_id, _ in found]

    assert ids(OrderQuery()) == [1, 2, 3]
    assert ids(OrderQuery(status=CREATED)) == [2]
    assert ids(OrderQuery(status=ACCEPTED, frozen=False)) == [1]
    assert ids(OrderQuery(frozen=True)) == [3]
    assert ids(OrderQuery(disputed=True)) == [1]
    assert ids(OrderQuery(exchange=A, party=BUYER)) == [1, 2, 3]
    assert ids(OrderQuery(exchange="BJIDE")) == []
    assert [desk.orders[i].bills for i in (1, 2, 3)] == [[0], [], [0]]


def test_grants_are_filtered_by_status_and_keep_their_revocation() -> None:
    chain = Chain()
    for grant_id in (1, 2):
        chain.emit(
            "AuthorizationRegistry", "GrantIssued", (BUYER, SELLER), grantId=grant_id,
            productId=7, grantee=BUYER, grantor=SELLER, orderId=grant_id,
            terms=order()["grant"],
        )  # fmt: skip
    chain.emit(
        "AuthorizationRegistry", "UseRecorded", grantId=1, count=2, uses=2,
        evidenceHash=b"\x06" * 32, recordedBy=OPERATOR,
    )  # fmt: skip
    chain.emit(
        "AuthorizationRegistry", "GrantRevoked", grantId=2, revokedBy=REGULATOR, reason=1,
        reasonHash=b"\x07" * 32,
    )  # fmt: skip
    desk = chain.desk()
    active, _ = desk.grant_page(GrantQuery(status=1), None, 10)
    revoked, _ = desk.grant_page(GrantQuery(status=2), None, 10)
    assert [(i, desk.registries.grants[i]["uses"]) for i, _ in active] == [(1, 2)]
    assert [(i, facts.revocation) for i, facts in revoked] == [
        (2, {"reason": 1, "by": REGULATOR, "reasonHash": b"\x07" * 32, "block": 4})
    ]


def test_a_page_continues_after_the_last_key_it_gave_and_ends_with_none() -> None:
    keys = [2, 3, 5, 8, 13]
    items = {key: key for key in keys}
    odd = lambda key, value: value % 2 == 1  # noqa: E731
    first, after = page(keys, items, None, 2, odd)
    second, end = page(keys, items, after, 2, odd)
    assert (first, after, second, end) == ([(3, 3), (5, 5)], 5, [(13, 13)], None)


def test_the_desk_figures_are_the_report_figures_of_the_same_events() -> None:
    chain = Chain()
    registered(chain, FOREIGN, b"HK")
    paid_order(chain, 1, buyer=FOREIGN)
    raised(chain, 1)
    resolved(chain, 1, ARBITRAL_AWARD, PARTIAL, 400_000)
    desk = chain.desk()
    assert desk.figures.figures() == market_figures(chain.events)
    assert (desk.events, desk.through) == (6, 6)
    assert desk.figures.figures()["cross_border_trades"]["by_buyer_jurisdiction"] == {"HK": 1}


def test_a_position_is_the_block_shifted_past_the_log_index() -> None:
    chain = Chain()
    raised(chain, 1)
    assert position_of(chain.events[0]) == 1 << 32
