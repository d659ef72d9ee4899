"""web3.py and eth-account against a real node process on loopback, with their defaults."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import Web3RPCError
from web3.types import TxReceipt

from client import connect
from node.artifacts import load_artifact
from tests.support.node_process import NodeProcess, make_network, running_node

SENDERS = 10
CALLS_PER_SENDER = 20


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    used = [*range(SENDERS), 4, 500, 999]
    datadir = make_network(
        tmp_path_factory.mktemp("e2e"),
        bootstrap=[bytes.fromhex(fresh_account(i).address[2:]) for i in used],
    )
    with running_node(datadir) as process:
        yield process


@pytest.fixture(scope="module")
def w3(node: NodeProcess) -> Web3:
    return connect(node.rpc_url)


def fresh_account(index: int) -> LocalAccount:
    """Accounts that never received any balance: gas is free on this chain."""
    return Account.from_key((0xE2E000 + index).to_bytes(32, "big"))


def send(w3: Web3, account: LocalAccount, tx: dict[str, object]) -> bytes:
    signed = account.sign_transaction(tx)
    return bytes(w3.eth.send_raw_transaction(signed.raw_transaction))


@pytest.fixture(scope="module")
def recorder(w3: Web3) -> tuple[str, TxReceipt]:
    artifact = load_artifact("Recorder")
    deployer = fresh_account(999)
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    tx = factory.constructor().build_transaction(
        {"from": deployer.address, "nonce": w3.eth.get_transaction_count(deployer.address)}
    )
    receipt = w3.eth.wait_for_transaction_receipt(send(w3, deployer, tx), timeout=60)
    return str(receipt["contractAddress"]), receipt


@pytest.fixture(scope="module")
def recorded(w3: Web3, recorder: tuple[str, TxReceipt]) -> list[TxReceipt]:
    """200 record() calls from 10 zero-balance accounts, fees filled in by web3.py."""
    address, _ = recorder
    contract = w3.eth.contract(address=address, abi=load_artifact("Recorder").abi)
    hashes = []
    for sender_index in range(SENDERS):
        account = fresh_account(sender_index)
        nonce = w3.eth.get_transaction_count(account.address)
        for call in range(CALLS_PER_SENDER):
            key = bytes([sender_index, call]).rjust(32, b"\x00")
            tx = contract.functions.record(key, sender_index * 1000 + call).build_transaction(
                {"from": account.address, "nonce": nonce + call}
            )
            hashes.append(send(w3, account, tx))
    return [w3.eth.wait_for_transaction_receipt(h, timeout=120) for h in hashes]


def test_contract_deployment_from_a_zero_balance_account_succeeds(
    w3: Web3, recorder: tuple[str, TxReceipt]
) -> None:
    address, receipt = recorder
    assert receipt["status"] == 1
    assert w3.eth.get_code(address) == load_artifact("Recorder").deployed_bytecode


def test_every_one_of_200_calls_from_10_zero_balance_accounts_succeeds(
    recorded: list[TxReceipt],
) -> None:
    assert len(recorded) == SENDERS * CALLS_PER_SENDER
    assert {receipt["status"] for receipt in recorded} == {1}


def test_calls_change_contract_state(
    w3: Web3, recorder: tuple[str, TxReceipt], recorded: object
) -> None:
    contract = w3.eth.contract(address=recorder[0], abi=load_artifact("Recorder").abi)
    key = bytes([3, 7]).rjust(32, b"\x00")
    assert contract.functions.values(key).call() == 3007


def test_logs_filtered_by_address_return_every_event(
    w3: Web3, recorder: tuple[str, TxReceipt], recorded: list[TxReceipt]
) -> None:
    first = min(r["blockNumber"] for r in recorded)
    last = max(r["blockNumber"] for r in recorded)
    logs = w3.eth.get_logs({"address": recorder[0], "fromBlock": first, "toBlock": last})
    assert len(logs) == SENDERS * CALLS_PER_SENDER
    assert {log["transactionHash"] for log in logs} == {r["transactionHash"] for r in recorded}


def test_logs_filtered_by_author_topic_return_that_senders_events(
    w3: Web3, recorder: tuple[str, TxReceipt], recorded: list[TxReceipt]
) -> None:
    contract = w3.eth.contract(address=recorder[0], abi=load_artifact("Recorder").abi)
    author = fresh_account(4).address
    topic = "0x" + bytes.fromhex(author[2:]).rjust(32, b"\x00").hex()
    logs = w3.eth.get_logs(
        {
            "address": recorder[0],
            "fromBlock": 0,
            "toBlock": "latest",
            "topics": [contract.events.Recorded().topic, topic],
        }
    )
    assert len(logs) == CALLS_PER_SENDER
    decoded = [contract.events.Recorded().process_log(log)["args"] for log in logs]
    assert sorted(event["value"] for event in decoded) == [4000 + i for i in range(20)]


def test_a_nonzero_tip_from_a_zero_balance_account_is_refused_for_insufficient_funds(
    w3: Web3, recorder: tuple[str, TxReceipt]
) -> None:
    account = fresh_account(500)
    tx = {
        "type": 2,
        "chainId": w3.eth.chain_id,
        "nonce": 0,
        "to": recorder[0],
        "gas": 100_000,
        "maxFeePerGas": 10**9,
        "maxPriorityFeePerGas": 10**9,
        "value": 0,
        "data": "0x",
    }
    with pytest.raises(Web3RPCError) as refused:
        send(w3, account, tx)
    assert refused.value.rpc_response["error"]["code"] == -32000
    assert refused.value.rpc_response["error"]["message"] == (
        "insufficient funds for gas * price + value: balance 0, "
        "tx cost 100000000000000, overshot 100000000000000"
    )


def test_safe_and_finalized_blocks_are_the_head(w3: Web3, recorded: object) -> None:
    head = w3.eth.get_block("latest")
    for tag in ("safe", "finalized"):
        assert w3.eth.get_block(tag)["number"] >= head["number"]


def test_the_fee_defaults_web3_uses_are_zero(w3: Web3) -> None:
    assert w3.eth.gas_price == 0
    assert w3.eth.max_priority_fee == 0
    assert w3.eth.get_block("latest")["baseFeePerGas"] == 0
