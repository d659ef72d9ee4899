"""Gas per market operation, with a plain storage write and event as the yardstick.

Every figure comes from one run on an in-process py-evm chain (eth-tester) whose genesis holds
the seven real system contracts behind their UpgradeProxies, predeployed exactly as
``dcl genesis new`` predeploys them (``genesis.predeploy``). Each operation is measured on a
record in the state it needs (e.g. `confirm` on a delivered order), from the receipt's gasUsed,
which includes the 21,000 intrinsic gas and calldata. The peer figure is `Recorder.record` (one
storage write, one event) measured in the same run. Settlement (`confirm`, `finalize`) must
stay under 200,000.

Usage: ``.venv/bin/python benchmarks/gas.py``
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from client.demand_offers import offer_commitment
from client.mediation import proposal_hash
from tests.contracts.demand_pool import DemandPool, add_demand_pool
from tests.contracts.market import (
    DELIVERY_DEADLINE,
    DISPUTE_WINDOW,
    EXCHANGE_A,
    INSPECTION_PERIOD,
    PER_CALL_PRODUCT,
    Market,
    Outcome,
    Resolution,
    deploy_market,
    h,
)

SETTLE_BUDGET = 200_000


def measured(
    market: Market, prepare: Callable[[], int], step: Callable[[int], tuple[object, str]]
) -> int:
    """Gas of `step` on an order prepared by `prepare`, starting from a fresh snapshot."""
    snapshot = market.chain.snapshot()
    try:
        order_id = prepare()
        call, sender = step(order_id)
        return int(market.chain.transact(call, sender)["gasUsed"])
    finally:
        market.chain.revert_to(snapshot)


def operations(market: Market) -> list[tuple[str, int]]:
    s = market.settlement.functions

    def metered() -> int:
        return market.accepted(PER_CALL_PRODUCT, quantity=1_000)

    def statement_paid() -> int:
        order_id = metered()
        market.statement(order_id, 100)
        market.chain.transact(s.pay(order_id, 1, h("payment")), market.operator_b)
        return order_id

    def settled_after_window() -> int:
        order_id = market.settled()
        market.chain.advance(DISPUTE_WINDOW)
        return order_id

    def delivered_after_inspection() -> int:
        order_id = market.delivered()
        market.chain.advance(INSPECTION_PERIOD)
        return order_id

    def paid_after_deadline() -> int:
        order_id = market.paid()
        market.chain.advance(DELIVERY_DEADLINE + 1)
        return order_id

    def proposed() -> int:
        order_id = market.disputed()
        market.chain.transact(
            s.proposeMediation(order_id, 0, Outcome.PARTIAL, 10_000, h("proposal")),
            market.operator_a,
        )
        proposal = proposal_hash(order_id, 0, Outcome.PARTIAL, 10_000, h("proposal"), 1)
        market.chain.transact(s.acceptMediation(order_id, 0, proposal), market.seller)
        return order_id

    def created() -> int:
        return market.create()

    def nothing() -> int:
        return 0

    def use_granted() -> int:
        order_id = metered()
        return int(market.order(order_id)["grantId"])

    fresh = market.chain.account(30)
    registry_rows = [
        (
            "ParticipantRegistry.register",
            measured(
                market,
                nothing,
                lambda _: (
                    market.participants.functions.register(fresh, 2, b"CN", h("credit")),
                    market.operator_b,
                ),
            ),
        ),
        (
            "DataProductRegistry.submit",
            measured(
                market,
                nothing,
                lambda _: (
                    market.products.functions.submit(EXCHANGE_A, market.terms()),
                    market.seller,
                ),
            ),
        ),
        (
            "AuthorizationRegistry.recordUse",
            measured(
                market,
                use_granted,
                lambda g: (
                    market.authorizations.functions.recordUse(g, 1, h("use")),
                    market.operator_a,
                ),
            ),
        ),
    ]

    return [
        *registry_rows,
        (
            "createOrder (fixed price)",
            measured(market, nothing, lambda _: (s.createOrder(market.request()), market.buyer)),
        ),
        (
            "accept (fixed price: opens the bill)",
            measured(market, created, lambda o: (s.accept(o), market.seller)),
        ),
        (
            "accept (metered: issues the authorization)",
            measured(
                market,
                lambda: market.create(PER_CALL_PRODUCT, quantity=1_000),
                lambda o: (s.accept(o), market.seller),
            ),
        ),
        (
            "cancel (created order)",
            measured(market, created, lambda o: (s.cancel(o), market.buyer)),
        ),
        (
            "pay (fixed price: issues the authorization)",
            measured(
                market, market.accepted, lambda o: (s.pay(o, 0, h("payment")), market.operator_b)
            ),
        ),
        (
            "deliver",
            measured(market, market.paid, lambda o: (s.deliver(o, h("delivery")), market.seller)),
        ),
        (
            "confirm (settle by the buyer)",
            measured(market, market.delivered, lambda o: (s.confirm(o, 0), market.buyer)),
        ),
        (
            "finalize (settle after inspection)",
            measured(
                market, delivered_after_inspection, lambda o: (s.finalize(o, 0), market.stranger)
            ),
        ),
        (
            "finalizeClearing (clearing instruction)",
            measured(
                market, settled_after_window, lambda o: (s.finalizeClearing(o, 0), market.stranger)
            ),
        ),
        (
            "recordStatement (usage statement)",
            measured(
                market,
                metered,
                lambda o: (s.recordStatement(o, 100, 0, 1, h("usage")), market.operator_a),
            ),
        ),
        (
            "confirm (usage statement)",
            measured(market, statement_paid, lambda o: (s.confirm(o, 1), market.buyer)),
        ),
        (
            "raiseDispute",
            measured(
                market,
                market.delivered,
                lambda o: (s.raiseDispute(o, 0, h("defect")), market.buyer),
            ),
        ),
        (
            "proposeMediation",
            measured(
                market,
                market.disputed,
                lambda o: (
                    s.proposeMediation(o, 0, Outcome.PARTIAL, 10_000, h("proposal")),
                    market.operator_a,
                ),
            ),
        ),
        (
            "acceptMediation (second: resolves, partial refund)",
            measured(
                market,
                proposed,
                lambda o: (
                    s.acceptMediation(
                        o, 0, proposal_hash(o, 0, Outcome.PARTIAL, 10_000, h("proposal"), 1)
                    ),
                    market.buyer,
                ),
            ),
        ),
        (
            "recordAward (arbitral award, partial refund)",
            measured(
                market,
                market.disputed,
                lambda o: (
                    s.recordAward(
                        o, 0, Resolution.ARBITRAL_AWARD, Outcome.PARTIAL, 10_000, h("award")
                    ),
                    market.regulator,
                ),
            ),
        ),
        (
            "claimNonDelivery (full refund)",
            measured(market, paid_after_deadline, lambda o: (s.claimNonDelivery(o), market.buyer)),
        ),
        (
            "setFrozen",
            measured(
                market, market.paid, lambda o: (s.setFrozen(o, True, h("hold")), market.regulator)
            ),
        ),
    ]


def demand_operations(pool: DemandPool) -> list[tuple[str, int]]:
    """Gas per DemandBoard operation; `award` with two offers, so it closes one."""
    market, board = pool.market, pool.board.functions
    seller, supplier_c = market.seller, pool.supplier_c

    def posted() -> int:
        return pool.post()

    def sealed() -> int:
        demand_id = pool.post()
        pool.offer(demand_id, supplier_c, pool.proposal_terms())
        pool.past_deadline()
        return 1

    def sealed_listed() -> int:
        demand_id = pool.post()
        pool.offer(demand_id, seller, pool.listed_terms())
        pool.past_deadline()
        return 1

    def revealed() -> int:
        return pool.two_revealed_offers()[1]

    def reveal(terms: dict[str, object], supplier: str) -> Callable[[int], tuple[object, str]]:
        return lambda o: (pool.reveal_call(o, supplier, terms), supplier)

    commitment = offer_commitment(1, supplier_c, pool.proposal_terms(), pool.salt(supplier_c))
    return [
        (
            "DemandBoard.post",
            measured(market, lambda: 0, lambda _: (board.post(pool.demand_terms()), market.buyer)),
        ),
        (
            "DemandBoard.offer (sealed)",
            measured(market, posted, lambda d: (board.offer(d, commitment), supplier_c)),
        ),
        (
            "DemandBoard.reveal (listed product)",
            measured(market, sealed_listed, reveal(pool.listed_terms(), seller)),
        ),
        (
            "DemandBoard.reveal (product to be made)",
            measured(market, sealed, reveal(pool.proposal_terms(), supplier_c)),
        ),
        (
            "DemandBoard.shortlist",
            measured(market, revealed, lambda o: (board.shortlist(o), market.buyer)),
        ),
        (
            "DemandBoard.award (creates the order, closes 1 offer)",
            measured(
                market, revealed, lambda o: (board.award(o, pool.award_terms()), market.buyer)
            ),
        ),
        (
            "DemandBoard.withdraw (closes 2 offers)",
            measured(
                market,
                lambda: pool.two_revealed_offers()[0],
                lambda d: (board.withdraw(d), market.buyer),
            ),
        ),
        (
            "DemandBoard.takeDown (open, closes 2 offers)",
            measured(
                market,
                lambda: pool.two_revealed_offers()[0],
                lambda d: (board.takeDown(d, h("reason")), market.regulator),
            ),
        ),
    ]


def main() -> None:
    market = deploy_market()
    chain = market.chain
    recorder = chain.deploy("Recorder")
    peer = int(chain.transact(recorder.functions.record(h("key"), 1), chain.accounts[0])["gasUsed"])
    rows = operations(market) + demand_operations(add_demand_pool(market))
    width = max(len(name) for name, _ in rows)
    print(f"{'operation':<{width}}  gas")
    for name, gas in rows:
        print(f"{name:<{width}}  {gas:>9,}")
    print(f"{'peer: Recorder.record (1 storage write, 1 event)':<{width}}  {peer:>9,}")
    settle = max(gas for name, gas in rows if name.startswith(("confirm", "finalize (")))
    verdict = "under" if settle < SETTLE_BUDGET else "OVER"
    print(f"settle: {settle:,} gas, {verdict} the {SETTLE_BUDGET:,} budget")
    if settle >= SETTLE_BUDGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
