"""Upgrades: ceil(2n/3) exchanges and a regulator approve, the delay runs, then the registry
(admin of every system proxy, its own included) calls ``upgradeTo``; storage stays.

A Recorder behind an UpgradeProxy stands for "another system contract": any contract works,
since the proxy and the registry never look inside the implementation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from eth_utils import keccak
from web3.contract import Contract

from tests.contracts.harness import ContractChain
from tests.contracts.registry_setup import (
    PARAMETERS,
    PROPOSAL_LIFETIME,
    UPGRADE_DELAY,
    Kind,
    ProposalState,
    Registry,
    code,
    deploy_registry_and_recorder,
    validator_address,
)

IMPLEMENTATION_SLOT = int.from_bytes(keccak(text="eip1967.proxy.implementation")) - 1
KEY = b"\x07" * 32


@dataclass
class Setup:
    r: Registry
    recorder_proxy: Contract
    recorder: Contract
    new_implementation: Contract


@pytest.fixture(scope="module")
def deployed() -> Setup:
    r, proxy = deploy_registry_and_recorder(ContractChain(), exchanges=4, validators=3)
    recorder = r.chain.at("Recorder", proxy.address)
    r.chain.transact(recorder.functions.record(KEY, 42), r.chain.accounts[5])
    return Setup(r, proxy, recorder, r.chain.deploy("Recorder"))


@pytest.fixture
def s(deployed: Setup) -> Iterator[Setup]:
    snapshot = deployed.r.chain.snapshot()
    yield deployed
    deployed.r.chain.revert_to(snapshot)


def implementation_of(r: Registry, proxy: str) -> str:
    stored = r.chain.w3.eth.get_storage_at(proxy, IMPLEMENTATION_SLOT)[-20:]
    return r.chain.w3.to_checksum_address(stored)


def propose_upgrade(s: Setup) -> int:
    call = s.r.registry.functions.proposeUpgrade(
        s.recorder_proxy.address, s.new_implementation.address
    )
    return s.r.propose(call, s.r.operators["EX0"])


def fully_approved_upgrade(s: Setup) -> int:
    proposal_id = propose_upgrade(s)
    s.r.approve(proposal_id, "EX0", "EX1", "EX2")
    s.r.chain.transact(s.r.registry.functions.approveUpgrade(proposal_id), s.r.regulators[0])
    return proposal_id


def scheduled_upgrade(s: Setup) -> int:
    proposal_id = fully_approved_upgrade(s)
    s.r.chain.transact(s.r.registry.functions.scheduleUpgrade(proposal_id), s.r.root)
    return proposal_id


def test_an_upgrade_proposal_carries_proxy_and_implementation(s: Setup) -> None:
    proposal_id = propose_upgrade(s)
    proposal = s.r.registry.functions.proposal(proposal_id).call()
    assert proposal[0] == Kind.UPGRADE
    assert proposal[8] == bytes(12) + bytes.fromhex(s.recorder_proxy.address[2:]) + bytes(
        12
    ) + bytes.fromhex(s.new_implementation.address[2:])


def test_a_regulator_approves_an_upgrade(s: Setup) -> None:
    proposal_id = propose_upgrade(s)
    regulator = s.r.regulators[1]
    call = s.r.registry.functions.approveUpgrade(proposal_id)
    receipt = s.r.chain.transact(call, regulator)
    assert s.r.chain.events(receipt, s.r.registry, "UpgradeApprovedByRegulator") == [
        {"proposalId": proposal_id, "regulator": regulator}
    ]
    assert s.r.registry.functions.proposal(proposal_id).call()[6] == regulator


def test_an_upgrade_without_a_regulator_cannot_be_scheduled(s: Setup) -> None:
    proposal_id = propose_upgrade(s)
    s.r.approve(proposal_id, "EX0", "EX1", "EX2", "EX3")
    call = s.r.registry.functions.scheduleUpgrade(proposal_id)
    s.r.chain.expect_revert(call, s.r.root, "RegulatorApprovalMissing", proposal_id)


def test_an_upgrade_without_the_exchanges_quorum_cannot_be_scheduled(s: Setup) -> None:
    proposal_id = propose_upgrade(s)
    s.r.approve(proposal_id, "EX0", "EX1")
    s.r.chain.transact(s.r.registry.functions.approveUpgrade(proposal_id), s.r.regulators[0])
    call = s.r.registry.functions.scheduleUpgrade(proposal_id)
    s.r.chain.expect_revert(call, s.r.root, "QuorumNotReached", proposal_id, 2, 3)


def test_an_operator_cannot_approve_as_regulator(s: Setup) -> None:
    proposal_id = propose_upgrade(s)
    operator = s.r.operators["EX1"]
    call = s.r.registry.functions.approveUpgrade(proposal_id)
    s.r.chain.expect_revert(call, operator, "NotRegulator", operator)


def test_the_regulator_root_is_not_a_regulator(s: Setup) -> None:
    proposal_id = propose_upgrade(s)
    call = s.r.registry.functions.approveUpgrade(proposal_id)
    s.r.chain.expect_revert(call, s.r.root, "NotRegulator", s.r.root)


def test_a_second_regulator_approval_is_rejected(s: Setup) -> None:
    proposal_id = propose_upgrade(s)
    s.r.chain.transact(s.r.registry.functions.approveUpgrade(proposal_id), s.r.regulators[0])
    call = s.r.registry.functions.approveUpgrade(proposal_id)
    s.r.chain.expect_revert(
        call, s.r.regulators[1], "RegulatorAlreadyApproved", proposal_id, s.r.regulators[0]
    )


def test_a_regulator_cannot_approve_a_membership_proposal(s: Setup) -> None:
    call = s.r.registry.functions.proposeParameters(PARAMETERS)
    proposal_id = s.r.propose(call, s.r.operators["EX0"])
    approve = s.r.registry.functions.approveUpgrade(proposal_id)
    s.r.chain.expect_revert(approve, s.r.regulators[0], "NotAnUpgrade", proposal_id)


def test_only_an_upgrade_can_be_scheduled(s: Setup) -> None:
    call = s.r.registry.functions.proposeParameters(PARAMETERS)
    proposal_id = s.r.propose(call, s.r.operators["EX0"])
    s.r.approve(proposal_id, "EX0", "EX1", "EX2")
    schedule = s.r.registry.functions.scheduleUpgrade(proposal_id)
    s.r.chain.expect_revert(schedule, s.r.root, "NotAnUpgrade", proposal_id)


def test_an_unscheduled_upgrade_cannot_execute(s: Setup) -> None:
    proposal_id = fully_approved_upgrade(s)
    call = s.r.registry.functions.execute(proposal_id)
    s.r.chain.expect_revert(
        call, s.r.root, "UpgradeNotScheduled", proposal_id, ProposalState.PENDING
    )


def test_scheduling_starts_the_delay(s: Setup) -> None:
    proposal_id = fully_approved_upgrade(s)
    receipt = s.r.chain.transact(s.r.registry.functions.scheduleUpgrade(proposal_id), s.r.root)
    executable_at = s.r.chain.timestamp + UPGRADE_DELAY
    assert s.r.chain.events(receipt, s.r.registry, "UpgradeScheduled") == [
        {"proposalId": proposal_id, "executableAt": executable_at}
    ]
    proposal = s.r.registry.functions.proposal(proposal_id).call()
    assert (proposal[1], proposal[3]) == (ProposalState.SCHEDULED, executable_at)


def test_a_scheduled_upgrade_takes_no_more_votes(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    call = s.r.registry.functions.approve(proposal_id)
    s.r.chain.expect_revert(
        call, s.r.operators["EX3"], "ProposalNotPending", proposal_id, ProposalState.SCHEDULED
    )


def test_an_upgrade_cannot_be_scheduled_after_its_deadline(s: Setup) -> None:
    proposal_id = fully_approved_upgrade(s)
    deadline = s.r.registry.functions.proposal(proposal_id).call()[2]
    s.r.advance(PROPOSAL_LIFETIME + 1)
    call = s.r.registry.functions.scheduleUpgrade(proposal_id)
    s.r.chain.expect_revert(call, s.r.root, "ProposalExpiredAt", proposal_id, deadline)


def test_an_upgrade_before_its_delay_is_rejected(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    executable_at = s.r.registry.functions.proposal(proposal_id).call()[3]
    s.r.advance(UPGRADE_DELAY - 10)
    call = s.r.registry.functions.execute(proposal_id)
    s.r.chain.expect_revert(call, s.r.root, "UpgradeDelayNotElapsed", proposal_id, executable_at)
    assert implementation_of(s.r, s.recorder_proxy.address) != s.new_implementation.address


def test_an_upgrade_after_its_delay_replaces_the_code_and_keeps_storage(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    s.r.advance(UPGRADE_DELAY)
    receipt = s.r.execute(proposal_id)
    assert s.r.chain.events(receipt, s.r.registry, "ProposalExecuted") == [
        {"proposalId": proposal_id, "kind": Kind.UPGRADE}
    ]
    assert s.r.chain.events(receipt, s.r.registry, "UpgradeExecuted") == [
        {
            "proposalId": proposal_id,
            "proxy": s.recorder_proxy.address,
            "implementation": s.new_implementation.address,
        }
    ]
    assert s.r.chain.events(receipt, s.recorder_proxy, "Upgraded") == [
        {"implementation": s.new_implementation.address}
    ]
    assert implementation_of(s.r, s.recorder_proxy.address) == s.new_implementation.address
    assert s.recorder.functions.values(KEY).call() == 42
    assert s.r.registry.functions.proposal(proposal_id).call()[1] == ProposalState.EXECUTED


def test_an_executed_upgrade_cannot_execute_again(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    s.r.advance(UPGRADE_DELAY)
    s.r.execute(proposal_id)
    call = s.r.registry.functions.execute(proposal_id)
    s.r.chain.expect_revert(
        call, s.r.root, "UpgradeNotScheduled", proposal_id, ProposalState.EXECUTED
    )


def test_an_upgrade_to_an_account_without_code_is_rejected(s: Setup) -> None:
    empty = s.r.chain.account(8)
    call = s.r.registry.functions.proposeUpgrade(s.recorder_proxy.address, empty)
    s.r.chain.expect_revert(call, s.r.operators["EX0"], "NotAContract", empty)


def test_a_proxy_genesis_did_not_name_cannot_be_upgraded(s: Setup) -> None:
    """An UpgradeProxy anyone deployed naming the registry as its admin is still no system
    contract."""
    look_alike = s.r.chain.deploy(
        "UpgradeProxy", s.new_implementation.address, s.r.proxy.address, b""
    )
    call = s.r.registry.functions.proposeUpgrade(look_alike.address, s.new_implementation.address)
    s.r.chain.expect_revert(call, s.r.operators["EX0"], "NotASystemProxy", look_alike.address)


def test_an_account_that_is_no_proxy_cannot_be_upgraded(s: Setup) -> None:
    target = s.new_implementation.address
    call = s.r.registry.functions.proposeUpgrade(target, s.new_implementation.address)
    s.r.chain.expect_revert(call, s.r.operators["EX0"], "NotASystemProxy", target)


def test_the_genesis_system_proxies_and_the_registry_s_own_are_upgrade_targets(s: Setup) -> None:
    f = s.r.registry.functions
    assert f.isSystemProxy(s.recorder_proxy.address).call() is True
    assert f.isSystemProxy(s.r.proxy.address).call() is True
    assert f.isSystemProxy(s.new_implementation.address).call() is False


def test_the_registry_upgrades_itself_and_keeps_its_state(s: Setup) -> None:
    r = s.r
    replacement = r.chain.deploy("ExchangeRegistry")
    call = r.registry.functions.proposeUpgrade(r.proxy.address, replacement.address)
    proposal_id = r.propose(call, r.operators["EX1"])
    r.approve(proposal_id, "EX1", "EX2", "EX3")
    r.chain.transact(r.registry.functions.approveUpgrade(proposal_id), r.regulators[1])
    r.chain.transact(r.registry.functions.scheduleUpgrade(proposal_id), r.root)
    r.advance(UPGRADE_DELAY)
    r.execute(proposal_id)
    assert implementation_of(r, r.proxy.address) == replacement.address
    assert r.registry.functions.validators().call() == sorted(
        (validator_address(i) for i in range(3)), key=lambda a: int(a, 16)
    )
    assert r.registry.functions.exchange(code("EX2")).call()[2] == [r.operators["EX2"]]
    assert r.registry.functions.proposalCount().call() == proposal_id
    assert r.registry.functions.isRegulator(r.regulators[0]).call() is True
    r.pass_proposal(r.registry.functions.proposeSuspendExchange(code("EX3")), "EX0", "EX1", "EX2")
    assert r.registry.functions.activeExchangeCount().call() == 3


def test_the_approval_of_a_regulator_removed_since_no_longer_counts(s: Setup) -> None:
    proposal_id = fully_approved_upgrade(s)
    s.r.chain.transact(s.r.registry.functions.removeRegulator(s.r.regulators[0]), s.r.root)
    call = s.r.registry.functions.scheduleUpgrade(proposal_id)
    s.r.chain.expect_revert(call, s.r.root, "RegulatorApprovalMissing", proposal_id)


def test_another_regulator_replaces_the_approval_of_a_removed_one(s: Setup) -> None:
    proposal_id = fully_approved_upgrade(s)
    s.r.chain.transact(s.r.registry.functions.removeRegulator(s.r.regulators[0]), s.r.root)
    s.r.chain.transact(s.r.registry.functions.approveUpgrade(proposal_id), s.r.regulators[1])
    s.r.chain.transact(s.r.registry.functions.scheduleUpgrade(proposal_id), s.r.root)
    assert s.r.registry.functions.proposal(proposal_id).call()[1] == ProposalState.SCHEDULED


# ----- execution window and approvals at execute -----


def test_an_upgrade_executes_at_the_last_second_of_its_window(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    executable_at = s.r.registry.functions.proposal(proposal_id).call()[3]
    s.r.advance(executable_at + PROPOSAL_LIFETIME - s.r.chain.timestamp - 1)
    s.r.execute(proposal_id)
    assert implementation_of(s.r, s.recorder_proxy.address) == s.new_implementation.address


def test_an_upgrade_after_its_execution_window_is_rejected(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    executable_at = s.r.registry.functions.proposal(proposal_id).call()[3]
    s.r.advance(UPGRADE_DELAY + PROPOSAL_LIFETIME + 1)
    call = s.r.registry.functions.execute(proposal_id)
    s.r.chain.expect_revert(
        call, s.r.root, "UpgradeWindowClosed", proposal_id, executable_at + PROPOSAL_LIFETIME
    )
    assert implementation_of(s.r, s.recorder_proxy.address) != s.new_implementation.address


def test_a_scheduled_upgrade_whose_window_closed_expires(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    s.r.advance(UPGRADE_DELAY + PROPOSAL_LIFETIME + 1)
    receipt = s.r.chain.transact(s.r.registry.functions.expire(proposal_id), s.r.root)
    assert s.r.chain.events(receipt, s.r.registry, "ProposalExpired") == [
        {"proposalId": proposal_id}
    ]
    assert s.r.registry.functions.proposal(proposal_id).call()[1] == ProposalState.EXPIRED


def test_a_scheduled_upgrade_within_its_window_does_not_expire(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    executable_at = s.r.registry.functions.proposal(proposal_id).call()[3]
    call = s.r.registry.functions.expire(proposal_id)
    s.r.chain.expect_revert(
        call, s.r.root, "ProposalNotExpired", proposal_id, executable_at + PROPOSAL_LIFETIME
    )


def test_a_scheduled_upgrade_whose_regulator_was_removed_does_not_execute(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    s.r.chain.transact(s.r.registry.functions.removeRegulator(s.r.regulators[0]), s.r.root)
    s.r.advance(UPGRADE_DELAY)
    call = s.r.registry.functions.execute(proposal_id)
    s.r.chain.expect_revert(call, s.r.root, "RegulatorApprovalMissing", proposal_id)
    assert implementation_of(s.r, s.recorder_proxy.address) != s.new_implementation.address


# ----- cancellation and no rollback -----


def second_implementation_upgrade(s: Setup) -> tuple[int, Contract]:
    """A second upgrade of the same proxy, to yet another implementation, fully approved."""
    third = s.r.chain.deploy("Recorder")
    call = s.r.registry.functions.proposeUpgrade(s.recorder_proxy.address, third.address)
    proposal_id = s.r.propose(call, s.r.operators["EX0"])
    s.r.approve(proposal_id, "EX0", "EX1", "EX2")
    s.r.chain.transact(s.r.registry.functions.approveUpgrade(proposal_id), s.r.regulators[0])
    s.r.chain.transact(s.r.registry.functions.scheduleUpgrade(proposal_id), s.r.root)
    return proposal_id, third


def test_an_upgrade_proposed_before_another_executed_cannot_roll_it_back(s: Setup) -> None:
    older = scheduled_upgrade(s)
    newer, third = second_implementation_upgrade(s)
    s.r.advance(UPGRADE_DELAY)
    s.r.execute(newer)
    call = s.r.registry.functions.execute(older)
    s.r.chain.expect_revert(call, s.r.root, "UpgradeSuperseded", older, s.recorder_proxy.address)
    assert implementation_of(s.r, s.recorder_proxy.address) == third.address


def test_a_regulator_cancels_a_scheduled_upgrade(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    call = s.r.registry.functions.cancelUpgrade(proposal_id, b"\x01" * 32)
    receipt = s.r.chain.transact(call, s.r.regulators[1])
    assert s.r.chain.events(receipt, s.r.registry, "UpgradeCancelled") == [
        {"proposalId": proposal_id, "regulator": s.r.regulators[1], "reasonHash": b"\x01" * 32}
    ]
    assert s.r.registry.functions.proposal(proposal_id).call()[1] == ProposalState.CANCELLED
    s.r.advance(UPGRADE_DELAY)
    execute = s.r.registry.functions.execute(proposal_id)
    s.r.chain.expect_revert(
        execute, s.r.root, "UpgradeNotScheduled", proposal_id, ProposalState.CANCELLED
    )


def test_a_regulator_cancels_a_pending_upgrade(s: Setup) -> None:
    proposal_id = propose_upgrade(s)
    call = s.r.registry.functions.cancelUpgrade(proposal_id, b"\x01" * 32)
    s.r.chain.transact(call, s.r.regulators[0])
    assert s.r.registry.functions.proposal(proposal_id).call()[1] == ProposalState.CANCELLED


def test_only_a_regulator_cancels_an_upgrade(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    call = s.r.registry.functions.cancelUpgrade(proposal_id, b"\x01" * 32)
    operator = s.r.operators["EX0"]
    s.r.chain.expect_revert(call, operator, "NotRegulator", operator)


def test_an_executed_upgrade_cannot_be_cancelled(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    s.r.advance(UPGRADE_DELAY)
    s.r.execute(proposal_id)
    call = s.r.registry.functions.cancelUpgrade(proposal_id, b"\x01" * 32)
    s.r.chain.expect_revert(
        call, s.r.regulators[0], "ProposalNotPending", proposal_id, ProposalState.EXECUTED
    )


def test_a_cancellation_needs_a_reason(s: Setup) -> None:
    proposal_id = scheduled_upgrade(s)
    call = s.r.registry.functions.cancelUpgrade(proposal_id, bytes(32))
    s.r.chain.expect_revert(call, s.r.regulators[0], "MissingReason")


def test_only_an_upgrade_is_cancelled_by_a_regulator(s: Setup) -> None:
    call = s.r.registry.functions.proposeSuspendExchange(code("EX3"))
    proposal_id = s.r.propose(call, s.r.operators["EX0"])
    cancel = s.r.registry.functions.cancelUpgrade(proposal_id, b"\x01" * 32)
    s.r.chain.expect_revert(cancel, s.r.regulators[0], "NotAnUpgrade", proposal_id)
