"""The node reads roles and nodes from the registries' storage: each reading equals what the
contracts' own view functions answer, on the six real system contracts."""

from __future__ import annotations

from eth.abc import StateAPI
from eth_utils import keccak, to_checksum_address

from client.contracts import ExchangeStatus
from node.chain.node_permissions import RegisteredNode, RegisteredNodes
from node.chain.registry_members import (
    AccountRoles,
    ParticipantStatus,
    read_account_roles,
    read_exchange_nodes,
    read_regulator_root,
    registries_deployed,
)
from tests.contracts.market import EXCHANGE_A, EXCHANGE_SUSPENDED, Market, h


def state(market: Market) -> StateAPI:
    return market.chain.tester.backend.chain.get_vm().state  # type: ignore[no-any-return]


def raw(address: str) -> bytes:
    return bytes.fromhex(address[2:])


def roles_by_views(market: Market, account: str) -> AccountRoles:
    registry = market.exchanges.functions
    code = registry.operatorExchange(account).call()
    homeExchange, roles, _, _, status = market.participants.functions.participant(account).call()
    return AccountRoles(
        regulator_root=registry.regulatorRoot().call() == account,
        regulator=registry.isRegulator(account).call(),
        operator_of=code.rstrip(b"\0").decode() if any(code) else None,
        exchange_status=ExchangeStatus(registry.exchangeStatus(code).call()),
        participant_status=ParticipantStatus(status),
        participant_roles=roles,
        home_exchange=homeExchange.rstrip(b"\0").decode() if status else None,
    )


def everyone(market: Market) -> list[str]:
    return [
        market.system.regulator_root, market.regulator, market.operator_a, market.operator_b,
        market.operator_suspended, market.seller, market.buyer, market.foreign_buyer,
        market.stranger, market.evaluator,
    ]  # fmt: skip


def test_the_regulator_root_read_from_storage_is_the_registrys(market: Market) -> None:
    root = read_regulator_root(state(market))
    assert root is not None
    assert to_checksum_address(root) == market.exchanges.functions.regulatorRoot().call()


def test_every_accounts_roles_read_from_storage_equal_the_views(market: Market) -> None:
    current = state(market)
    root = read_regulator_root(current)
    for account in everyone(market):
        assert read_account_roles(current, raw(account), root) == roles_by_views(market, account)


def test_roles_read_from_storage_follow_suspension_and_revocation(market: Market) -> None:
    participants = market.participants.functions
    market.chain.transact(participants.suspend(market.seller, h("late")), market.operator_a)
    market.chain.transact(participants.revoke(market.buyer, h("fraud")), market.regulator)
    current = state(market)
    root = read_regulator_root(current)
    seller = read_account_roles(current, raw(market.seller), root)
    buyer = read_account_roles(current, raw(market.buyer), root)
    assert (seller.participant_status, buyer.participant_status) == (
        ParticipantStatus.SUSPENDED,
        ParticipantStatus.REVOKED,
    )
    assert seller == roles_by_views(market, market.seller)
    assert buyer == roles_by_views(market, market.buyer)


def test_an_operator_of_the_suspended_exchange_reads_as_such(market: Market) -> None:
    current = state(market)
    roles = read_account_roles(
        current, raw(market.operator_suspended), read_regulator_root(current)
    )
    assert (roles.operator_of, roles.exchange_status) == ("XXDE", ExchangeStatus.SUSPENDED)


def test_exchange_nodes_read_from_storage_equal_the_views(market: Market) -> None:
    observers = [to_checksum_address(keccak(text=f"observer-{i}")[12:]) for i in range(3)]
    registry = market.exchanges.functions
    validator = registry.exchange(EXCHANGE_A).call()[3]
    market.system.pass_proposal(registry.proposeNodes(EXCHANGE_A, validator, observers))
    expected = []
    for code in registry.exchangeCodes().call():
        _, _, _, validator, listed, status = registry.exchange(code).call()
        expected.append(
            (
                code.rstrip(b"\0").decode(),
                ExchangeStatus(status),
                raw(validator) if int(validator, 16) else None,
                tuple(raw(o) for o in listed),
            )
        )
    read = [
        (e.code, e.status, e.validator, e.observers) for e in read_exchange_nodes(state(market))
    ]
    assert read == expected
    assert read[0][3] == tuple(raw(o) for o in observers)
    assert next(e for e in read if e[0] == EXCHANGE_SUSPENDED.rstrip(b"\0").decode())[1] == (
        ExchangeStatus.SUSPENDED
    )


def test_a_state_without_the_registries_has_none(market: Market) -> None:
    from eth.constants import BLANK_ROOT_HASH
    from eth.db.atomic import AtomicDB
    from eth.vm.forks.prague import PragueVM

    empty = PragueVM.get_state_class()(AtomicDB(), state(market).execution_context, BLANK_ROOT_HASH)
    assert registries_deployed(state(market))
    assert not registries_deployed(empty)
    assert read_regulator_root(empty) is None


def test_the_registry_admits_active_exchanges_observers_and_regulators_nodes(
    market: Market,
) -> None:
    registry = market.exchanges.functions
    active, suspended = (keccak(text=f"observer-{n}")[12:] for n in ("a", "x"))
    for code, observer in ((EXCHANGE_A, active), (EXCHANGE_SUSPENDED, suspended)):
        validator = registry.exchange(code).call()[3]
        market.system.pass_proposal(
            registry.proposeNodes(code, validator, [to_checksum_address(observer)])
        )
    nodes = RegisteredNodes(state(market))
    assert nodes.registered(active) == RegisteredNode(active, "observer", "SZDE")
    assert nodes.registered(suspended) is None
    assert nodes.registered(raw(market.regulator)) == RegisteredNode(
        raw(market.regulator), "regulator"
    )
    root = raw(market.system.regulator_root)
    assert nodes.registered(root) == RegisteredNode(root, "regulator-root")
    assert nodes.registered(raw(market.operator_a)) is None
