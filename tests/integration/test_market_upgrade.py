"""An upgrade of one system contract on a real node (24-exchange consortium, one validator,
upgrade delay shortened to UPGRADE_DELAY seconds in the consortium file): it needs 16 of the 24
exchanges and a regulator, waits the delay, and keeps the contract's storage; without the
approvals it is refused with the exact error."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from eth_utils import keccak, to_checksum_address
from web3.types import TxReceipt

from client import connect
from client.artifacts import load_artifact
from client.contracts import send
from genesis.consortium import load_consortium
from tests.contracts.harness import Reverted
from tests.support.market_node import (
    GAS,
    MarketNode,
    consortium_file,
    operator,
    participant,
    regulator,
)
from tests.support.node_process import make_consortium_network, running_node

UPGRADE_DELAY = 15
"""Long enough that an execution attempted right after scheduling is early, short for a test."""
IMPLEMENTATION_SLOT = int.from_bytes(keccak(text="eip1967.proxy.implementation")) - 1
BUYER = 1 << 1
QUORUM = 16


@dataclass
class Upgrade:
    market: MarketNode
    codes: list[str]
    participant_before: tuple[Any, ...] = ()
    implementation: str = ""
    proposal: int = 0
    unapproved_by_regulator: int = 0
    receipts: dict[str, TxReceipt] = field(default_factory=dict)
    refusals: dict[str, tuple[Reverted, int]] = field(default_factory=dict)


def approve_by(m: MarketNode, proposal_id: int, codes: list[str]) -> None:
    """Every exchange of `codes` approves, all transactions sent before any is waited for."""
    registry = m.contract("ExchangeRegistry").functions
    hashes = []
    for code in codes:
        account = operator(code)
        transaction = registry.approve(proposal_id).build_transaction(
            {
                "from": account.address,
                "nonce": m.w3.eth.get_transaction_count(account.address, "pending"),
                "gas": GAS,
                "maxFeePerGas": 0,
                "maxPriorityFeePerGas": 0,
            }
        )
        signed = account.sign_transaction(dict(transaction))
        hashes.append(m.w3.eth.send_raw_transaction(signed.raw_transaction))
    for tx_hash in hashes:
        assert m.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60)["status"] == 1


def propose_upgrade(m: MarketNode, implementation: str, proposer: str) -> int:
    registry = m.contract("ExchangeRegistry")
    proxy = m.contract("ParticipantRegistry").address
    receipt = m.send(registry.functions.proposeUpgrade(proxy, implementation), operator(proposer))
    [created] = m.events(receipt, "ExchangeRegistry", "ProposalCreated")
    return int(created["proposalId"])


def run_upgrade(m: MarketNode, up: Upgrade) -> None:
    registry = m.contract("ExchangeRegistry").functions
    participants = m.contract("ParticipantRegistry").functions
    account = participant(7).address
    m.send(participants.register(account, BUYER, b"CN", keccak(text="credit|7")), operator("SHDE"))
    up.participant_before = tuple(participants.participant(account).call())

    artifact = load_artifact("ParticipantRegistry")
    factory = m.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    # Only regulators and exchange operators may create contracts (permissioning).
    deployed = send(m.w3, factory.constructor(), operator(up.codes[0]), gas=GAS)  # type: ignore[arg-type]
    assert deployed["status"] == 1
    up.implementation = to_checksum_address(deployed["contractAddress"])

    up.proposal = propose_upgrade(m, up.implementation, up.codes[0])
    approve_by(m, up.proposal, up.codes[: QUORUM - 1])
    m.send(registry.approveUpgrade(up.proposal), regulator())
    up.refusals["15 exchanges"] = m.attempt(registry.scheduleUpgrade(up.proposal), regulator())
    approve_by(m, up.proposal, up.codes[QUORUM - 1 : QUORUM])
    up.receipts["scheduled"] = m.send(registry.scheduleUpgrade(up.proposal), regulator())
    up.refusals["early"] = m.attempt(registry.execute(up.proposal), regulator())

    up.unapproved_by_regulator = propose_upgrade(m, up.implementation, up.codes[1])
    approve_by(m, up.unapproved_by_regulator, up.codes[:QUORUM])
    up.refusals["no regulator"] = m.attempt(
        registry.scheduleUpgrade(up.unapproved_by_regulator), operator(up.codes[2])
    )

    [scheduled] = m.events(up.receipts["scheduled"], "ExchangeRegistry", "UpgradeScheduled")
    while m.now < scheduled["executableAt"]:
        time.sleep(1)
    up.receipts["executed"] = m.send(registry.execute(up.proposal), operator(up.codes[3]))


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upgrade]:
    root = tmp_path_factory.mktemp("upgrade")
    consortium = consortium_file(root, upgrade_delay=UPGRADE_DELAY)
    codes = [e.code for e in load_consortium(consortium).exchanges]
    datadir = make_consortium_network(root, consortium)
    with running_node(datadir) as node:
        up = Upgrade(MarketNode(connect(node.rpc_url)), codes)
        run_upgrade(up.market, up)
        yield up


def test_the_regulator_approval_and_fifteen_exchanges_do_not_schedule_an_upgrade(
    upgrade: Upgrade,
) -> None:
    assert upgrade.refusals["15 exchanges"] == (
        Reverted("QuorumNotReached", (upgrade.proposal, QUORUM - 1, QUORUM)),
        0,
    )


def test_sixteen_exchanges_without_a_regulator_do_not_schedule_an_upgrade(
    upgrade: Upgrade,
) -> None:
    assert upgrade.refusals["no regulator"] == (
        Reverted("RegulatorApprovalMissing", (upgrade.unapproved_by_regulator,)),
        0,
    )


def test_a_scheduled_upgrade_waits_the_genesis_delay(upgrade: Upgrade) -> None:
    m = upgrade.market
    [scheduled] = m.events(upgrade.receipts["scheduled"], "ExchangeRegistry", "UpgradeScheduled")
    block = m.w3.eth.get_block(upgrade.receipts["scheduled"]["blockNumber"])
    assert scheduled == {
        "proposalId": upgrade.proposal,
        "executableAt": block["timestamp"] + UPGRADE_DELAY,
    }
    assert upgrade.refusals["early"] == (
        Reverted("UpgradeDelayNotElapsed", (upgrade.proposal, scheduled["executableAt"])),
        0,
    )


def test_the_executed_upgrade_points_the_proxy_at_the_new_implementation(
    upgrade: Upgrade,
) -> None:
    m = upgrade.market
    proxy = m.contract("ParticipantRegistry").address
    [executed] = m.events(upgrade.receipts["executed"], "ExchangeRegistry", "UpgradeExecuted")
    assert executed == {
        "proposalId": upgrade.proposal,
        "proxy": proxy,
        "implementation": upgrade.implementation,
    }
    stored = m.w3.eth.get_storage_at(proxy, IMPLEMENTATION_SLOT)
    assert to_checksum_address(stored[-20:]) == upgrade.implementation


def test_the_upgraded_contract_keeps_its_storage(upgrade: Upgrade) -> None:
    participants = upgrade.market.contract("ParticipantRegistry").functions
    assert tuple(participants.participant(participant(7).address).call()) == (
        upgrade.participant_before
    )
    assert upgrade.participant_before[1] == BUYER
