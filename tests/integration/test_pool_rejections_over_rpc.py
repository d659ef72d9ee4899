"""eth_sendRawTransaction refusals reach the caller as geth's -32000 errors, word for word."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from eth_account import Account

from tests.support.node_process import NodeProcess, make_network, running_node, wait_for

SENDER = Account.from_key(b"\x07" * 32)
TO = "0x" + "22" * 20


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    bootstrap = [bytes.fromhex(SENDER.address[2:])]
    with running_node(
        make_network(tmp_path_factory.mktemp("rejections"), bootstrap=bootstrap)
    ) as process:
        yield process


def call(url: str, method: str, *params: object) -> dict[str, object]:
    body = {"jsonrpc": "2.0", "id": 7, "method": method, "params": list(params)}
    return dict(requests.post(url, json=body, timeout=30).json())


def signed(chain_id: int = 1337, **fields: object) -> str:
    tx = {
        "type": 2, "chainId": chain_id, "nonce": 0, "gas": 21_000, "to": TO, "value": 0,
        "maxFeePerGas": 0, "maxPriorityFeePerGas": 0, **fields,
    }  # fmt: skip
    return "0x" + SENDER.sign_transaction(tx).raw_transaction.hex()


def error_of(url: str, raw: str) -> dict[str, object]:
    reply = call(url, "eth_sendRawTransaction", raw)
    assert "error" in reply, reply
    return dict(reply["error"])  # type: ignore[arg-type]


def test_a_nonce_below_the_account_nonce_is_refused_with_nonce_too_low(node: NodeProcess) -> None:
    first = signed(nonce=0)
    tx_hash = call(node.rpc_url, "eth_sendRawTransaction", first)["result"]
    wait_for(lambda: call(node.rpc_url, "eth_getTransactionReceipt", tx_hash)["result"])
    again = signed(nonce=0, gas=21_001)
    assert error_of(node.rpc_url, again) == {
        "code": -32000,
        "message": "nonce too low: next nonce 1, tx nonce 0",
    }


def test_the_same_transaction_twice_is_refused_as_already_known(node: NodeProcess) -> None:
    raw = signed(nonce=50)
    assert "result" in call(node.rpc_url, "eth_sendRawTransaction", raw)
    assert error_of(node.rpc_url, raw) == {"code": -32000, "message": "already known"}


def test_gas_below_the_intrinsic_cost_is_refused(node: NodeProcess) -> None:
    assert error_of(node.rpc_url, signed(nonce=60, gas=20_999)) == {
        "code": -32000,
        "message": "intrinsic gas too low: gas 20999, minimum needed 21000",
    }


def test_gas_above_the_block_gas_limit_is_refused(node: NodeProcess) -> None:
    assert error_of(node.rpc_url, signed(nonce=61, gas=100_000_001)) == {
        "code": -32000,
        "message": "exceeds block gas limit",
    }


def test_a_signature_for_another_chain_is_refused(node: NodeProcess) -> None:
    assert error_of(node.rpc_url, signed(chain_id=1, nonce=62)) == {
        "code": -32000,
        "message": "invalid sender: invalid chain id for signer: have 1 want 1337",
    }


def test_a_blob_transaction_is_refused_on_a_qbft_chain(node: NodeProcess) -> None:
    assert error_of(node.rpc_url, "0x03" + "c0") == {
        "code": -32000,
        "message": "transaction type not supported: blob transactions are disabled on this chain",
    }


def test_bytes_that_are_no_transaction_are_refused_without_touching_the_pool(
    node: NodeProcess,
) -> None:
    before = call(node.rpc_url, "eth_getTransactionCount", SENDER.address, "pending")["result"]
    reply = error_of(node.rpc_url, "0xc3010203")
    assert reply["code"] == -32000
    assert str(reply["message"]).startswith("invalid transaction encoding")
    assert (
        call(node.rpc_url, "eth_getTransactionCount", SENDER.address, "pending")["result"] == before
    )
