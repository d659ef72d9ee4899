"""ethers v6 and Foundry's cast, unmodified, against a real node process on loopback.

Both clients are pinned in ``tests/clients`` and installed by ``make install``. ethers runs
``tests/clients/ethers_roundtrip.mjs`` over HTTP with all its defaults (request batching, its
own fee handling) and ``tests/clients/ethers_websocket.mjs`` over WebSocket only
(``WebSocketProvider``: subscriptions for ``contract.on`` and new blocks); cast's binary is
driven from here, over HTTP and over ``ws://`` (``cast logs --subscribe``). Every account is
fresh and was never funded: gas is free on this chain.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from eth_account import Account
from eth_utils import keccak

from node.artifacts import ARTIFACTS_DIR, load_artifact
from tests.support.node_process import NodeProcess, make_network, running_node

CLIENTS_DIR = Path(__file__).resolve().parents[1] / "clients"
NODE_MODULES = CLIENTS_DIR / "node_modules"
ETHERS_SCRIPT = CLIENTS_DIR / "ethers_roundtrip.mjs"
ETHERS_WS_SCRIPT = CLIENTS_DIR / "ethers_websocket.mjs"
CAST_BINARY = NODE_MODULES / "@foundry-rs" / "cast-linux-amd64" / "bin" / "cast"
RECORDER_ARTIFACT = ARTIFACTS_DIR / "Recorder.json"
INSTALL_HINT = "run `make install` (it runs `npm ci` in tests/clients)"
CLIENT_TIMEOUT_SECONDS = 180

RECORDED_EVENT = "Recorded(address indexed author, bytes32 indexed key, uint256 value)"
RECORDED_TOPIC = "0x" + keccak(text="Recorded(address,bytes32,uint256)").hex()

# What ethers_roundtrip.mjs records: key keccak256(label) -> value.
ETHERS_RECORDS = [
    ("ethers-roundtrip-1", 101),
    ("ethers-roundtrip-2", 202),
    ("ethers-roundtrip-3", 303),
]
CAST_RECORDS = [("cast-1", 7001), ("cast-2", 7002), ("cast-3", 7003)]
ETHERS_WS_RECORDS = [("ethers-ws-1", 11), ("ethers-ws-2", 22), ("ethers-ws-3", 33)]
STREAMED_LOGS = 2

# Keys of accounts that never receive any balance.
CAST_KEY = "0x" + (0xCA57_0001).to_bytes(32, "big").hex()
CAST_DEFAULT_FEES_KEY = "0x" + (0xCA57_0002).to_bytes(32, "big").hex()
CAST_WS_KEY = "0x" + (0xCA57_0003).to_bytes(32, "big").hex()
CAST_STREAM_KEY = "0x" + (0xCA57_0004).to_bytes(32, "big").hex()
ETHERS_KEY = "0x" + (0xE7E5_0001).to_bytes(32, "big").hex()
ETHERS_WS_KEY = "0x" + (0xE7E5_0002).to_bytes(32, "big").hex()
PERMITTED = (
    CAST_KEY,
    CAST_DEFAULT_FEES_KEY,
    CAST_WS_KEY,
    CAST_STREAM_KEY,
    ETHERS_KEY,
    ETHERS_WS_KEY,
)
"""The chain is permissioned: these accounts are its genesis bootstrap accounts."""
# cast (alloy) asks a tip of at least 1 wei by default, which an account with no balance
# cannot pay: on a chain with free gas cast needs these, as on geth or Besu.
ZERO_FEES = ("--gas-price", "0", "--priority-gas-price", "0")


def key_of(label: str) -> str:
    return "0x" + keccak(text=label).hex()


def topic_of_address(address: str) -> str:
    return "0x" + address.lower().removeprefix("0x").rjust(64, "0")


def node_executable() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"Node.js (`node`) is not on PATH: install Node.js, then {INSTALL_HINT}")
    return node


def require_installed(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.fail(f"{what} is not installed ({path} is missing): {INSTALL_HINT}")
    return path


def rpc(node: NodeProcess, method: str, *params: object) -> Any:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    reply = requests.post(node.rpc_url, json=body, timeout=30).json()
    assert "error" not in reply, reply
    return reply["result"]


def cast_binary() -> Path:
    return require_installed(CAST_BINARY, "Foundry's cast (@foundry-rs/cast-linux-amd64)")


def cast(
    node: NodeProcess, command: str, *arguments: str, url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``cast COMMAND --rpc-url URL ARGUMENTS`` (the node's HTTP URL unless ``url`` is given);
    its exit code is left to the caller."""
    return subprocess.run(
        [str(cast_binary()), command, "--rpc-url", url or node.rpc_url, *arguments],
        capture_output=True,
        text=True,
        timeout=CLIENT_TIMEOUT_SECONDS,
        check=False,
    )


def cast_ok(node: NodeProcess, command: str, *arguments: str, url: str | None = None) -> str:
    done = cast(node, command, *arguments, url=url)
    if done.returncode != 0:
        pytest.fail(
            f"cast {command} {' '.join(arguments)} exited {done.returncode}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        )
    return done.stdout.strip()


def cast_json(node: NodeProcess, command: str, *arguments: str, url: str | None = None) -> Any:
    return json.loads(cast_ok(node, command, "--json", *arguments, url=url))


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    bootstrap = [bytes.fromhex(Account.from_key(key).address[2:]) for key in PERMITTED]
    datadir = make_network(tmp_path_factory.mktemp("clients"), bootstrap=bootstrap)
    with running_node(datadir, "--ws", "127.0.0.1:0") as process:
        yield process


@pytest.fixture(scope="module")
def ws_url(node: NodeProcess) -> str:
    assert node.ws_url is not None
    return node.ws_url


@pytest.fixture(scope="module")
def genesis_chain_id(node: NodeProcess) -> int:
    genesis = json.loads((node.datadir.parent / "network" / "genesis.json").read_text())
    return int(genesis["config"]["chainId"])


@pytest.fixture(scope="module")
def ethers_run(node: NodeProcess) -> dict[str, Any]:
    """One run of ethers_roundtrip.mjs: deploy, three record() calls, read back, query logs."""
    node_js = node_executable()
    require_installed(NODE_MODULES / "ethers" / "package.json", "ethers")
    done = subprocess.run(
        [node_js, str(ETHERS_SCRIPT), node.rpc_url, str(RECORDER_ARTIFACT), ETHERS_KEY],
        capture_output=True,
        text=True,
        timeout=CLIENT_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"ethers_roundtrip.mjs exited {done.returncode}\nstdout:\n{done.stdout}\n"
            f"stderr:\n{done.stderr}\nnode log (tail):\n{''.join(node.log_lines[-30:])}"
        )
    return dict(json.loads(done.stdout))


@pytest.fixture(scope="module")
def ethers_ws_run(node: NodeProcess, ws_url: str) -> dict[str, Any]:
    """One run of ethers_websocket.mjs: everything over one WebSocketProvider."""
    node_js = node_executable()
    require_installed(NODE_MODULES / "ethers" / "package.json", "ethers")
    done = subprocess.run(
        [node_js, str(ETHERS_WS_SCRIPT), ws_url, str(RECORDER_ARTIFACT), ETHERS_WS_KEY],
        capture_output=True,
        text=True,
        timeout=CLIENT_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"ethers_websocket.mjs exited {done.returncode}\nstdout:\n{done.stdout}\n"
            f"stderr:\n{done.stderr}\nnode log (tail):\n{''.join(node.log_lines[-30:])}"
        )
    return dict(json.loads(done.stdout))


@pytest.fixture(scope="module")
def cast_deployment(node: NodeProcess) -> dict[str, Any]:
    """The receipt of ``cast send --create`` of the Recorder from a never-funded key."""
    bytecode = "0x" + load_artifact("Recorder").bytecode.hex()
    return dict(
        cast_json(node, "send", "--private-key", CAST_KEY, *ZERO_FEES, "--create", bytecode)
    )


@pytest.fixture(scope="module")
def cast_records(node: NodeProcess, cast_deployment: dict[str, Any]) -> list[dict[str, Any]]:
    """Receipts of three ``cast send`` record() calls, in order."""
    contract = cast_deployment["contractAddress"]
    receipts = []
    for label, value in CAST_RECORDS:
        call = (contract, "record(bytes32,uint256)", key_of(label), str(value))
        receipts.append(cast_json(node, "send", "--private-key", CAST_KEY, *ZERO_FEES, *call))
    return receipts


# ethers


def test_ethers_deploys_the_recorder_from_a_fresh_wallet_that_was_never_funded(
    ethers_run: dict[str, Any],
) -> None:
    assert ethers_run["walletBalance"] == "0"
    assert ethers_run["deployStatus"] == 1
    assert ethers_run["deployedCode"] == "0x" + load_artifact("Recorder").deployed_bytecode.hex()


def test_the_address_ethers_computes_for_its_deployment_is_the_receipts_contract_address(
    ethers_run: dict[str, Any],
) -> None:
    assert ethers_run["deployReceiptContractAddress"] == ethers_run["contract"]


def test_ethers_detects_the_genesis_chain_id(
    ethers_run: dict[str, Any], genesis_chain_id: int
) -> None:
    assert ethers_run["chainId"] == str(genesis_chain_id)


def test_ethers_fee_defaults_build_legacy_transactions_at_gas_price_zero(
    ethers_run: dict[str, Any],
) -> None:
    assert ethers_run["deployTxType"] == 0
    assert ethers_run["recordTxTypes"] == [0, 0, 0]
    assert ethers_run["recordGasPrices"] == ["0", "0", "0"]


def test_every_record_call_ethers_sends_has_a_receipt_with_status_1(
    ethers_run: dict[str, Any],
) -> None:
    assert ethers_run["recordStatuses"] == [1, 1, 1]


def test_the_values_ethers_reads_back_are_the_values_it_recorded(
    ethers_run: dict[str, Any],
) -> None:
    assert ethers_run["recorded"] == [
        {"key": key_of(label), "value": str(value)} for label, value in ETHERS_RECORDS
    ]
    assert ethers_run["values"] == ["101", "202", "303"]


def test_ethers_query_filter_on_its_author_returns_its_three_recorded_events(
    ethers_run: dict[str, Any],
) -> None:
    assert ethers_run["logs"] == 3
    assert ethers_run["logTxHashes"] == ethers_run["recordTxHashes"]
    assert ethers_run["logAuthors"] == [ethers_run["wallet"]] * 3
    assert ethers_run["logKeys"] == [key_of(label) for label, _ in ETHERS_RECORDS]
    assert ethers_run["logValues"] == ["101", "202", "303"]


def test_ethers_contract_on_over_http_follows_each_recorded_event_by_polling_a_filter(
    ethers_run: dict[str, Any],
) -> None:
    assert ethers_run["followed"] == [
        {"key": key_of(label), "value": str(value), "transactionHash": tx_hash}
        for (label, value), tx_hash in zip(
            ETHERS_RECORDS, ethers_run["recordTxHashes"], strict=True
        )
    ]
    assert {"eth_newFilter", "eth_getFilterChanges"} <= set(ethers_run["rpcMethods"])


def test_ethers_sends_json_rpc_batches_by_default(ethers_run: dict[str, Any]) -> None:
    assert ethers_run["rpcBatches"] > 0
    assert {"eth_chainId", "eth_sendRawTransaction", "eth_getLogs"} <= set(ethers_run["rpcMethods"])


# cast


def test_cast_chain_id_prints_the_genesis_chain_id(
    node: NodeProcess, genesis_chain_id: int
) -> None:
    assert cast_ok(node, "chain-id") == str(genesis_chain_id)


def test_cast_block_number_prints_the_nodes_head(node: NodeProcess) -> None:
    before = int(rpc(node, "eth_blockNumber"), 16)
    printed = int(cast_ok(node, "block-number"))
    after = int(rpc(node, "eth_blockNumber"), 16)
    assert before <= printed <= after


def test_cast_default_fees_are_refused_for_an_account_that_was_never_funded(
    node: NodeProcess,
) -> None:
    bytecode = "0x" + load_artifact("Recorder").bytecode.hex()
    done = cast(node, "send", "--private-key", CAST_DEFAULT_FEES_KEY, "--create", bytecode)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: Failed to estimate gas: server returned an error response: "
        "error code -32000: insufficient funds for transfer"
    )


def test_cast_deploys_the_recorder_from_a_never_funded_key_with_zero_fees(
    node: NodeProcess, cast_deployment: dict[str, Any]
) -> None:
    assert cast_deployment["status"] == "0x1"
    assert cast_deployment["type"] == "0x2"
    assert cast_deployment["effectiveGasPrice"] == "0x0"
    assert rpc(node, "eth_getBalance", cast_deployment["from"], "latest") == "0x0"
    assert cast_ok(node, "code", cast_deployment["contractAddress"]) == (
        "0x" + load_artifact("Recorder").deployed_bytecode.hex()
    )


def test_every_record_call_cast_sends_has_a_receipt_with_status_1(
    cast_records: list[dict[str, Any]],
) -> None:
    assert [receipt["status"] for receipt in cast_records] == ["0x1", "0x1", "0x1"]


def test_cast_call_reads_back_each_value_cast_recorded(
    node: NodeProcess, cast_deployment: dict[str, Any], cast_records: object
) -> None:
    contract = cast_deployment["contractAddress"]
    read = [
        cast_json(node, "call", contract, "values(bytes32)(uint256)", key_of(label))
        for label, _ in CAST_RECORDS
    ]
    assert read == [[7001], [7002], [7003]]


def test_cast_receipt_of_a_record_call_shows_its_recorded_event(
    node: NodeProcess, cast_deployment: dict[str, Any], cast_records: list[dict[str, Any]]
) -> None:
    receipt = cast_json(node, "receipt", cast_records[1]["transactionHash"])
    assert receipt["status"] == "0x1"
    assert receipt["transactionHash"] == cast_records[1]["transactionHash"]
    assert [(log["address"], log["topics"], log["data"]) for log in receipt["logs"]] == [
        (
            cast_deployment["contractAddress"],
            [RECORDED_TOPIC, topic_of_address(cast_deployment["from"]), key_of("cast-2")],
            "0x" + (7002).to_bytes(32, "big").hex(),
        )
    ]


def test_cast_logs_with_the_event_signature_return_the_three_recorded_events(
    node: NodeProcess, cast_deployment: dict[str, Any], cast_records: list[dict[str, Any]]
) -> None:
    contract = cast_deployment["contractAddress"]
    logs = cast_json(node, "logs", "--from-block", "0", "--address", contract, RECORDED_EVENT)
    assert [log["transactionHash"] for log in logs] == [
        receipt["transactionHash"] for receipt in cast_records
    ]
    assert [int(log["data"], 16) for log in logs] == [7001, 7002, 7003]


def test_cast_logs_filtered_on_an_author_topic_return_only_that_authors_events(
    node: NodeProcess,
    cast_deployment: dict[str, Any],
    cast_records: list[dict[str, Any]],
    ethers_run: dict[str, Any],
) -> None:
    """Both clients' events are on the chain; filtering on cast's key finds only its three."""
    logs = cast_json(node, "logs", "--from-block", "0", RECORDED_EVENT, cast_deployment["from"])
    assert [log["transactionHash"] for log in logs] == [
        receipt["transactionHash"] for receipt in cast_records
    ]


def test_cast_call_reads_the_values_ethers_recorded(
    node: NodeProcess, ethers_run: dict[str, Any]
) -> None:
    read = [
        cast_json(node, "call", ethers_run["contract"], "values(bytes32)(uint256)", key_of(label))
        for label, _ in ETHERS_RECORDS
    ]
    assert read == [[101], [202], [303]]


# ethers over WebSocket


def test_ethers_over_websocket_deploys_and_every_record_call_has_a_receipt_with_status_1(
    ethers_ws_run: dict[str, Any], genesis_chain_id: int
) -> None:
    assert ethers_ws_run["chainId"] == str(genesis_chain_id)
    assert ethers_ws_run["deployStatus"] == 1
    assert ethers_ws_run["recordStatuses"] == [1, 1, 1]


def test_ethers_contract_on_over_websocket_follows_each_recorded_event_once_in_order(
    ethers_ws_run: dict[str, Any],
) -> None:
    assert ethers_ws_run["followed"] == [
        {
            "author": ethers_ws_run["wallet"],
            "key": key_of(label),
            "value": str(value),
            "transactionHash": tx_hash,
            "removed": False,
        }
        for (label, value), tx_hash in zip(
            ETHERS_WS_RECORDS, ethers_ws_run["recordTxHashes"], strict=True
        )
    ]


def test_ethers_query_filter_over_websocket_returns_the_recorded_events(
    ethers_ws_run: dict[str, Any],
) -> None:
    assert ethers_ws_run["queried"] == [
        {"transactionHash": tx_hash, "key": key_of(label), "value": str(value)}
        for (label, value), tx_hash in zip(
            ETHERS_WS_RECORDS, ethers_ws_run["recordTxHashes"], strict=True
        )
    ]


def test_ethers_provider_on_block_over_websocket_sees_consecutive_new_blocks(
    ethers_ws_run: dict[str, Any],
) -> None:
    blocks = ethers_ws_run["blocks"]
    assert len(blocks) >= 3
    assert blocks == list(range(blocks[0], blocks[0] + len(blocks)))


def test_ethers_websocket_provider_subscribes_rather_than_polling_filters(
    ethers_ws_run: dict[str, Any],
) -> None:
    methods = set(ethers_ws_run["rpcMethods"])
    assert "eth_subscribe" in methods
    assert not methods & {"eth_newFilter", "eth_newBlockFilter", "eth_getFilterChanges"}


# cast over WebSocket


def test_cast_over_websocket_prints_the_genesis_chain_id(
    node: NodeProcess, ws_url: str, genesis_chain_id: int
) -> None:
    assert cast_ok(node, "chain-id", url=ws_url) == str(genesis_chain_id)


def test_cast_over_websocket_deploys_sends_and_calls(node: NodeProcess, ws_url: str) -> None:
    bytecode = "0x" + load_artifact("Recorder").bytecode.hex()
    deployment = cast_json(
        node, "send", "--private-key", CAST_WS_KEY, *ZERO_FEES, "--create", bytecode, url=ws_url
    )
    contract = deployment["contractAddress"]
    call = (contract, "record(bytes32,uint256)", key_of("cast-ws"), "9001")
    sent = cast_json(node, "send", "--private-key", CAST_WS_KEY, *ZERO_FEES, *call, url=ws_url)
    read = cast_json(
        node, "call", contract, "values(bytes32)(uint256)", key_of("cast-ws"), url=ws_url
    )
    logs = cast_json(
        node, "logs", "--from-block", "0", "--address", contract, RECORDED_EVENT, url=ws_url
    )
    assert (deployment["status"], sent["status"], read) == ("0x1", "0x1", [9001])
    assert [log["transactionHash"] for log in logs] == [sent["transactionHash"]]


def streamed_transaction_hashes(chunks: list[str]) -> list[str]:
    """The ``transactionHash:`` lines of cast's streamed log listing."""
    return [
        line.split(":", 1)[1].strip()
        for line in "".join(chunks).splitlines()
        if line.strip().startswith("transactionHash:")
    ]


def test_cast_logs_subscribe_over_websocket_streams_each_new_recorded_event(
    node: NodeProcess, ws_url: str
) -> None:
    """cast subscribes once it has started; records are sent until it has streamed two, and
    everything it streamed must be those records' events, in the order they were sent."""
    bytecode = "0x" + load_artifact("Recorder").bytecode.hex()
    deploy = ("send", "--private-key", CAST_STREAM_KEY, *ZERO_FEES, "--create", bytecode)
    contract = cast_json(node, *deploy)["contractAddress"]
    stream = subprocess.Popen(
        [str(cast_binary()), "logs", "--rpc-url", ws_url, "--subscribe", "--address", contract,
         RECORDED_EVENT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    chunks: list[str] = []
    output = stream.stdout
    assert output is not None
    reader = threading.Thread(target=lambda: chunks.extend(iter(output.readline, "")))
    reader.start()
    sent: list[str] = []
    try:
        for attempt in range(20):
            call = (contract, "record(bytes32,uint256)", key_of(f"stream-{attempt}"), str(attempt))
            receipt = cast_json(node, "send", "--private-key", CAST_STREAM_KEY, *ZERO_FEES, *call)
            sent.append(receipt["transactionHash"])
            if len(streamed_transaction_hashes(chunks)) >= STREAMED_LOGS:
                break
            time.sleep(0.5)
    finally:
        stream.terminate()
        stream.wait(30)
        reader.join(30)
    streamed = streamed_transaction_hashes(chunks)
    assert len(streamed) >= STREAMED_LOGS, f"cast streamed {streamed}; sent {sent}"
    first = sent.index(streamed[0])
    assert streamed == sent[first : first + len(streamed)]
