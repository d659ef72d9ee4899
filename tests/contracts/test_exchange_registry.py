"""ExchangeRegistry: genesis state, every proposal kind, approvals, expiry and rejections.

Four exchanges EX0..EX3 (quorum 3); EX0..EX2 run validators, EX3 does not.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eth_abi import encode
from eth_utils import keccak

from tests.contracts.harness import ContractChain
from tests.contracts.registry_setup import (
    DAY,
    PARAMETERS,
    PROPOSAL_LIFETIME,
    STORAGE_SLOT,
    UPGRADE_DELAY,
    ZERO,
    Kind,
    ProposalState,
    Registry,
    Status,
    code,
    deploy_registry,
    exchange_spec,
    validator_address,
)


@pytest.fixture(scope="module")
def deployed() -> Registry:
    return deploy_registry(ContractChain(), exchanges=4, validators=3)


@pytest.fixture
def r(deployed: Registry) -> Iterator[Registry]:
    snapshot = deployed.chain.snapshot()
    yield deployed
    deployed.chain.revert_to(snapshot)


def sorted_validators(*indexes: int) -> list[str]:
    return sorted((validator_address(i) for i in indexes), key=lambda a: int(a, 16))


def new_exchange(r: Registry, name: str = "EX9", validator: str = ZERO) -> tuple[tuple, str]:  # type: ignore[type-arg]
    operator = r.chain.account(40)
    return exchange_spec(name, [operator], validator), operator


# ------------------------------------------------------------------ genesis state


def test_genesis_exchanges_are_active_with_their_fields(r: Registry) -> None:
    exchange = r.registry.functions.exchange(code("EX1")).call()
    assert exchange == (
        "EX1 Data Exchange", "EX1 City", [r.operators["EX1"]], validator_address(1), [],
        Status.ACTIVE,
    )  # fmt: skip
    assert r.registry.functions.exchangeCodes().call() == [code(f"EX{i}") for i in range(4)]
    assert r.registry.functions.activeExchangeCount().call() == 4
    assert r.registry.functions.quorum().call() == 3


def test_genesis_validators_are_sorted_ascending(r: Registry) -> None:
    assert r.registry.functions.validators().call() == sorted_validators(0, 1, 2)


def test_validator_list_sits_at_the_namespace_slot_for_storage_proofs(r: Registry) -> None:
    get = r.chain.w3.eth.get_storage_at
    assert int.from_bytes(get(r.proxy.address, STORAGE_SLOT)) == 3
    first = int.from_bytes(keccak(STORAGE_SLOT.to_bytes(32, "big")))
    stored = [get(r.proxy.address, first + i)[-20:] for i in range(3)]
    assert stored == [bytes.fromhex(a[2:]) for a in sorted_validators(0, 1, 2)]
    assert r.registry.functions.STORAGE_SLOT().call() == STORAGE_SLOT.to_bytes(32, "big")


def test_genesis_regulators_parameters_and_governance_times(r: Registry) -> None:
    f = r.registry.functions
    assert f.regulatorRoot().call() == r.root
    assert [f.isRegulator(a).call() for a in [*r.regulators, r.root]] == [True, True, False]
    assert f.parameters().call() == PARAMETERS
    assert (f.proposalLifetime().call(), f.upgradeDelay().call()) == (
        PROPOSAL_LIFETIME,
        UPGRADE_DELAY,
    )


def test_operator_lookups(r: Registry) -> None:
    f = r.registry.functions
    operator = r.operators["EX2"]
    assert f.operatorExchange(operator).call() == code("EX2")
    assert f.isActiveOperator(operator, code("EX2")).call() is True
    assert f.isActiveOperator(operator, code("EX1")).call() is False
    assert f.operatorExchange(r.root).call() == bytes(32)
    assert f.validatorExchange(validator_address(2)).call() == code("EX2")


def test_initialize_cannot_run_twice(r: Registry) -> None:
    call = r.registry.functions.initialize(r.root, [], PARAMETERS, 1, 1, [], [])
    r.chain.expect_revert(call, r.root, "AlreadyInitialized")


def test_the_implementation_itself_is_locked(r: Registry) -> None:
    call = r.implementation.functions.initialize(r.root, [], PARAMETERS, 1, 1, [], [])
    r.chain.expect_revert(call, r.root, "AlreadyInitialized")


def test_the_proxy_admin_is_the_registry_proxy_itself(r: Registry) -> None:
    admin_slot = int.from_bytes(keccak(text="eip1967.proxy.admin")) - 1
    stored = r.chain.w3.eth.get_storage_at(r.proxy.address, admin_slot)[-20:]
    assert stored == bytes.fromhex(r.proxy.address[2:])


# ------------------------------------------------------------------ regulators


def test_the_root_adds_a_regulator(r: Registry) -> None:
    newcomer = r.chain.account(5)
    receipt = r.chain.transact(r.registry.functions.addRegulator(newcomer), r.root)
    assert r.chain.events(receipt, r.registry, "RegulatorAdded") == [{"regulator": newcomer}]
    assert r.registry.functions.isRegulator(newcomer).call() is True


def test_the_root_removes_a_regulator(r: Registry) -> None:
    receipt = r.chain.transact(r.registry.functions.removeRegulator(r.regulators[0]), r.root)
    assert r.chain.events(receipt, r.registry, "RegulatorRemoved") == [
        {"regulator": r.regulators[0]}
    ]
    assert r.registry.functions.isRegulator(r.regulators[0]).call() is False


def test_an_exchange_operator_cannot_add_a_regulator(r: Registry) -> None:
    operator = r.operators["EX0"]
    call = r.registry.functions.addRegulator(operator)
    r.chain.expect_revert(call, operator, "NotRegulatorRoot", operator)


def test_a_regulator_cannot_remove_another_regulator(r: Registry) -> None:
    call = r.registry.functions.removeRegulator(r.regulators[1])
    r.chain.expect_revert(call, r.regulators[0], "NotRegulatorRoot", r.regulators[0])


def test_adding_an_existing_regulator_is_rejected(r: Registry) -> None:
    call = r.registry.functions.addRegulator(r.regulators[0])
    r.chain.expect_revert(call, r.root, "RegulatorExists", r.regulators[0])


def test_adding_the_zero_address_as_regulator_is_rejected(r: Registry) -> None:
    r.chain.expect_revert(r.registry.functions.addRegulator(ZERO), r.root, "ZeroAddress")


def test_removing_a_non_regulator_is_rejected(r: Registry) -> None:
    stranger = r.chain.account(6)
    call = r.registry.functions.removeRegulator(stranger)
    r.chain.expect_revert(call, r.root, "NotRegulator", stranger)


# ------------------------------------------------------------------ proposing and approving


def test_a_proposal_records_its_kind_proposer_deadline_and_arguments(r: Registry) -> None:
    operator = r.operators["EX1"]
    receipt = r.chain.transact(r.registry.functions.proposeSuspendExchange(code("EX3")), operator)
    deadline = r.chain.timestamp + PROPOSAL_LIFETIME
    data = encode(["bytes32"], [code("EX3")])
    assert r.chain.events(receipt, r.registry, "ProposalCreated") == [
        {
            "proposalId": 1, "kind": Kind.SUSPEND, "proposerExchange": code("EX1"),
            "proposer": operator, "deadline": deadline, "data": data,
        }
    ]  # fmt: skip
    assert r.registry.functions.proposal(1).call() == (
        Kind.SUSPEND, ProposalState.PENDING, deadline, 0, code("EX1"), operator, ZERO, [], data,
    )  # fmt: skip
    assert r.registry.functions.proposalCount().call() == 1


def test_an_approval_is_recorded_per_exchange(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    receipt = r.chain.transact(r.registry.functions.approve(proposal_id), r.operators["EX2"])
    assert r.chain.events(receipt, r.registry, "ProposalApproved") == [
        {"proposalId": proposal_id, "exchange": code("EX2"), "operator": r.operators["EX2"]}
    ]
    assert r.registry.functions.hasApproved(proposal_id, code("EX2")).call() is True
    assert r.registry.functions.hasApproved(proposal_id, code("EX0")).call() is False
    assert r.registry.functions.activeApprovals(proposal_id).call() == 1


def test_a_second_operator_of_the_same_exchange_cannot_vote_again(r: Registry) -> None:
    second = r.chain.account(30)
    r.pass_proposal(
        r.registry.functions.proposeOperators(code("EX1"), [r.operators["EX1"], second]),
        "EX0", "EX1", "EX2",
    )  # fmt: skip
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    r.approve(proposal_id, "EX1")
    call = r.registry.functions.approve(proposal_id)
    r.chain.expect_revert(call, second, "AlreadyApproved", proposal_id, code("EX1"))


def test_the_same_operator_cannot_vote_twice(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    r.approve(proposal_id, "EX0")
    call = r.registry.functions.approve(proposal_id)
    r.chain.expect_revert(call, r.operators["EX0"], "AlreadyApproved", proposal_id, code("EX0"))


def test_a_non_operator_cannot_propose(r: Registry) -> None:
    call = r.registry.functions.proposeParameters(PARAMETERS)
    r.chain.expect_revert(call, r.regulators[0], "NotOperator", r.regulators[0])


def test_a_non_operator_cannot_approve(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    stranger = r.chain.account(7)
    call = r.registry.functions.approve(proposal_id)
    r.chain.expect_revert(call, stranger, "NotOperator", stranger)


def test_a_suspended_exchange_cannot_vote(r: Registry) -> None:
    r.pass_proposal(r.registry.functions.proposeSuspendExchange(code("EX3")), "EX0", "EX1", "EX2")
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    call = r.registry.functions.approve(proposal_id)
    r.chain.expect_revert(
        call, r.operators["EX3"], "ExchangeStatusForbids", code("EX3"), Status.SUSPENDED
    )


def test_a_suspended_exchange_cannot_propose(r: Registry) -> None:
    r.pass_proposal(r.registry.functions.proposeSuspendExchange(code("EX3")), "EX0", "EX1", "EX2")
    call = r.registry.functions.proposeParameters(PARAMETERS)
    r.chain.expect_revert(
        call, r.operators["EX3"], "ExchangeStatusForbids", code("EX3"), Status.SUSPENDED
    )


def test_approving_an_unknown_proposal_is_rejected(r: Registry) -> None:
    call = r.registry.functions.approve(99)
    r.chain.expect_revert(call, r.operators["EX0"], "UnknownProposal", 99)


# ------------------------------------------------------------------ execution and expiry


def test_execution_below_quorum_is_rejected(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    r.approve(proposal_id, "EX0", "EX1")
    call = r.registry.functions.execute(proposal_id)
    r.chain.expect_revert(call, r.root, "QuorumNotReached", proposal_id, 2, 3)


def test_approvals_of_an_exchange_suspended_since_do_not_count(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    r.approve(proposal_id, "EX0", "EX1", "EX3")
    r.pass_proposal(r.registry.functions.proposeSuspendExchange(code("EX3")), "EX0", "EX1", "EX2")
    # n is now 3, so the quorum is 2: EX0 and EX1 still carry it, EX3's vote no longer counts.
    assert r.registry.functions.activeApprovals(proposal_id).call() == 2
    receipt = r.execute(proposal_id)
    assert r.chain.events(receipt, r.registry, "ProposalExecuted") == [
        {"proposalId": proposal_id, "kind": Kind.PARAMETERS}
    ]


def test_an_executed_proposal_cannot_execute_again(r: Registry) -> None:
    new = (100, 100, DAY, DAY, DAY)
    proposal_id = r.propose(r.registry.functions.proposeParameters(new), r.operators["EX0"])
    r.approve(proposal_id, "EX0", "EX1", "EX2")
    r.execute(proposal_id)
    call = r.registry.functions.execute(proposal_id)
    r.chain.expect_revert(call, r.root, "ProposalNotPending", proposal_id, ProposalState.EXECUTED)


def test_approving_after_the_deadline_is_rejected(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    deadline = r.registry.functions.proposal(proposal_id).call()[2]
    r.advance(PROPOSAL_LIFETIME + 1)
    call = r.registry.functions.approve(proposal_id)
    r.chain.expect_revert(call, r.operators["EX1"], "ProposalExpiredAt", proposal_id, deadline)


def test_executing_after_the_deadline_is_rejected_even_with_quorum(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    r.approve(proposal_id, "EX0", "EX1", "EX2")
    deadline = r.registry.functions.proposal(proposal_id).call()[2]
    r.advance(PROPOSAL_LIFETIME + 1)
    call = r.registry.functions.execute(proposal_id)
    r.chain.expect_revert(call, r.root, "ProposalExpiredAt", proposal_id, deadline)


def test_a_proposal_past_its_deadline_expires(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    r.advance(PROPOSAL_LIFETIME + 1)
    receipt = r.chain.transact(r.registry.functions.expire(proposal_id), r.root)
    assert r.chain.events(receipt, r.registry, "ProposalExpired") == [{"proposalId": proposal_id}]
    assert r.registry.functions.proposal(proposal_id).call()[1] == ProposalState.EXPIRED
    call = r.registry.functions.approve(proposal_id)
    r.chain.expect_revert(
        call, r.operators["EX1"], "ProposalNotPending", proposal_id, ProposalState.EXPIRED
    )


def test_a_proposal_before_its_deadline_cannot_expire(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    deadline = r.registry.functions.proposal(proposal_id).call()[2]
    call = r.registry.functions.expire(proposal_id)
    r.chain.expect_revert(call, r.root, "ProposalNotExpired", proposal_id, deadline)


def test_an_executed_proposal_cannot_expire(r: Registry) -> None:
    proposal_id = r.propose(r.registry.functions.proposeParameters(PARAMETERS), r.operators["EX0"])
    r.approve(proposal_id, "EX0", "EX1", "EX2")
    r.execute(proposal_id)
    r.advance(PROPOSAL_LIFETIME + 1)
    call = r.registry.functions.expire(proposal_id)
    r.chain.expect_revert(call, r.root, "ProposalNotPending", proposal_id, ProposalState.EXECUTED)


# ------------------------------------------------------------------ every proposal kind


def test_adding_an_exchange_with_a_validator(r: Registry) -> None:
    spec, operator = new_exchange(r, "EX9", validator_address(9))
    receipt = r.pass_proposal(r.registry.functions.proposeAddExchange(spec), "EX0", "EX1", "EX2")
    assert r.chain.events(receipt, r.registry, "ExchangeAdded") == [
        {
            "code": code("EX9"), "name": "EX9 Data Exchange", "city": "EX9 City",
            "operators": [operator], "validator": validator_address(9), "observers": [],
            "proposalId": 1,
        }
    ]  # fmt: skip
    expected = sorted_validators(0, 1, 2, 9)
    assert r.chain.events(receipt, r.registry, "ValidatorsChanged") == [{"validators": expected}]
    assert r.registry.functions.validators().call() == expected
    assert r.registry.functions.exchangeStatus(code("EX9")).call() == Status.ACTIVE
    assert r.registry.functions.activeExchangeCount().call() == 5
    assert r.registry.functions.isActiveOperator(operator, code("EX9")).call() is True


def test_adding_an_exchange_without_a_validator_leaves_the_validators(r: Registry) -> None:
    observer = r.chain.account(41)
    spec = exchange_spec("EX9", [r.chain.account(40)], ZERO, [observer])
    receipt = r.pass_proposal(r.registry.functions.proposeAddExchange(spec), "EX0", "EX1", "EX2")
    assert r.chain.events(receipt, r.registry, "ValidatorsChanged") == []
    assert r.registry.functions.exchange(code("EX9")).call()[4] == [observer]
    assert r.registry.functions.validators().call() == sorted_validators(0, 1, 2)


def test_suspending_an_exchange_drops_its_validator(r: Registry) -> None:
    receipt = r.pass_proposal(
        r.registry.functions.proposeSuspendExchange(code("EX1")), "EX0", "EX1", "EX2"
    )
    assert r.chain.events(receipt, r.registry, "ExchangeStatusChanged") == [
        {"code": code("EX1"), "status": Status.SUSPENDED, "proposalId": 1}
    ]
    assert r.chain.events(receipt, r.registry, "ValidatorsChanged") == [
        {"validators": sorted_validators(0, 2)}
    ]
    assert r.registry.functions.activeExchangeCount().call() == 3
    assert r.registry.functions.isActiveOperator(r.operators["EX1"], code("EX1")).call() is False
    assert r.registry.functions.operatorExchange(r.operators["EX1"]).call() == code("EX1")


def test_reinstating_an_exchange_restores_its_validator(r: Registry) -> None:
    r.pass_proposal(r.registry.functions.proposeSuspendExchange(code("EX1")), "EX0", "EX1", "EX2")
    receipt = r.pass_proposal(
        r.registry.functions.proposeReinstateExchange(code("EX1")), "EX0", "EX2"
    )
    assert r.chain.events(receipt, r.registry, "ExchangeStatusChanged") == [
        {"code": code("EX1"), "status": Status.ACTIVE, "proposalId": 2}
    ]
    assert r.registry.functions.validators().call() == sorted_validators(0, 1, 2)
    assert r.registry.functions.activeExchangeCount().call() == 4


def test_removing_an_active_exchange(r: Registry) -> None:
    receipt = r.pass_proposal(
        r.registry.functions.proposeRemoveExchange(code("EX2")), "EX0", "EX1", "EX3"
    )
    assert r.chain.events(receipt, r.registry, "ExchangeStatusChanged") == [
        {"code": code("EX2"), "status": Status.REMOVED, "proposalId": 1}
    ]
    assert r.registry.functions.validators().call() == sorted_validators(0, 1)
    assert r.registry.functions.activeExchangeCount().call() == 3


def test_removing_a_suspended_exchange(r: Registry) -> None:
    r.pass_proposal(r.registry.functions.proposeSuspendExchange(code("EX2")), "EX0", "EX1", "EX3")
    receipt = r.pass_proposal(r.registry.functions.proposeRemoveExchange(code("EX2")), "EX0", "EX1")
    assert r.chain.events(receipt, r.registry, "ExchangeStatusChanged") == [
        {"code": code("EX2"), "status": Status.REMOVED, "proposalId": 2}
    ]
    assert r.chain.events(receipt, r.registry, "ValidatorsChanged") == []
    assert r.registry.functions.activeExchangeCount().call() == 3


def test_changing_operators_releases_the_old_accounts(r: Registry) -> None:
    old = r.operators["EX3"]
    fresh = [r.chain.account(42), r.chain.account(43)]
    receipt = r.pass_proposal(
        r.registry.functions.proposeOperators(code("EX3"), fresh), "EX0", "EX1", "EX2"
    )
    assert r.chain.events(receipt, r.registry, "OperatorsChanged") == [
        {"code": code("EX3"), "operators": fresh, "proposalId": 1}
    ]
    assert r.registry.functions.operatorExchange(old).call() == bytes(32)
    assert [r.registry.functions.operatorExchange(a).call() for a in fresh] == [code("EX3")] * 2
    assert r.registry.functions.exchange(code("EX3")).call()[2] == fresh


def test_changing_a_validator_replaces_it_in_the_sorted_list(r: Registry) -> None:
    observer = r.chain.account(44)
    receipt = r.pass_proposal(
        r.registry.functions.proposeNodes(code("EX1"), validator_address(7), [observer]),
        "EX0", "EX1", "EX2",
    )  # fmt: skip
    assert r.chain.events(receipt, r.registry, "NodesChanged") == [
        {"code": code("EX1"), "validator": validator_address(7), "observers": [observer],
         "proposalId": 1}
    ]  # fmt: skip
    assert r.registry.functions.validators().call() == sorted_validators(0, 2, 7)
    assert r.registry.functions.validatorExchange(validator_address(1)).call() == bytes(32)
    assert r.registry.functions.validatorExchange(validator_address(7)).call() == code("EX1")


def test_giving_an_exchange_its_first_validator(r: Registry) -> None:
    r.pass_proposal(
        r.registry.functions.proposeNodes(code("EX3"), validator_address(3), []),
        "EX0", "EX1", "EX2",
    )  # fmt: skip
    assert r.registry.functions.validators().call() == sorted_validators(0, 1, 2, 3)


def test_dropping_a_validator_keeps_the_exchange(r: Registry) -> None:
    r.pass_proposal(r.registry.functions.proposeNodes(code("EX0"), ZERO, []), "EX0", "EX1", "EX2")
    assert r.registry.functions.validators().call() == sorted_validators(1, 2)
    assert r.registry.functions.exchangeStatus(code("EX0")).call() == Status.ACTIVE


def test_a_suspended_exchange_s_new_validator_waits_for_reinstatement(r: Registry) -> None:
    r.pass_proposal(r.registry.functions.proposeSuspendExchange(code("EX1")), "EX0", "EX1", "EX2")
    r.pass_proposal(
        r.registry.functions.proposeNodes(code("EX1"), validator_address(8), []), "EX0", "EX2"
    )
    assert r.registry.functions.validators().call() == sorted_validators(0, 2)
    r.pass_proposal(r.registry.functions.proposeReinstateExchange(code("EX1")), "EX0", "EX2")
    assert r.registry.functions.validators().call() == sorted_validators(0, 2, 8)


def test_changing_parameters(r: Registry) -> None:
    new = (500, 400, 3 * DAY, 10 * DAY, 5 * DAY)
    receipt = r.pass_proposal(r.registry.functions.proposeParameters(new), "EX0", "EX1", "EX2")
    assert r.chain.events(receipt, r.registry, "ParametersChanged") == [
        {
            "parameters": {
                "listingFeeCapBps": 500, "buyerExchangeFeeCapBps": 400,
                "inspectionPeriod": 3 * DAY, "disputeWindow": 10 * DAY, "deliveryDeadline": 5 * DAY,
            },
            "proposalId": 1,
        }
    ]  # fmt: skip
    assert r.registry.functions.parameters().call() == new


# ------------------------------------------------------------------ rejected proposals


def test_adding_an_existing_code_is_rejected(r: Registry) -> None:
    spec = exchange_spec("EX1", [r.chain.account(40)])
    call = r.registry.functions.proposeAddExchange(spec)
    r.chain.expect_revert(
        call, r.operators["EX0"], "ExchangeStatusForbids", code("EX1"), Status.ACTIVE
    )


def test_adding_an_exchange_with_a_zero_code_is_rejected(r: Registry) -> None:
    spec = (bytes(32), "Nameless", "Nowhere", [r.chain.account(40)], ZERO, [])
    call = r.registry.functions.proposeAddExchange(spec)
    r.chain.expect_revert(call, r.operators["EX0"], "InvalidExchangeCode")


def test_adding_an_exchange_without_a_name_is_rejected(r: Registry) -> None:
    spec = (code("EX9"), "", "Nowhere", [r.chain.account(40)], ZERO, [])
    call = r.registry.functions.proposeAddExchange(spec)
    r.chain.expect_revert(call, r.operators["EX0"], "EmptyName", code("EX9"))


def test_an_operator_of_another_exchange_is_rejected(r: Registry) -> None:
    spec = exchange_spec("EX9", [r.operators["EX2"]])
    call = r.registry.functions.proposeAddExchange(spec)
    r.chain.expect_revert(
        call, r.operators["EX0"], "OperatorTaken", r.operators["EX2"], code("EX2")
    )


def test_a_validator_of_another_exchange_is_rejected(r: Registry) -> None:
    spec = exchange_spec("EX9", [r.chain.account(40)], validator_address(2))
    call = r.registry.functions.proposeAddExchange(spec)
    r.chain.expect_revert(
        call, r.operators["EX0"], "ValidatorTaken", validator_address(2), code("EX2")
    )


def test_no_operators_are_rejected(r: Registry) -> None:
    call = r.registry.functions.proposeOperators(code("EX1"), [])
    r.chain.expect_revert(call, r.operators["EX0"], "OperatorCount", 0, 8)


def test_more_than_eight_operators_are_rejected(r: Registry) -> None:
    accounts = [r.chain.account(50 + i) for i in range(9)]
    call = r.registry.functions.proposeOperators(code("EX1"), accounts)
    r.chain.expect_revert(call, r.operators["EX0"], "OperatorCount", 9, 8)


def test_a_duplicate_operator_is_rejected(r: Registry) -> None:
    account = r.chain.account(40)
    call = r.registry.functions.proposeOperators(code("EX1"), [account, account])
    r.chain.expect_revert(call, r.operators["EX0"], "DuplicateAddress", account)


def test_a_zero_operator_is_rejected(r: Registry) -> None:
    call = r.registry.functions.proposeOperators(code("EX1"), [ZERO])
    r.chain.expect_revert(call, r.operators["EX0"], "ZeroAddress")


def test_more_than_eight_observers_are_rejected(r: Registry) -> None:
    accounts = [r.chain.account(50 + i) for i in range(9)]
    call = r.registry.functions.proposeNodes(code("EX1"), validator_address(1), accounts)
    r.chain.expect_revert(call, r.operators["EX0"], "ObserverCount", 9, 8)


def test_suspending_a_suspended_exchange_is_rejected(r: Registry) -> None:
    r.pass_proposal(r.registry.functions.proposeSuspendExchange(code("EX3")), "EX0", "EX1", "EX2")
    call = r.registry.functions.proposeSuspendExchange(code("EX3"))
    r.chain.expect_revert(
        call, r.operators["EX0"], "ExchangeStatusForbids", code("EX3"), Status.SUSPENDED
    )


def test_reinstating_an_active_exchange_is_rejected(r: Registry) -> None:
    call = r.registry.functions.proposeReinstateExchange(code("EX3"))
    r.chain.expect_revert(
        call, r.operators["EX0"], "ExchangeStatusForbids", code("EX3"), Status.ACTIVE
    )


def test_removing_an_unknown_exchange_is_rejected(r: Registry) -> None:
    call = r.registry.functions.proposeRemoveExchange(code("NOPE"))
    r.chain.expect_revert(
        call, r.operators["EX0"], "ExchangeStatusForbids", code("NOPE"), Status.NONE
    )


def test_changing_a_removed_exchange_s_operators_is_rejected(r: Registry) -> None:
    r.pass_proposal(r.registry.functions.proposeRemoveExchange(code("EX3")), "EX0", "EX1", "EX2")
    call = r.registry.functions.proposeOperators(code("EX3"), [r.chain.account(40)])
    r.chain.expect_revert(
        call, r.operators["EX0"], "ExchangeStatusForbids", code("EX3"), Status.REMOVED
    )


def test_fee_caps_above_the_whole_amount_are_rejected(r: Registry) -> None:
    call = r.registry.functions.proposeParameters((6000, 4001, DAY, DAY, DAY))
    r.chain.expect_revert(call, r.operators["EX0"], "FeeCapsExceedWhole", 6000, 4001)


def test_a_zero_period_is_rejected(r: Registry) -> None:
    call = r.registry.functions.proposeParameters((100, 100, DAY, 0, DAY))
    r.chain.expect_revert(call, r.operators["EX0"], "PeriodIsZero")


def test_a_proposal_that_became_invalid_fails_at_execution(r: Registry) -> None:
    first = r.propose(r.registry.functions.proposeSuspendExchange(code("EX3")), r.operators["EX0"])
    second = r.propose(r.registry.functions.proposeSuspendExchange(code("EX3")), r.operators["EX1"])
    r.approve(first, "EX0", "EX1", "EX2")
    r.approve(second, "EX0", "EX1", "EX2")
    r.execute(first)
    call = r.registry.functions.execute(second)
    r.chain.expect_revert(call, r.root, "ExchangeStatusForbids", code("EX3"), Status.SUSPENDED)


def test_the_documented_storage_layout_holds(r: Registry) -> None:
    """contracts/README.md: root at base+1 (after the initialized flag), activeCount at
    base+4, the code list's length at base+5."""
    get = r.chain.w3.eth.get_storage_at
    slot1 = get(r.proxy.address, STORAGE_SLOT + 1)
    assert (slot1[-1], slot1[-21:-1]) == (1, bytes.fromhex(r.root[2:]))
    assert int.from_bytes(get(r.proxy.address, STORAGE_SLOT + 4)) == 4
    assert int.from_bytes(get(r.proxy.address, STORAGE_SLOT + 5)) == 4
