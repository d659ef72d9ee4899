"""The ExchangeRegistry's whole state, rebuilt from its events alone by
``client.registry_events``, equals what its views return after a history touching every
kind of change."""

from __future__ import annotations

from typing import Any

from web3.contract import Contract

from client.contracts import ExchangeRegistry, ExchangeStatus, Parameters
from client.registry_events import rebuild
from tests.contracts.harness import ContractChain
from tests.contracts.registry_setup import (
    DAY,
    PROPOSAL_LIFETIME,
    UPGRADE_DELAY,
    Registry,
    code,
    deploy_registry_and_recorder,
    exchange_spec,
    validator_address,
)


def registry_events(r: Registry) -> list[tuple[str, dict[str, Any]]]:
    """Every event of the registry from block 0, in chain order, decoded by its topic. The
    proxy's own EIP-1967 events share the address and are left out."""
    by_topic = {}
    for entry in r.registry.abi:
        if entry["type"] == "event":
            event = getattr(r.registry.events, entry["name"])()
            by_topic[bytes.fromhex(event.topic.removeprefix("0x"))] = event
    logs = r.chain.w3.eth.get_logs({"address": r.registry.address, "fromBlock": 0})
    decoded = [
        by_topic[bytes(log["topics"][0])].process_log(log)
        for log in logs
        if bytes(log["topics"][0]) in by_topic
    ]
    return [(log["event"], dict(log["args"])) for log in decoded]


def make_history(r: Registry, proxy: Contract) -> set[str]:
    """Every kind of change; returns every account that was ever a regulator."""
    f = r.registry.functions
    chain = r.chain
    newcomer = chain.account(5)
    chain.transact(f.addRegulator(newcomer), r.root)
    chain.transact(f.removeRegulator(r.regulators[1]), r.root)
    spec = exchange_spec("EX9", [chain.account(40)], validator_address(9), [chain.account(41)])
    r.pass_proposal(f.proposeAddExchange(spec), "EX0", "EX1", "EX2")
    r.operators["EX9"] = chain.account(40)
    r.pass_proposal(f.proposeSuspendExchange(code("EX3")), "EX0", "EX1", "EX2", "EX9")
    r.pass_proposal(f.proposeReinstateExchange(code("EX3")), "EX0", "EX1", "EX9")
    r.pass_proposal(
        f.proposeOperators(code("EX1"), [chain.account(42)]), "EX0", "EX2", "EX3", "EX9"
    )
    r.operators["EX1"] = chain.account(42)
    nodes = f.proposeNodes(code("EX0"), validator_address(7), [chain.account(43)])
    r.pass_proposal(nodes, "EX0", "EX2", "EX3", "EX9")
    r.pass_proposal(
        f.proposeParameters((120, 80, DAY, 2 * DAY, 3 * DAY)), "EX0", "EX1", "EX2", "EX3"
    )
    r.pass_proposal(f.proposeRemoveExchange(code("EX2")), "EX0", "EX1", "EX3", "EX9")
    lapsed = r.propose(f.proposeSuspendExchange(code("EX9")), r.operators["EX0"])
    r.approve(lapsed, "EX0")
    r.advance(PROPOSAL_LIFETIME + 1)
    chain.transact(f.expire(lapsed), r.root)
    for ending in ("executed", "scheduled", "cancelled"):
        upgrade = r.propose(
            f.proposeUpgrade(proxy.address, chain.deploy("Recorder").address), r.operators["EX3"]
        )
        r.approve(upgrade, "EX0", "EX1", "EX3")
        chain.transact(f.approveUpgrade(upgrade), newcomer)
        chain.transact(f.scheduleUpgrade(upgrade), r.root)
        if ending == "executed":
            r.advance(UPGRADE_DELAY)
            r.execute(upgrade)
        elif ending == "cancelled":
            chain.transact(f.cancelUpgrade(upgrade, b"\x01" * 32), newcomer)
    pending = r.propose(f.proposeParameters((1, 1, 1, 1, 1)), r.operators["EX9"])
    r.approve(pending, "EX9", "EX1")
    return {*r.regulators, newcomer}


def test_the_state_rebuilt_from_events_equals_the_contract_state() -> None:
    r, proxy = deploy_registry_and_recorder(ContractChain(), exchanges=4, validators=3)
    ever_regulators = make_history(r, proxy)
    state = rebuild(registry_events(r))
    views = ExchangeRegistry(r.chain.w3, r.registry.address)
    f = r.registry.functions

    assert list(state.exchanges) == views.exchange_codes()
    assert [state.exchanges[c] for c in state.exchanges] == [
        views.exchange(c) for c in views.exchange_codes()
    ]
    assert state.validators == views.validators()
    derived = sorted(
        (e.validator for e in state.exchanges.values()
         if e.status == ExchangeStatus.ACTIVE and e.validator is not None),
        key=lambda a: int(a, 16),
    )  # fmt: skip
    assert derived == state.validators
    assert state.parameters == views.parameters() == Parameters(120, 80, DAY, 2 * DAY, 3 * DAY)
    assert state.regulator_root == f.regulatorRoot().call()
    assert {a for a in ever_regulators if f.isRegulator(a).call()} == state.regulators
    assert (state.proposal_lifetime, state.upgrade_delay) == (
        f.proposalLifetime().call(),
        f.upgradeDelay().call(),
    )
    assert len(state.proposals) == f.proposalCount().call() == 12
    assert [state.proposals[i] for i in sorted(state.proposals)] == [
        views.proposal(i) for i in range(1, 13)
    ]
    assert state.system_proxies == (proxy.address,)
    assert f.isSystemProxy(proxy.address).call() is True
    active = sum(e.status == ExchangeStatus.ACTIVE for e in state.exchanges.values())
    assert active == f.activeExchangeCount().call() == 4
