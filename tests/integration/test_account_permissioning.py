"""Account permissioning and sender quotas on a real node (`dcl run` on the sample consortium's
genesis, one validator): who may transact is read from the registries after the head, so an
unregistered account is refused at JSON-RPC, a suspended participant from the block after its
suspension (and its pooled transactions are dropped), and a sender over its quota is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from client import connect
from tests.support.market_node import MarketNode, operator, participant
from tests.support.node_process import NodeProcess, make_consortium_network, start_node, wait_for
from tests.support.rpc import RpcError, rpc

CHAIN_ID = 1337
SUPPLIER = 1
BURST = 5
NOT_REGISTERED = (
    "account not permitted: {} is not registered (no operator of an active exchange,"
    " regulator, regulator root or active participant)"
)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    datadir = make_consortium_network(tmp_path_factory.mktemp("permissioning"))
    process = start_node(datadir)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def strict_node(tmp_path: Path) -> Iterator[NodeProcess]:
    """A node whose pool lets a sender add a few transactions at once and then almost none."""
    datadir = make_consortium_network(tmp_path)
    process = start_node(
        datadir, "--txpool-sender-burst", str(BURST), "--txpool-sender-rate", "0.01"
    )
    try:
        yield process
    finally:
        process.stop()


def transfer(account: LocalAccount, nonce: int, **changes: Any) -> str:
    fields = {
        "type": 2, "chainId": CHAIN_ID, "nonce": nonce, "to": account.address, "gas": 21_000,
        "value": 0, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0, **changes,
    }  # fmt: skip
    return "0x" + account.sign_transaction(fields).raw_transaction.hex()


def refusal(node: NodeProcess, raw: str) -> tuple[int, str]:
    with pytest.raises(RpcError) as refused:
        rpc(node.rpc_url, "eth_sendRawTransaction", raw)
    return int(refused.value.error["code"]), str(refused.value.error["message"])  # type: ignore[call-overload]


def register(market: MarketNode, account: LocalAccount) -> None:
    registry = market.contract("ParticipantRegistry").functions
    credit = keccak(text=f"consortium-key|{account.address}")
    market.send(registry.register(account.address, SUPPLIER, b"CN", credit), operator("SHDE"))


def test_an_unregistered_accounts_transaction_is_refused_at_json_rpc(node: NodeProcess) -> None:
    stranger = Account.from_key(keccak(b"an account no exchange registered"))
    assert refusal(node, transfer(stranger, 0)) == (
        -32000,
        NOT_REGISTERED.format(stranger.address),
    )


def test_a_registered_participant_transacts_and_may_not_create_contracts(
    node: NodeProcess,
) -> None:
    market = MarketNode(connect(node.rpc_url))
    account = participant(11)
    register(market, account)
    receipt = market.w3.eth.wait_for_transaction_receipt(
        rpc(node.rpc_url, "eth_sendRawTransaction", transfer(account, 0)), timeout=60
    )
    assert receipt["status"] == 1
    creation = transfer(account, 1, to=None, data="0x6000", gas=100_000)
    assert refusal(node, creation) == (
        -32000,
        f"account not permitted: {account.address} may not create contracts: only regulators,"
        " the regulator root and operators of active exchanges may",
    )


def pooled(node: NodeProcess, tx_hash: str) -> bool:
    return rpc(node.rpc_url, "eth_getTransactionByHash", tx_hash) is not None


def test_a_suspended_participants_next_transaction_fails_and_its_pooled_ones_are_dropped(
    node: NodeProcess,
) -> None:
    market = MarketNode(connect(node.rpc_url))
    account = participant(12)
    register(market, account)
    waiting = [  # nonce 0 is missing: these wait in the pool
        str(rpc(node.rpc_url, "eth_sendRawTransaction", transfer(account, nonce)))
        for nonce in (1, 2)
    ]
    assert all(pooled(node, tx_hash) for tx_hash in waiting)
    registry = market.contract("ParticipantRegistry").functions
    market.send(registry.suspend(account.address, keccak(text="late filing")), operator("SHDE"))

    wait_for(lambda: not any(pooled(node, tx_hash) for tx_hash in waiting), timeout=30)
    assert refusal(node, transfer(account, 0)) == (
        -32000,
        f"account not permitted: {account.address} may not transact: it is a suspended participant",
    )
    status = rpc(node.rpc_url, "perm_getAccountStatus", account.address)
    assert status["permitted"] is False  # type: ignore[index]


def test_a_sender_over_its_rate_quota_is_refused(strict_node: NodeProcess) -> None:
    node = strict_node
    market = MarketNode(connect(node.rpc_url))
    account = participant(13)
    register(market, account)
    for nonce in range(BURST):  # future nonces: they stay queued, and count all the same
        rpc(node.rpc_url, "eth_sendRawTransaction", transfer(account, nonce + 1))
    assert refusal(node, transfer(account, BURST + 1)) == (
        -32000,
        f"sender rate exceeded: {account.address} may add 0.01 transactions a second,"
        f" {BURST} at once",
    )
