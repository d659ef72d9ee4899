"""UpgradeProxy: storage stays at the proxy; only the admin upgrades and never falls through."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from node.artifacts import load_artifact
from tests.contracts.harness import ContractChain

IMPLEMENTATION_SLOT = int.from_bytes(keccak(text="eip1967.proxy.implementation")) - 1
ADMIN_SLOT = int.from_bytes(keccak(text="eip1967.proxy.admin")) - 1
UPGRADE_TO = keccak(text="upgradeTo(address)")[:4]


@pytest.fixture
def chain() -> ContractChain:
    return ContractChain()


def _proxy_for_recorder(chain: ContractChain, admin: str):  # type: ignore[no-untyped-def]
    implementation = chain.deploy("Recorder")
    proxy = chain.deploy("UpgradeProxy", implementation.address, admin, b"")
    return implementation, proxy, chain.at("Recorder", proxy.address)


def _upgrade_call(chain: ContractChain, proxy: str, sender: str, target: str) -> dict:  # type: ignore[type-arg]
    data = UPGRADE_TO + bytes(12) + bytes.fromhex(target[2:])
    tx = chain.w3.eth.send_transaction({"from": sender, "to": proxy, "data": data, "gas": 200_000})
    return dict(chain.w3.eth.get_transaction_receipt(tx))


def test_construction_records_implementation_and_admin_in_eip1967_slots(
    chain: ContractChain,
) -> None:
    admin = chain.accounts[1]
    implementation, proxy, _ = _proxy_for_recorder(chain, admin)
    stored = chain.w3.eth.get_storage_at(proxy.address, IMPLEMENTATION_SLOT)
    assert stored[-20:] == bytes.fromhex(implementation.address[2:])
    assert chain.w3.eth.get_storage_at(proxy.address, ADMIN_SLOT)[-20:] == bytes.fromhex(admin[2:])


def test_calls_run_the_implementation_in_the_proxy_storage(chain: ContractChain) -> None:
    implementation, _, through_proxy = _proxy_for_recorder(chain, chain.accounts[1])
    chain.transact(through_proxy.functions.record(b"\x01" * 32, 42), chain.accounts[2])
    assert through_proxy.functions.values(b"\x01" * 32).call() == 42
    assert implementation.functions.values(b"\x01" * 32).call() == 0


def test_the_admin_upgrades_and_storage_survives(chain: ContractChain) -> None:
    admin = chain.accounts[1]
    _, proxy, through_proxy = _proxy_for_recorder(chain, admin)
    chain.transact(through_proxy.functions.record(b"\x01" * 32, 42), chain.accounts[2])
    second = chain.deploy("Recorder")
    receipt = _upgrade_call(chain, proxy.address, admin, second.address)
    assert receipt["status"] == 1
    upgraded = chain.events(receipt, proxy, "Upgraded")  # type: ignore[arg-type]
    assert upgraded == [{"implementation": second.address}]
    stored = chain.w3.eth.get_storage_at(proxy.address, IMPLEMENTATION_SLOT)
    assert stored[-20:] == bytes.fromhex(second.address[2:])
    assert through_proxy.functions.values(b"\x01" * 32).call() == 42


def test_anyone_else_s_upgrade_call_is_forwarded_and_changes_nothing(chain: ContractChain) -> None:
    implementation, proxy, _ = _proxy_for_recorder(chain, chain.accounts[1])
    other = chain.deploy("Recorder")
    receipt = _upgrade_call(chain, proxy.address, chain.accounts[2], other.address)
    assert receipt["status"] == 0
    stored = chain.w3.eth.get_storage_at(proxy.address, IMPLEMENTATION_SLOT)
    assert stored[-20:] == bytes.fromhex(implementation.address[2:])


def test_the_admin_cannot_call_the_implementation(chain: ContractChain) -> None:
    admin = chain.accounts[1]
    _, _, through_proxy = _proxy_for_recorder(chain, admin)
    call = through_proxy.functions.record(b"\x01" * 32, 1)
    chain.expect_revert(call, admin, "AdminCannotFallback", admin)


def test_an_upgrade_to_an_account_without_code_is_refused(chain: ContractChain) -> None:
    admin = chain.accounts[1]
    implementation, proxy, _ = _proxy_for_recorder(chain, admin)
    receipt = _upgrade_call(chain, proxy.address, admin, chain.accounts[3])
    assert receipt["status"] == 0
    stored = chain.w3.eth.get_storage_at(proxy.address, IMPLEMENTATION_SLOT)
    assert stored[-20:] == bytes.fromhex(implementation.address[2:])


def test_the_initialize_call_runs_in_the_proxy_storage_at_construction(
    chain: ContractChain,
) -> None:
    implementation = chain.deploy("Recorder")
    init = implementation.functions.record(b"\x05" * 32, 7)._encode_transaction_data()
    proxy = chain.deploy("UpgradeProxy", implementation.address, chain.accounts[1], init)
    assert chain.at("Recorder", proxy.address).functions.values(b"\x05" * 32).call() == 7


def test_a_failing_initialize_call_aborts_construction_with_its_error(
    chain: ContractChain,
) -> None:
    implementation = chain.deploy("Recorder")
    init = implementation.functions.reject(9)._encode_transaction_data()
    artifact = load_artifact("UpgradeProxy")
    factory = chain.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    constructor = factory.constructor(implementation.address, chain.accounts[1], init)
    chain.expect_revert(constructor, chain.accounts[0], "Rejected", 9)
