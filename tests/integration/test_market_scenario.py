"""The issue's acceptance scenario on a real node (`dcl run` from the 24-exchange sample
consortium, one validator), with real signed transactions from the consortium's DEV ONLY
accounts: a listing at exchange A recognised everywhere but at C, a trade through B settled and
its grant used up, a second trade settled by an arbitral award, a cross-border purchase of
important data that waits for an export basis; and the whole market rebuilt from events alone
equals the state the contracts hold."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3.types import TxReceipt

from client import connect
from client.contracts import ExchangeRegistry, encode_exchange_code
from client.market_rebuild import MarketState, decode_logs, rebuild
from genesis.consortium import load_consortium
from genesis.dev_keys import dev_validator_key
from genesis.generator import consortium_genesis_logs
from node.chain.seals import address_of
from tests.contracts.harness import Reverted
from tests.support.market_node import (
    MarketNode,
    consortium_file,
    operator,
    participant,
    regulator,
)
from tests.support.node_process import make_consortium_network, running_node

A, B, C = "SHDE", "SZDE", "BJIDE"
CODE_A, CODE_B, CODE_C = (encode_exchange_code(code) for code in (A, B, C))
SUPPLIER, BUYER, EVALUATOR = 1 << 0, 1 << 1, 1 << 3
PROCESSING_USE, OPERATION = 1 << 1, 1 << 2
IMPORTANT = 1
ARBITRAL_AWARD, PARTIAL = 1, 2
SECURITY_ASSESSMENT = 1
SETTLED = 4
BY_REFUND = 2
PRICE = 1_250_000
REFUND = 400_000
MAX_USES = 3
YEAR = 365 * 86_400


def h(label: str) -> bytes:
    return keccak(text=label)


@dataclass
class Story:
    """What the scenario did, for the tests to check."""

    market: MarketNode
    genesis_logs: list[dict[str, Any]]
    product: int = 0
    important: int = 0
    first_order: int = 0
    second_order: int = 0
    cross_border_order: int = 0
    grant: int = 0
    receipts: dict[str, TxReceipt] = field(default_factory=dict)
    refusals: dict[str, tuple[Reverted, int]] = field(default_factory=dict)
    """Attempts the contracts refused: the decoded error and the mined transaction's status."""


def listing_terms(seller: LocalAccount, **changes: Any) -> dict[str, Any]:
    terms: dict[str, Any] = {
        "title": "Port container throughput, daily",
        "category": h("logistics.port"),
        "productType": 0,
        "classification": 0,
        "personalInformation": False,
        "source": 1,
        "rights": PROCESSING_USE | OPERATION,
        "priceModel": 0,
        "unitPrice": PRICE,
        "currency": b"CNY",
        "complianceReportHash": h("compliance report"),
        "metadataHash": h("metadata"),
        "metadataUri": "https://catalogue.example/products/port-throughput",
        "exportAllowed": True,
        "deliveryAccount": seller.address,
    }
    terms.update(changes)
    return terms


def order_request(m: MarketNode, product_id: int, **changes: Any) -> dict[str, Any]:
    now = m.now
    request: dict[str, Any] = {
        "productId": product_id,
        "version": 1,
        "buyerExchange": CODE_B,
        "quantity": 1,
        "unitPrice": PRICE,
        "currency": b"CNY",
        "contractType": 0,
        "contractHash": h("signed data provision contract"),
        "listingFeeBps": 250,
        "buyerExchangeFeeBps": 150,
        "grant": {
            "right": PROCESSING_USE,
            "purposeCode": b"CREDIT-RISK".ljust(32, b"\0"),
            "purposeHash": h("purpose"),
            "validFrom": now - 60,
            "validUntil": now + YEAR,
            "maxUses": MAX_USES,
            "destinations": [],
            "onwardTransfer": False,
        },
    }
    request.update(changes)
    return request


def list_product(
    m: MarketNode, seller: LocalAccount, evaluator: LocalAccount, **changes: Any
) -> tuple[int, TxReceipt]:
    """Submitted by `seller` at exchange A, attested by `evaluator`, approved by A."""
    products = m.contract("DataProductRegistry").functions
    terms = listing_terms(seller, **changes)
    m.send(products.submit(CODE_A, terms), seller)
    product_id = int(products.productCount().call())
    m.send(products.attestCompliance(product_id, 1, terms["complianceReportHash"]), evaluator)
    return product_id, m.send(products.approve(product_id, 1), operator(A))


def create_order(m: MarketNode, buyer: LocalAccount, request: dict[str, Any]) -> int:
    settlement = m.contract("TradeSettlement").functions
    m.send(settlement.createOrder(request), buyer)
    return int(settlement.orderCount().call())


def delivered_order(
    m: MarketNode, buyer: LocalAccount, seller: LocalAccount, product_id: int, label: str
) -> int:
    """Ordered through B, accepted, paid (evidence by B), delivered."""
    s = m.contract("TradeSettlement").functions
    order_id = create_order(m, buyer, order_request(m, product_id))
    m.send(s.accept(order_id), seller)
    m.send(s.pay(order_id, 0, h(f"payment {label}")), operator(B))
    m.send(s.deliver(order_id, h(f"delivery {label}")), seller)
    return order_id


def run_story(m: MarketNode, story: Story) -> None:
    s = m.contract("TradeSettlement").functions
    participants = m.contract("ParticipantRegistry").functions
    products = m.contract("DataProductRegistry").functions
    grants = m.contract("AuthorizationRegistry").functions
    seller, evaluator, buyer, foreign = (participant(i) for i in range(1, 5))

    m.send(s.setFeeSchedule(250, 100), operator(A))
    m.send(s.setFeeSchedule(200, 150), operator(B))
    for account, roles, jurisdiction, home in (
        (seller, SUPPLIER, b"CN", A),
        (evaluator, EVALUATOR, b"CN", A),
        (buyer, BUYER, b"CN", B),
        (foreign, BUYER, b"HK", B),
    ):
        credit = h(f"consortium-key|{account.address}")
        m.send(participants.register(account.address, roles, jurisdiction, credit), operator(home))

    story.product, story.receipts["approved"] = list_product(m, seller, evaluator)
    story.receipts["non-recognition"] = m.send(
        products.recordNonRecognition(story.product, h("LOCAL-RULES"), h("reason memo")),
        operator(C),
    )
    through_c = order_request(m, story.product, buyerExchange=CODE_C, buyerExchangeFeeBps=0)
    story.refusals["through C"] = m.attempt(s.createOrder(through_c), buyer)

    story.first_order = delivered_order(m, buyer, seller, story.product, "first")
    story.receipts["settled"] = m.send(s.confirm(story.first_order, 0), buyer)
    story.grant = int(m.named("TradeSettlement", "order", story.first_order)["grantId"])
    m.send(grants.recordUse(story.grant, 2, h("use batch 1")), operator(A))
    story.receipts["last use"] = m.send(grants.recordUse(story.grant, 1, h("use 2")), operator(A))
    story.refusals["use beyond"] = m.attempt(
        grants.recordUse(story.grant, 1, h("use 3")), operator(A)
    )

    story.second_order = delivered_order(m, buyer, seller, story.product, "second")
    m.send(s.raiseDispute(story.second_order, 0, h("delivery incomplete")), buyer)
    story.receipts["award"] = m.send(
        s.recordAward(story.second_order, 0, ARBITRAL_AWARD, PARTIAL, REFUND, h("award")),
        regulator(),
    )

    story.important, _ = list_product(m, seller, evaluator, classification=IMPORTANT)
    abroad = order_request(m, story.important)
    story.refusals["no export basis"] = m.attempt(s.createOrder(abroad), foreign)
    now = m.now
    story.receipts["basis"] = m.send(
        m.contract("ExportBasisRegistry").functions.registerExportBasis(
            story.important,
            foreign.address,
            SECURITY_ASSESSMENT,
            h("CAC-2026-0042"),
            now,
            now + YEAR,
        ),
        regulator(),
    )
    story.cross_border_order = create_order(m, foreign, order_request(m, story.important))


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    root = tmp_path_factory.mktemp("market")
    consortium = consortium_file(root)
    datadir = make_consortium_network(root, consortium)
    validators = [address_of(dev_validator_key(1))]
    genesis_logs = consortium_genesis_logs(load_consortium(consortium), validators)
    with running_node(datadir, "--no-empty-blocks") as node:
        market = MarketNode(connect(node.rpc_url))
        told = Story(market, [log.as_log(i) for i, log in enumerate(genesis_logs)])
        run_story(market, told)
        yield told


def test_a_participant_of_exchange_a_lists_a_product_approved_by_a(story: Story) -> None:
    approved = story.market.events(
        story.receipts["approved"], "DataProductRegistry", "ProductApproved"
    )
    assert approved == [
        {
            "productId": story.product,
            "version": 1,
            "listingExchange": CODE_A,
            "approvedBy": operator(A).address,
        }
    ]


def test_exchange_c_records_a_reasoned_non_recognition(story: Story) -> None:
    m = story.market
    recorded = m.events(
        story.receipts["non-recognition"], "DataProductRegistry", "NonRecognitionRecorded"
    )
    assert recorded == [
        {
            "productId": story.product,
            "exchange": CODE_C,
            "recordedBy": operator(C).address,
            "reasonCode": h("LOCAL-RULES"),
            "reasonHash": h("reason memo"),
        }
    ]
    recognised = m.contract("DataProductRegistry").functions.isRecognisedBy
    assert [recognised(story.product, code).call() for code in (CODE_A, CODE_B, CODE_C)] == [
        True,
        True,
        False,
    ]
    assert story.refusals["through C"] == (
        Reverted("NotRecognised", (story.product, CODE_C)),
        0,
    )


def test_the_trade_through_b_settles_with_the_fees_split(story: Story) -> None:
    [settled] = story.market.events(story.receipts["settled"], "TradeSettlement", "TradeSettled")
    certificate = settled["certificate"]
    assert (settled["orderId"], settled["billNo"]) == (story.first_order, 0)
    assert (certificate["sellerExchange"], certificate["buyerExchange"]) == (CODE_A, CODE_B)
    assert dict(certificate["legs"]) == {
        "buyerRefund": 0,
        "listingFee": 31_250,
        "buyerExchangeFee": 18_750,
        "supplier": 1_200_000,
    }
    assert story.market.named("TradeSettlement", "bill", story.first_order, 0)["status"] == SETTLED


def test_the_delivering_exchange_records_uses_until_the_grant_is_exhausted(story: Story) -> None:
    [last] = story.market.events(story.receipts["last use"], "AuthorizationRegistry", "UseRecorded")
    assert last == {
        "grantId": story.grant,
        "count": 1,
        "uses": MAX_USES,
        "evidenceHash": h("use 2"),
        "recordedBy": operator(A).address,
    }
    assert story.refusals["use beyond"] == (
        Reverted("UsesExhausted", (story.grant, MAX_USES, 1, MAX_USES)),
        0,
    )


def test_an_arbitral_award_refunds_part_and_revokes_the_grant(story: Story) -> None:
    m, receipt = story.market, story.receipts["award"]
    [resolved] = m.events(receipt, "TradeSettlement", "DisputeResolved")
    assert (resolved["resolution"], resolved["outcome"], resolved["refund"]) == (
        ARBITRAL_AWARD,
        PARTIAL,
        REFUND,
    )
    [clearing] = m.events(receipt, "TradeSettlement", "ClearingInstruction")
    assert dict(clearing["certificate"]["legs"]) == {
        "buyerRefund": REFUND,
        "listingFee": 21_250,
        "buyerExchangeFee": 12_750,
        "supplier": 816_000,
    }
    grant_id = m.named("TradeSettlement", "order", story.second_order)["grantId"]
    assert m.events(receipt, "AuthorizationRegistry", "GrantRevoked") == [
        {
            "grantId": grant_id,
            "revokedBy": m.contract("TradeSettlement").address,
            "reason": BY_REFUND,
            "reasonHash": bytes(32),
        }
    ]


def test_a_cross_border_purchase_of_important_data_waits_for_an_export_basis(
    story: Story,
) -> None:
    foreign = participant(4).address
    assert story.refusals["no export basis"] == (
        Reverted("ExportBasisRequired", (story.important, foreign)),
        0,
    )
    order = story.market.named("TradeSettlement", "order", story.cross_border_order)
    assert (order["productId"], order["buyer"]) == (story.important, foreign)


def test_the_market_rebuilt_from_events_alone_equals_the_contract_state(story: Story) -> None:
    m = story.market
    logs = list(story.genesis_logs) + list(
        m.w3.eth.get_logs(
            {
                "fromBlock": 0,
                "toBlock": "latest",
                "address": [m.contract(name).address for name in MARKET_NAMES],
            }
        )
    )
    state = rebuild(decode_logs(logs))
    assert_exchanges_equal(m, state)
    assert_registries_equal(m, state)
    assert_settlement_equal(m, state)


MARKET_NAMES = (
    "ExchangeRegistry",
    "ParticipantRegistry",
    "DataProductRegistry",
    "AuthorizationRegistry",
    "TradeSettlement",
    "ExportBasisRegistry",
)


def assert_exchanges_equal(m: MarketNode, state: MarketState) -> None:
    views = ExchangeRegistry(m.w3)
    codes = views.exchange_codes()
    assert len(codes) == 24
    assert list(state.exchanges.exchanges) == codes
    assert [state.exchanges.exchanges[c] for c in codes] == [views.exchange(c) for c in codes]
    assert state.exchanges.validators == views.validators()
    assert state.exchanges.parameters == views.parameters()
    registry = m.contract("ExchangeRegistry").functions
    assert state.exchanges.regulator_root == registry.regulatorRoot().call()
    assert all(registry.isRegulator(r).call() for r in state.exchanges.regulators)
    assert len(state.exchanges.regulators) == 2


def assert_registries_equal(m: MarketNode, state: MarketState) -> None:
    rebuilt = state.registries
    participants = m.contract("ParticipantRegistry").functions
    assert len(rebuilt.participants) == 4
    for account, record in rebuilt.participants.items():
        assert participants.participant(account).call() == tuple(record)
        assert (
            participants.isSuspendedByRegulator(account).call()
            is (rebuilt.suspended_by_regulator[account])
        )
    for credit, account in rebuilt.account_of_credit_code.items():
        assert participants.accountOfCreditCode(credit).call() == account
    products = m.contract("DataProductRegistry").functions
    assert products.productCount().call() == len(rebuilt.products) == 2
    for product_id, record in rebuilt.products.items():
        expected = {**record, "terms": tuple(record["terms"].values())}
        assert products.product(product_id).call() == tuple(expected.values())
        for code in ExchangeRegistry(m.w3).exchange_codes():
            declined = rebuilt.not_recognised.get((product_id, encode_exchange_code(code)), False)
            assert products.isRecognisedBy(product_id, encode_exchange_code(code)).call() is (
                not declined
            )
    grants = m.contract("AuthorizationRegistry").functions
    assert grants.grantCount().call() == len(rebuilt.grants) == 2
    for grant_id, record in rebuilt.grants.items():
        terms = tuple(record["terms"].values())
        assert grants.grant(grant_id).call() == (terms, *list(record.values())[1:])
    for order_id, grant_id in rebuilt.grant_of_order.items():
        assert grants.grantOfOrder(order_id).call() == grant_id


def assert_settlement_equal(m: MarketNode, state: MarketState) -> None:
    rebuilt = state.settlement
    settlement = m.contract("TradeSettlement").functions
    bases = m.contract("ExportBasisRegistry").functions
    assert sorted(rebuilt.orders) == list(range(1, settlement.orderCount().call() + 1))
    assert len(rebuilt.orders) == 3
    for order_id, order in rebuilt.orders.items():
        assert order == m.named("TradeSettlement", "order", order_id)
        if (order_id, 0) in rebuilt.bills:
            assert rebuilt.bills[(order_id, 0)] == m.named("TradeSettlement", "bill", order_id, 0)
    assert [(rebuilt.bills[(o, 0)]["status"], rebuilt.bills[(o, 0)]["refund"]) for o in (1, 2)] == [
        (SETTLED, 0),
        (SETTLED, REFUND),
    ]
    for code, schedule in rebuilt.fee_schedules.items():
        assert tuple(settlement.feeSchedule(code).call()) == schedule
    assert set(rebuilt.fee_schedules) == {CODE_A, CODE_B}
    assert len(rebuilt.export_bases) == 1
    for (product_id, recipient), basis in rebuilt.export_bases.items():
        assert tuple(bases.exportBasis(product_id, recipient).call()) == basis
