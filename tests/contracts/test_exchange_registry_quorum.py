"""The approval quorum is ceil(2n/3) of the Active exchanges, and the genesis guards."""

from __future__ import annotations

import pytest

from client.artifacts import load_artifact
from tests.contracts.harness import ContractChain
from tests.contracts.registry_setup import (
    DAY,
    PARAMETERS,
    ZERO,
    Status,
    code,
    deploy_registry,
    exchange_spec,
    validator_address,
)

NEW_PARAMETERS = (100, 100, DAY, DAY, DAY)


@pytest.mark.parametrize(("n", "required"), [(1, 1), (2, 2), (3, 2), (4, 3), (24, 16)])
def test_a_proposal_executes_with_exactly_ceil_two_thirds_of_n(n: int, required: int) -> None:
    r = deploy_registry(ContractChain(), exchanges=n, validators=1)
    assert r.registry.functions.quorum().call() == required
    proposal_id = r.propose(
        r.registry.functions.proposeParameters(NEW_PARAMETERS), r.operators["EX0"]
    )
    r.approve(proposal_id, *[f"EX{i}" for i in range(required - 1)])
    call = r.registry.functions.execute(proposal_id)
    r.chain.expect_revert(call, r.root, "QuorumNotReached", proposal_id, required - 1, required)
    r.approve(proposal_id, f"EX{required - 1}")
    r.execute(proposal_id)
    assert r.registry.functions.parameters().call() == NEW_PARAMETERS


def test_the_last_active_exchange_cannot_be_suspended() -> None:
    r = deploy_registry(ContractChain(), exchanges=1, validators=1)
    call = r.registry.functions.proposeSuspendExchange(code("EX0"))
    r.chain.expect_revert(call, r.operators["EX0"], "LastActiveExchange", code("EX0"))


def test_the_only_validator_s_exchange_cannot_be_removed() -> None:
    r = deploy_registry(ContractChain(), exchanges=2, validators=1)
    call = r.registry.functions.proposeRemoveExchange(code("EX0"))
    r.chain.expect_revert(call, r.operators["EX1"], "NoValidatorsLeft", code("EX0"))


def test_the_only_validator_cannot_be_dropped() -> None:
    r = deploy_registry(ContractChain(), exchanges=2, validators=1)
    call = r.registry.functions.proposeNodes(code("EX0"), ZERO, [])
    r.chain.expect_revert(call, r.operators["EX1"], "NoValidatorsLeft", code("EX0"))


def _proxy_constructor(chain: ContractChain, *initialize_args: object) -> object:
    implementation = chain.deploy("ExchangeRegistry")
    data = implementation.functions.initialize(*initialize_args)._encode_transaction_data()
    artifact = load_artifact("UpgradeProxy")
    factory = chain.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    return factory.constructor(implementation.address, chain.accounts[0], data)


def _one_exchange(chain: ContractChain, validator: str) -> list[tuple]:  # type: ignore[type-arg]
    return [exchange_spec("EX0", [chain.account(10)], validator)]


def test_genesis_without_a_validator_is_rejected() -> None:
    chain = ContractChain()
    exchanges = _one_exchange(chain, ZERO)
    constructor = _proxy_constructor(chain, chain.accounts[1], [], PARAMETERS, 1, 1, exchanges, [])
    chain.expect_revert(constructor, chain.accounts[0], "NoValidatorsLeft", bytes(32))


def test_genesis_without_a_regulator_root_is_rejected() -> None:
    chain = ContractChain()
    exchanges = _one_exchange(chain, validator_address(0))
    constructor = _proxy_constructor(chain, ZERO, [], PARAMETERS, 1, 1, exchanges, [])
    chain.expect_revert(constructor, chain.accounts[0], "ZeroAddress")


def test_genesis_with_a_zero_upgrade_delay_is_rejected() -> None:
    chain = ContractChain()
    exchanges = _one_exchange(chain, validator_address(0))
    constructor = _proxy_constructor(chain, chain.accounts[1], [], PARAMETERS, 1, 0, exchanges, [])
    chain.expect_revert(constructor, chain.accounts[0], "ZeroDuration")


TEN_YEARS = 10 * 365 * DAY


def test_genesis_with_a_proposal_lifetime_over_ten_years_is_rejected() -> None:
    chain = ContractChain()
    exchanges = _one_exchange(chain, validator_address(0))
    lifetime = TEN_YEARS + 1
    constructor = _proxy_constructor(
        chain, chain.accounts[1], [], PARAMETERS, lifetime, 1, exchanges, []
    )
    chain.expect_revert(constructor, chain.accounts[0], "DurationTooLong", lifetime, TEN_YEARS)


def test_genesis_with_an_upgrade_delay_near_the_uint64_limit_is_rejected() -> None:
    chain = ContractChain()
    exchanges = _one_exchange(chain, validator_address(0))
    delay = 2**64 - 1
    constructor = _proxy_constructor(
        chain, chain.accounts[1], [], PARAMETERS, 1, delay, exchanges, []
    )
    chain.expect_revert(constructor, chain.accounts[0], "DurationTooLong", delay, TEN_YEARS)


def test_genesis_with_a_zero_system_proxy_is_rejected() -> None:
    chain = ContractChain()
    exchanges = _one_exchange(chain, validator_address(0))
    constructor = _proxy_constructor(
        chain, chain.accounts[1], [], PARAMETERS, 1, 1, exchanges, [ZERO]
    )
    chain.expect_revert(constructor, chain.accounts[0], "ZeroAddress")


def test_governance_times_of_ten_years_schedule_an_upgrade_without_overflow() -> None:
    """The longest lifetime and delay still add up within uint64 at schedule and expiry."""
    chain = ContractChain()
    exchanges = _one_exchange(chain, validator_address(0))
    constructor = _proxy_constructor(
        chain, chain.accounts[1], [chain.account(2)], PARAMETERS, TEN_YEARS, TEN_YEARS,
        exchanges, [],
    )  # fmt: skip
    receipt = chain.transact(constructor, chain.accounts[0])
    registry = chain.at("ExchangeRegistry", receipt["contractAddress"])
    replacement = chain.deploy("ExchangeRegistry")
    operator = chain.account(10)
    propose = registry.functions.proposeUpgrade(registry.address, replacement.address)
    chain.transact(propose, operator)
    chain.transact(registry.functions.approve(1), operator)
    chain.transact(registry.functions.approveUpgrade(1), chain.account(2))
    receipt = chain.transact(registry.functions.scheduleUpgrade(1), operator)
    (scheduled,) = chain.events(receipt, registry, "UpgradeScheduled")
    assert scheduled["executableAt"] == chain.timestamp + TEN_YEARS


def test_genesis_with_fee_caps_above_the_whole_is_rejected() -> None:
    chain = ContractChain()
    exchanges = _one_exchange(chain, validator_address(0))
    parameters = (10_000, 1, DAY, DAY, DAY)
    constructor = _proxy_constructor(chain, chain.accounts[1], [], parameters, 1, 1, exchanges, [])
    chain.expect_revert(constructor, chain.accounts[0], "FeeCapsExceedWhole", 10_000, 1)


def test_genesis_emits_the_events_that_rebuild_its_state() -> None:
    chain = ContractChain()
    others = [chain.account(20), chain.account(21)]
    r = deploy_registry(chain, exchanges=2, validators=1, other_proxies=others)
    block = chain.w3.eth.get_block("latest")
    receipt = chain.w3.eth.get_transaction_receipt(block["transactions"][0])
    assert chain.events(receipt, r.registry, "RegulatorRootSet") == [{"regulatorRoot": r.root}]
    assert chain.events(receipt, r.registry, "RegulatorAdded") == [
        {"regulator": a} for a in r.regulators
    ]
    assert chain.events(receipt, r.registry, "GovernanceTimesSet") == [
        {"proposalLifetime": 7 * DAY, "upgradeDelay": 2 * DAY}
    ]
    added = chain.events(receipt, r.registry, "ExchangeAdded")
    assert [(e["code"], e["validator"], e["proposalId"]) for e in added] == [
        (code("EX0"), validator_address(0), 0),
        (code("EX1"), ZERO, 0),
    ]
    assert chain.events(receipt, r.registry, "ValidatorsChanged") == [
        {"validators": [validator_address(0)]}
    ]
    assert r.registry.functions.exchangeStatus(code("EX1")).call() == Status.ACTIVE
    assert chain.events(receipt, r.registry, "SystemProxiesSet") == [{"proxies": others}]
