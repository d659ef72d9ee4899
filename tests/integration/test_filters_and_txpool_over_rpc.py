"""Polled filters and txpool_status/txpool_content against a real node process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

from node.artifacts import load_artifact
from tests.support.node_process import NodeProcess, make_network, running_node, wait_for
from tests.support.rpc import RpcError, rpc

RECORDED_TOPIC = "0x" + keccak(text="Recorded(address,bytes32,uint256)").hex()
KEY = b"\x11" * 32
FILTER_NOT_FOUND = {"code": -32000, "message": "filter not found"}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    seeded = [bytes.fromhex(account(seed).address[2:]) for seed in (0x21, 0x31, 0x41)]
    with running_node(
        make_network(tmp_path_factory.mktemp("filters"), bootstrap=seeded)
    ) as process:
        yield process


def account(seed: int) -> LocalAccount:
    return Account.from_key(bytes([seed]) * 32)


def send(url: str, sender: LocalAccount, nonce: int, **fields: Any) -> str:
    tx = {
        "type": 2,
        "chainId": int(str(rpc(url, "eth_chainId")), 16),
        "nonce": nonce,
        "gas": 300_000,
        "value": 0,
        "maxFeePerGas": 0,
        "maxPriorityFeePerGas": 0,
        **fields,
    }
    raw = "0x" + sender.sign_transaction(tx).raw_transaction.hex()
    return str(rpc(url, "eth_sendRawTransaction", raw))


def receipt(url: str, tx_hash: str) -> dict[str, Any]:
    found: list[Any] = []
    wait_for(lambda: found.append(rpc(url, "eth_getTransactionReceipt", tx_hash)) or found[-1])
    return dict(found[-1])


def changes_until_some(url: str, filter_id: str) -> list[Any]:
    collected: list[Any] = []
    wait_for(lambda: collected.extend(rpc(url, "eth_getFilterChanges", filter_id)) or collected)
    return collected


def error_of(url: str, method: str, *params: object) -> dict[str, object]:
    with pytest.raises(RpcError) as caught:
        rpc(url, method, *params)
    return caught.value.error


def word(value: bytes) -> str:
    return "0x" + value.rjust(32, b"\x00").hex()


def test_a_block_filter_returns_each_new_block_hash_once(node: NodeProcess) -> None:
    url = node.rpc_url
    before = int(str(rpc(url, "eth_blockNumber")), 16)
    filter_id = str(rpc(url, "eth_newBlockFilter"))
    after = int(str(rpc(url, "eth_blockNumber")), 16)

    first = changes_until_some(url, filter_id)
    wait_for(lambda: int(str(rpc(url, "eth_blockNumber")), 16) > after + len(first))
    second = changes_until_some(url, filter_id)

    assert re.fullmatch(r"0x[1-9a-f][0-9a-f]{0,31}", filter_id)
    numbers = [int(rpc(url, "eth_getBlockByHash", h, False)["number"], 16) for h in first + second]  # type: ignore[index]
    # A block committed while the filter was being installed may or may not be reported.
    assert before <= numbers[0] <= after + 1
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def test_a_pending_transaction_filter_returns_a_submitted_hash_once(node: NodeProcess) -> None:
    url = node.rpc_url
    filter_id = str(rpc(url, "eth_newPendingTransactionFilter"))

    tx_hash = send(url, account(0x21), 0, to="0x" + "22" * 20)
    receipt(url, tx_hash)

    assert rpc(url, "eth_getFilterChanges", filter_id) == [tx_hash]
    assert rpc(url, "eth_getFilterChanges", filter_id) == []


def test_a_log_filter_returns_a_new_recorder_log_once(node: NodeProcess) -> None:
    url = node.rpc_url
    author = account(0x31)
    deployed = receipt(
        url, send(url, author, 0, gas=1_000_000, data=load_artifact("Recorder").bytecode)
    )
    recorder = to_checksum_address(deployed["contractAddress"])
    filter_id = str(rpc(url, "eth_newFilter", {"fromBlock": "0x0", "address": recorder}))
    call = keccak(text="record(bytes32,uint256)")[:4] + abi_encode(
        ["bytes32", "uint256"], [KEY, 42]
    )

    recorded = receipt(url, send(url, author, 1, to=recorder, data=call))
    changes = changes_until_some(url, filter_id)

    assert changes == rpc(url, "eth_getLogs", {"blockHash": recorded["blockHash"]})
    (log,) = changes
    assert (log["address"], log["topics"], log["data"], log["transactionHash"]) == (
        recorder.lower(),
        [RECORDED_TOPIC, word(bytes.fromhex(author.address[2:])), word(KEY)],
        word((42).to_bytes(32, "big")),
        recorded["transactionHash"],
    )
    assert rpc(url, "eth_getFilterChanges", filter_id) == []
    assert rpc(url, "eth_getFilterLogs", filter_id) == changes


def test_an_uninstalled_filter_is_not_found(node: NodeProcess) -> None:
    url = node.rpc_url
    filter_id = str(rpc(url, "eth_newBlockFilter"))

    assert rpc(url, "eth_uninstallFilter", filter_id) is True
    assert error_of(url, "eth_getFilterChanges", filter_id) == FILTER_NOT_FOUND
    assert rpc(url, "eth_uninstallFilter", filter_id) is False


def test_filter_logs_of_a_block_filter_or_an_unknown_id_are_not_found(node: NodeProcess) -> None:
    url = node.rpc_url
    block_filter = str(rpc(url, "eth_newBlockFilter"))

    assert error_of(url, "eth_getFilterLogs", block_filter) == FILTER_NOT_FOUND
    assert error_of(url, "eth_getFilterChanges", "0x" + "ab" * 16) == FILTER_NOT_FOUND


def test_a_log_filter_by_block_hash_is_refused(node: NodeProcess) -> None:
    block_hash = rpc(node.rpc_url, "eth_getBlockByNumber", "0x0", False)["hash"]  # type: ignore[index]

    assert error_of(node.rpc_url, "eth_newFilter", {"blockHash": block_hash}) == {
        "code": -32000,
        "message": "blockHash is not supported by eth_newFilter, use eth_getLogs",
    }


def test_txpool_status_and_content_show_a_future_nonce_transaction_as_queued(
    node: NodeProcess,
) -> None:
    url = node.rpc_url
    sender = account(0x41)
    tx_hash = send(url, sender, 5, to="0x" + "22" * 20)
    wait_for(lambda: rpc(url, "txpool_status")["pending"] == "0x0")  # type: ignore[index]

    content: Any = rpc(url, "txpool_content")

    assert rpc(url, "txpool_status") == {"pending": "0x0", "queued": "0x1"}
    assert content["pending"] == {}
    assert list(content["queued"]) == [sender.address]
    (queued,) = content["queued"][sender.address].items()
    assert (queued[0], queued[1]["hash"], queued[1]["nonce"], queued[1]["blockHash"]) == (
        "5",
        tx_hash,
        "0x5",
        None,
    )
    assert queued[1] == rpc(url, "eth_getTransactionByHash", tx_hash)
