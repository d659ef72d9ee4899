"""ParticipantRegistry: registration by the home exchange, roles, suspension and revocation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eth_utils import to_checksum_address

from tests.contracts.registry_market import (
    BUYER,
    EVALUATOR,
    SUPPLIER,
    A,
    B,
    C,
    Market,
    credit_code_hash,
    deploy_market,
    h,
    isolation,
    proxy_constructor,
    register,
)

NONE, ACTIVE, SUSPENDED_STATUS, REVOKED = range(4)
LAYOUT_SLOT = 0xD5FFC539AADEB014404204CECB35121F457E87EFB5346481C5FD85EF04503200
ZERO = "0x" + "00" * 20


@pytest.fixture(scope="module")
def deployed() -> Market:
    return deploy_market()


@pytest.fixture
def market(deployed: Market) -> Iterator[Market]:
    with isolation(deployed) as isolated:
        yield isolated


def status(market: Market, account: str) -> int:
    return int(market.participants.functions.participant(account).call()[4])


def suspend(market: Market, account: str, by: str) -> None:
    market.chain.transact(market.participants.functions.suspend(account, h("reason")), by)


def revoke(market: Market, account: str) -> None:
    market.chain.transact(
        market.participants.functions.revoke(account, h("revoked")), market.regulator
    )


# initialization


def test_initialize_through_the_proxy_stores_the_exchange_registry_at_the_erc7201_slot(
    market: Market,
) -> None:
    stored = market.chain.w3.eth.get_storage_at(market.participants.address, LAYOUT_SLOT)
    expected = (int(market.exchanges.address, 16) << 8) | 1
    assert int.from_bytes(stored, "big") == expected


def test_initialize_twice_reverts_already_initialized(market: Market) -> None:
    call = market.participants.functions.initialize(market.exchanges.address)
    market.chain.expect_revert(call, market.outsider, "AlreadyInitialized")


def test_the_implementation_itself_can_never_be_initialized(market: Market) -> None:
    implementation = market.implementations["ParticipantRegistry"]
    call = implementation.functions.initialize(market.exchanges.address)
    market.chain.expect_revert(call, market.outsider, "AlreadyInitialized")


def test_initialize_with_a_zero_exchange_registry_reverts_zero_address(market: Market) -> None:
    constructor = proxy_constructor(
        market.chain, "ParticipantRegistry", market.exchanges.address, ZERO
    )
    market.chain.expect_revert(constructor, market.outsider, "ZeroAddress")


# register


def test_an_operator_registers_a_participant_with_its_exchange_as_home(market: Market) -> None:
    account = market.pool[0]
    code = credit_code_hash("91310000MA1FL00001")
    call = market.participants.functions.register(account, SUPPLIER | BUYER, b"CN", code)
    receipt = market.chain.transact(call, market.operator_a)

    assert market.chain.events(receipt, market.participants, "ParticipantRegistered") == [
        {
            "account": account,
            "homeExchange": A,
            "roles": SUPPLIER | BUYER,
            "jurisdiction": b"CN",
            "creditCodeHash": code,
            "registeredBy": market.operator_a,
        }
    ]
    assert market.participants.functions.participant(account).call() == (
        A,
        SUPPLIER | BUYER,
        b"CN",
        code,
        ACTIVE,
    )
    assert market.participants.functions.accountOfCreditCode(code).call() == account


def test_a_participant_outside_the_mainland_registers_with_its_jurisdiction(
    market: Market,
) -> None:
    account = register(market, BUYER, jurisdiction=b"HK")
    assert market.participants.functions.participant(account).call()[2] == b"HK"


def test_register_by_an_account_that_operates_no_exchange_reverts(market: Market) -> None:
    call = market.participants.functions.register(market.pool[0], BUYER, b"CN", h("code"))
    market.chain.expect_revert(call, market.outsider, "NotActiveOperator", market.outsider)


def test_register_by_an_operator_of_a_suspended_exchange_reverts(market: Market) -> None:
    call = market.participants.functions.register(market.pool[0], BUYER, b"CN", h("code"))
    operator = market.operator_suspended
    market.chain.expect_revert(call, operator, "NotActiveOperator", operator)


def test_register_of_the_zero_account_reverts(market: Market) -> None:
    call = market.participants.functions.register(ZERO, BUYER, b"CN", h("code"))
    market.chain.expect_revert(call, market.operator_a, "ZeroAddress")


def test_register_of_an_account_already_registered_reverts(market: Market) -> None:
    account = register(market, BUYER)
    call = market.participants.functions.register(account, BUYER, b"CN", h("other"))
    market.chain.expect_revert(call, market.operator_b, "AlreadyRegistered", account, ACTIVE)


def test_register_with_a_zero_credit_code_hash_reverts(market: Market) -> None:
    call = market.participants.functions.register(market.pool[5], BUYER, b"CN", bytes(32))
    market.chain.expect_revert(call, market.operator_a, "ZeroCreditCodeHash")


def test_one_company_cannot_register_twice_at_another_exchange(market: Market) -> None:
    first = register(market, BUYER, code="USCC-1")
    call = market.participants.functions.register(
        market.pool[5], BUYER, b"CN", credit_code_hash("USCC-1")
    )
    market.chain.expect_revert(
        call, market.operator_b, "CreditCodeTaken", credit_code_hash("USCC-1"), first
    )


def test_a_suspended_company_cannot_re_register_elsewhere(market: Market) -> None:
    first = register(market, BUYER, code="USCC-1")
    suspend(market, first, market.operator_a)
    call = market.participants.functions.register(
        market.pool[5], BUYER, b"CN", credit_code_hash("USCC-1")
    )
    market.chain.expect_revert(
        call, market.operator_c, "CreditCodeTaken", credit_code_hash("USCC-1"), first
    )


def test_a_revoked_company_cannot_re_register_without_a_regulator(market: Market) -> None:
    first = register(market, BUYER, code="USCC-1")
    revoke(market, first)
    call = market.participants.functions.register(
        market.pool[5], BUYER, b"CN", credit_code_hash("USCC-1")
    )
    market.chain.expect_revert(
        call, market.operator_b, "CreditCodeTaken", credit_code_hash("USCC-1"), first
    )


@pytest.mark.parametrize("roles", [0, 1 << 6, SUPPLIER | (1 << 31)])
def test_register_with_roles_outside_the_defined_bits_reverts(market: Market, roles: int) -> None:
    call = market.participants.functions.register(market.pool[5], roles, b"CN", h("code"))
    market.chain.expect_revert(call, market.operator_a, "InvalidRoles", roles)


@pytest.mark.parametrize("jurisdiction", [b"cn", b"C1", b"\0\0", b"C ", b"[A"])
def test_register_with_a_jurisdiction_not_two_uppercase_letters_reverts(
    market: Market, jurisdiction: bytes
) -> None:
    call = market.participants.functions.register(market.pool[5], BUYER, jurisdiction, h("c"))
    market.chain.expect_revert(call, market.operator_a, "InvalidJurisdiction", jurisdiction)


# changeRoles


def test_the_home_exchange_changes_roles(market: Market) -> None:
    account = register(market, BUYER)
    call = market.participants.functions.changeRoles(account, BUYER | SUPPLIER)
    receipt = market.chain.transact(call, market.operator_a)
    assert market.chain.events(receipt, market.participants, "RolesChanged") == [
        {
            "account": account,
            "previousRoles": BUYER,
            "roles": BUYER | SUPPLIER,
            "changedBy": market.operator_a,
        }
    ]
    assert market.participants.functions.participant(account).call()[1] == BUYER | SUPPLIER


def test_the_home_exchange_changes_roles_of_a_suspended_participant(market: Market) -> None:
    account = register(market, BUYER)
    suspend(market, account, market.operator_a)
    market.chain.transact(
        market.participants.functions.changeRoles(account, EVALUATOR), market.operator_a
    )
    assert market.participants.functions.participant(account).call()[1] == EVALUATOR


def test_another_exchange_cannot_change_roles(market: Market) -> None:
    account = register(market, BUYER)
    call = market.participants.functions.changeRoles(account, SUPPLIER)
    market.chain.expect_revert(call, market.operator_b, "NotHomeExchange", market.operator_b, A)


def test_a_regulator_cannot_change_roles(market: Market) -> None:
    account = register(market, BUYER)
    call = market.participants.functions.changeRoles(account, SUPPLIER)
    market.chain.expect_revert(call, market.regulator, "NotHomeExchange", market.regulator, A)


def test_a_suspended_home_exchange_cannot_change_roles(market: Market) -> None:
    account = register(market, BUYER)
    market.system.suspend_exchange(A)
    call = market.participants.functions.changeRoles(account, SUPPLIER)
    market.chain.expect_revert(call, market.operator_a, "NotHomeExchange", market.operator_a, A)


def test_change_roles_of_an_unregistered_account_reverts(market: Market) -> None:
    call = market.participants.functions.changeRoles(market.pool[9], SUPPLIER)
    market.chain.expect_revert(call, market.operator_a, "NotRegistered", market.pool[9])


def test_change_roles_of_a_revoked_participant_reverts(market: Market) -> None:
    account = register(market, BUYER)
    revoke(market, account)
    call = market.participants.functions.changeRoles(account, SUPPLIER)
    market.chain.expect_revert(call, market.operator_a, "InvalidStatus", account, REVOKED)


def test_change_roles_to_invalid_roles_reverts(market: Market) -> None:
    account = register(market, BUYER)
    call = market.participants.functions.changeRoles(account, 0)
    market.chain.expect_revert(call, market.operator_a, "InvalidRoles", 0)


def test_change_roles_to_the_same_roles_reverts(market: Market) -> None:
    account = register(market, BUYER)
    call = market.participants.functions.changeRoles(account, BUYER)
    market.chain.expect_revert(call, market.operator_a, "RolesUnchanged", account, BUYER)


# suspend


def test_the_home_exchange_suspends_a_participant(market: Market) -> None:
    account = register(market, SUPPLIER)
    call = market.participants.functions.suspend(account, h("late filings"))
    receipt = market.chain.transact(call, market.operator_a)
    assert market.chain.events(receipt, market.participants, "ParticipantSuspended") == [
        {
            "account": account,
            "suspendedBy": market.operator_a,
            "byRegulator": False,
            "reasonHash": h("late filings"),
        }
    ]
    assert status(market, account) == SUSPENDED_STATUS
    assert market.participants.functions.hasActiveRoles(account, SUPPLIER).call() is False
    assert market.participants.functions.isSuspendedByRegulator(account).call() is False


def test_a_regulator_suspends_a_participant_of_any_exchange(market: Market) -> None:
    account = register(market, SUPPLIER, operator=market.operator_b)
    call = market.participants.functions.suspend(account, h("inquiry"))
    receipt = market.chain.transact(call, market.regulator)
    assert market.chain.events(receipt, market.participants, "ParticipantSuspended") == [
        {
            "account": account,
            "suspendedBy": market.regulator,
            "byRegulator": True,
            "reasonHash": h("inquiry"),
        }
    ]
    assert status(market, account) == SUSPENDED_STATUS
    assert market.participants.functions.isSuspendedByRegulator(account).call() is True


def test_another_exchange_cannot_suspend(market: Market) -> None:
    account = register(market, SUPPLIER)
    call = market.participants.functions.suspend(account, h("x"))
    market.chain.expect_revert(call, market.operator_c, "NotHomeExchange", market.operator_c, A)


def test_suspending_a_suspended_participant_reverts(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.operator_a)
    call = market.participants.functions.suspend(account, h("again"))
    market.chain.expect_revert(call, market.operator_a, "InvalidStatus", account, SUSPENDED_STATUS)


def test_a_regulator_takes_over_an_exchange_suspension(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.operator_a)
    call = market.participants.functions.suspend(account, h("inquiry"))
    receipt = market.chain.transact(call, market.regulator)
    assert market.chain.events(receipt, market.participants, "ParticipantSuspended") == [
        {
            "account": account,
            "suspendedBy": market.regulator,
            "byRegulator": True,
            "reasonHash": h("inquiry"),
        }
    ]
    assert market.participants.functions.isSuspendedByRegulator(account).call() is True
    reinstate = market.participants.functions.reinstate(account)
    market.chain.expect_revert(reinstate, market.operator_a, "SuspendedByRegulator", account)
    assert status(market, account) == SUSPENDED_STATUS


def test_a_regulator_suspension_cannot_be_taken_over_again(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.regulator)
    call = market.participants.functions.suspend(account, h("again"))
    market.chain.expect_revert(call, market.regulator, "InvalidStatus", account, SUSPENDED_STATUS)


def test_suspending_a_revoked_participant_reverts(market: Market) -> None:
    account = register(market, SUPPLIER)
    revoke(market, account)
    call = market.participants.functions.suspend(account, h("again"))
    market.chain.expect_revert(call, market.regulator, "InvalidStatus", account, REVOKED)


def test_suspending_an_unregistered_account_reverts(market: Market) -> None:
    call = market.participants.functions.suspend(market.pool[9], h("x"))
    market.chain.expect_revert(call, market.regulator, "NotRegistered", market.pool[9])


# reinstate


def test_the_home_exchange_lifts_its_own_suspension(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.operator_a)
    receipt = market.chain.transact(
        market.participants.functions.reinstate(account), market.operator_a
    )
    assert market.chain.events(receipt, market.participants, "ParticipantReinstated") == [
        {"account": account, "reinstatedBy": market.operator_a}
    ]
    assert status(market, account) == ACTIVE
    assert market.participants.functions.hasActiveRoles(account, SUPPLIER).call() is True


def test_a_regulator_lifts_its_own_suspension(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.regulator)
    receipt = market.chain.transact(
        market.participants.functions.reinstate(account), market.regulator
    )
    assert market.chain.events(receipt, market.participants, "ParticipantReinstated") == [
        {"account": account, "reinstatedBy": market.regulator}
    ]
    assert status(market, account) == ACTIVE
    assert market.participants.functions.isSuspendedByRegulator(account).call() is False


def test_a_regulator_lifts_an_exchange_suspension(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.operator_a)
    market.chain.transact(market.participants.functions.reinstate(account), market.regulator)
    assert status(market, account) == ACTIVE


def test_the_home_exchange_cannot_lift_a_regulator_suspension(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.regulator)
    call = market.participants.functions.reinstate(account)
    market.chain.expect_revert(call, market.operator_a, "SuspendedByRegulator", account)


def test_another_exchange_cannot_reinstate(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.operator_a)
    call = market.participants.functions.reinstate(account)
    market.chain.expect_revert(call, market.operator_b, "NotHomeExchange", market.operator_b, A)


def test_reinstating_an_active_participant_reverts(market: Market) -> None:
    account = register(market, SUPPLIER)
    call = market.participants.functions.reinstate(account)
    market.chain.expect_revert(call, market.operator_a, "InvalidStatus", account, ACTIVE)


def test_reinstating_a_revoked_participant_reverts(market: Market) -> None:
    account = register(market, SUPPLIER)
    revoke(market, account)
    call = market.participants.functions.reinstate(account)
    market.chain.expect_revert(call, market.regulator, "InvalidStatus", account, REVOKED)


# revoke


def test_a_regulator_revokes_an_active_participant(market: Market) -> None:
    account = register(market, SUPPLIER)
    call = market.participants.functions.revoke(account, h("fraud"))
    receipt = market.chain.transact(call, market.regulator)
    assert market.chain.events(receipt, market.participants, "ParticipantRevoked") == [
        {"account": account, "revokedBy": market.regulator, "reasonHash": h("fraud")}
    ]
    assert status(market, account) == REVOKED


def test_a_regulator_revokes_a_suspended_participant(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.regulator)
    revoke(market, account)
    assert status(market, account) == REVOKED
    assert market.participants.functions.isSuspendedByRegulator(account).call() is False


def test_the_home_exchange_cannot_revoke(market: Market) -> None:
    account = register(market, SUPPLIER)
    call = market.participants.functions.revoke(account, h("x"))
    market.chain.expect_revert(call, market.operator_a, "NotRegulator", market.operator_a)


def test_revoking_twice_reverts(market: Market) -> None:
    account = register(market, SUPPLIER)
    revoke(market, account)
    call = market.participants.functions.revoke(account, h("x"))
    market.chain.expect_revert(call, market.regulator, "InvalidStatus", account, REVOKED)


def test_revoking_an_unregistered_account_reverts(market: Market) -> None:
    call = market.participants.functions.revoke(market.pool[9], h("x"))
    market.chain.expect_revert(call, market.regulator, "NotRegistered", market.pool[9])


# releaseCreditCode


def test_a_regulator_releases_a_revoked_company_which_may_then_register_afresh(
    market: Market,
) -> None:
    first = register(market, SUPPLIER, code="USCC-1")
    revoke(market, first)
    call = market.participants.functions.releaseCreditCode(first, h("rehabilitated"))
    receipt = market.chain.transact(call, market.regulator)
    assert market.chain.events(receipt, market.participants, "CreditCodeReleased") == [
        {
            "account": first,
            "creditCodeHash": credit_code_hash("USCC-1"),
            "releasedBy": market.regulator,
            "reasonHash": h("rehabilitated"),
        }
    ]
    assert market.participants.functions.accountOfCreditCode(
        credit_code_hash("USCC-1")
    ).call() == to_checksum_address(ZERO)

    second = register(market, SUPPLIER, operator=market.operator_b, code="USCC-1")
    assert market.participants.functions.participant(second).call()[0] == B
    assert status(market, first) == REVOKED


def test_releasing_the_credit_code_of_a_participant_not_revoked_reverts(market: Market) -> None:
    account = register(market, SUPPLIER)
    suspend(market, account, market.regulator)
    call = market.participants.functions.releaseCreditCode(account, h("x"))
    market.chain.expect_revert(call, market.regulator, "InvalidStatus", account, SUSPENDED_STATUS)


def test_only_a_regulator_releases_a_credit_code(market: Market) -> None:
    account = register(market, SUPPLIER)
    revoke(market, account)
    call = market.participants.functions.releaseCreditCode(account, h("x"))
    market.chain.expect_revert(call, market.operator_a, "NotRegulator", market.operator_a)


def test_releasing_a_credit_code_twice_reverts(market: Market) -> None:
    account = register(market, SUPPLIER, code="USCC-1")
    revoke(market, account)
    market.chain.transact(
        market.participants.functions.releaseCreditCode(account, h("x")), market.regulator
    )
    call = market.participants.functions.releaseCreditCode(account, h("x"))
    market.chain.expect_revert(
        call, market.regulator, "CreditCodeNotHeld", account, credit_code_hash("USCC-1")
    )


# hasActiveRoles


def test_has_active_roles_requires_every_bit_asked(market: Market) -> None:
    account = register(market, SUPPLIER | EVALUATOR)
    roles = market.participants.functions.hasActiveRoles
    assert roles(account, SUPPLIER).call() is True
    assert roles(account, SUPPLIER | EVALUATOR).call() is True
    assert roles(account, SUPPLIER | BUYER).call() is False


def test_an_unregistered_account_has_no_active_roles(market: Market) -> None:
    assert market.participants.functions.hasActiveRoles(market.pool[9], 0).call() is False
    assert market.participants.functions.participant(market.pool[9]).call() == (
        bytes(32),
        0,
        b"\0\0",
        bytes(32),
        NONE,
    )


def test_participants_registered_anywhere_are_visible_to_every_exchange(market: Market) -> None:
    account = register(market, BUYER, operator=market.operator_c)
    assert market.participants.functions.participant(account).call()[0] == C


def test_an_upgrade_of_the_implementation_keeps_every_participant(market: Market) -> None:
    account = register(market, SUPPLIER | BUYER, code="USCC-9")
    suspend(market, account, market.regulator)
    successor = market.chain.deploy("ParticipantRegistry")
    market.system.upgrade("ParticipantRegistry", successor.address)

    assert market.participants.functions.participant(account).call() == (
        A,
        SUPPLIER | BUYER,
        b"CN",
        credit_code_hash("USCC-9"),
        SUSPENDED_STATUS,
    )
    assert market.participants.functions.isSuspendedByRegulator(account).call() is True
    call = market.participants.functions.initialize(market.exchanges.address)
    market.chain.expect_revert(call, market.outsider, "AlreadyInitialized")
