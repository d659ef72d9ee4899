"""JSON-RPC over WebSocket against a real node process (``dcl run --ws``), with aiohttp's
WebSocket client: the HTTP method set, eth_subscribe for new heads, logs and pending
transactions, and the connection's limits (message size, slow subscribers, shutdown); and
web3.py's own WebSocketProvider."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import aiohttp
import pytest
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from web3 import AsyncWeb3, WebSocketProvider
from web3.middleware import ExtraDataToPOAMiddleware

from node.artifacts import load_artifact
from tests.support.node_process import NodeProcess, make_network, running_node, wait_for
from tests.support.rpc import RpcError, rpc

T = TypeVar("T")
TICK_TOPIC = "0x" + keccak(text="Tick(uint256,uint256,uint256)").hex()
RECEIVE_TIMEOUT_SECONDS = 30
SLOW_QUEUE_BYTES = 65_536
LAGGING_LINE = "websocket subscriber fell behind; disconnecting"
HEADER_FIELDS = [
    "baseFeePerGas",
    "blobGasUsed",
    "difficulty",
    "excessBlobGas",
    "extraData",
    "gasLimit",
    "gasUsed",
    "hash",
    "logsBloom",
    "miner",
    "mixHash",
    "nonce",
    "number",
    "parentBeaconBlockRoot",
    "parentHash",
    "receiptsRoot",
    "requestsHash",
    "sha3Uncles",
    "stateRoot",
    "timestamp",
    "transactionsRoot",
    "withdrawalsRoot",
]


def run(test: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(test())


def account(seed: int) -> LocalAccount:
    return Account.from_key(bytes([seed]) * 32)


SEEDED = [bytes.fromhex(account(seed).address[2:]) for seed in range(0x41, 0x50)]
"""The senders of these tests, permitted as the network's bootstrap accounts."""


class Sender:
    """Signs and sends transactions of one never-funded account over HTTP (gas is free)."""

    def __init__(self, node: NodeProcess, seed: int) -> None:
        self.url = node.rpc_url
        self.account = account(seed)
        self.chain_id = int(str(rpc(self.url, "eth_chainId")), 16)

    def send(self, *, gas: int = 3_000_000, **fields: Any) -> str:
        nonce = int(
            str(rpc(self.url, "eth_getTransactionCount", self.account.address, "pending")), 16
        )
        tx = {"chainId": self.chain_id, "nonce": nonce, "gas": gas, "gasPrice": 0, "value": 0}
        raw = self.account.sign_transaction({**tx, **fields}).raw_transaction
        return str(rpc(self.url, "eth_sendRawTransaction", "0x" + raw.hex()))

    def receipt(self, tx_hash: str) -> dict[str, Any]:
        found: list[Any] = []
        wait_for(
            lambda: found.append(rpc(self.url, "eth_getTransactionReceipt", tx_hash)) or found[-1]
        )
        return dict(found[-1])

    def deploy_log_burst(self) -> str:
        bytecode = "0x" + load_artifact("LogBurst").bytecode.hex()
        return str(self.receipt(self.send(data=bytecode))["contractAddress"])

    def burst(self, contract: str, first: int, count: int) -> str:
        call = keccak(text="burst(uint256,uint256)")[:4] + abi_encode(
            ["uint256", "uint256"], [first, count]
        )
        return self.send(
            to=to_checksum_address(contract), data="0x" + call.hex(), gas=50_000 + 3_000 * count
        )


def tag_topic(tag: int) -> str:
    return "0x" + tag.to_bytes(32, "big").hex()


@asynccontextmanager
async def connect(url: str, **options: Any) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    async with (
        aiohttp.ClientSession(**options.pop("session", {})) as session,
        session.ws_connect(url, **options) as ws,
    ):
        yield ws


async def call(
    ws: aiohttp.ClientWebSocketResponse, method: str, *params: Any, request_id: int = 1
) -> dict[str, Any]:
    """Send one request and return its whole answer (result or error)."""
    await ws.send_str(
        json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": list(params)})
    )
    return dict(await ws.receive_json(timeout=RECEIVE_TIMEOUT_SECONDS))


async def subscribe(ws: aiohttp.ClientWebSocketResponse, *params: Any) -> str:
    answer = await call(ws, "eth_subscribe", *params)
    assert "result" in answer, answer
    return str(answer["result"])


async def notifications(ws: aiohttp.ClientWebSocketResponse, count: int) -> list[dict[str, Any]]:
    return [dict(await ws.receive_json(timeout=RECEIVE_TIMEOUT_SECONDS)) for _ in range(count)]


def results(messages: list[dict[str, Any]]) -> list[Any]:
    return [message["params"]["result"] for message in messages]


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    datadir = make_network(tmp_path_factory.mktemp("websocket"), bootstrap=SEEDED)
    with running_node(datadir, "--ws", "127.0.0.1:0") as process:
        yield process


@pytest.fixture(scope="module")
def ws_url(node: NodeProcess) -> str:
    assert node.ws_url is not None
    return node.ws_url


@pytest.fixture(scope="module")
def log_burst(node: NodeProcess) -> str:
    return Sender(node, 0x41).deploy_log_burst()


# The HTTP method set over the socket


def test_the_node_prints_its_websocket_url_beside_its_http_url(node: NodeProcess) -> None:
    assert node.ws_url is not None
    assert node.ws_url.startswith("ws://127.0.0.1:")
    assert node.ws_url.removeprefix("ws://") != node.rpc_url.removeprefix("http://")


def test_a_call_over_the_socket_answers_as_over_http(node: NodeProcess, ws_url: str) -> None:
    async def scenario() -> dict[str, Any]:
        async with connect(ws_url) as ws:
            return await call(ws, "eth_chainId", request_id=7)

    assert run(scenario) == {"jsonrpc": "2.0", "id": 7, "result": rpc(node.rpc_url, "eth_chainId")}


def test_a_batch_over_the_socket_is_answered_with_one_array_in_order(ws_url: str) -> None:
    async def scenario() -> list[Any]:
        async with connect(ws_url) as ws:
            await ws.send_str(
                json.dumps(
                    [
                        {"jsonrpc": "2.0", "id": 1, "method": "net_version", "params": []},
                        {"jsonrpc": "2.0", "id": 2, "method": "no_such_method", "params": []},
                    ]
                )
            )
            return list(await ws.receive_json(timeout=RECEIVE_TIMEOUT_SECONDS))

    first, second = run(scenario)
    assert first["id"] == 1 and "result" in first
    assert second == {
        "jsonrpc": "2.0",
        "id": 2,
        "error": {
            "code": -32601,
            "message": "the method no_such_method does not exist/is not available",
        },
    }


def test_unparsable_json_over_the_socket_is_a_parse_error(ws_url: str) -> None:
    async def scenario() -> Any:
        async with connect(ws_url) as ws:
            await ws.send_str("{not json")
            return await ws.receive_json(timeout=RECEIVE_TIMEOUT_SECONDS)

    assert run(scenario) == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32700, "message": "parse error"},
    }


def test_a_plain_get_on_the_websocket_port_answers_a_probe_text(ws_url: str) -> None:
    async def scenario() -> tuple[int, str]:
        async with (
            aiohttp.ClientSession() as session,
            session.get(ws_url.replace("ws://", "http://")) as reply,
        ):
            return reply.status, await reply.text()

    assert run(scenario) == (
        200,
        "Data Circulation Ledger JSON-RPC WebSocket endpoint: connect with a WebSocket client.\n",
    )


# Subscriptions


def test_eth_subscribe_over_http_answers_notifications_not_supported(node: NodeProcess) -> None:
    with pytest.raises(RpcError) as refused:
        rpc(node.rpc_url, "eth_subscribe", "newHeads")
    assert refused.value.error == {"code": -32601, "message": "notifications not supported"}


def test_an_unknown_subscription_name_is_refused_with_geths_text(ws_url: str) -> None:
    async def scenario() -> dict[str, Any]:
        async with connect(ws_url) as ws:
            return await call(ws, "eth_subscribe", "newBlocks")

    assert run(scenario)["error"] == {
        "code": -32601,
        "message": 'no "newBlocks" subscription in eth namespace',
    }


def test_a_logs_subscription_without_criteria_is_refused(ws_url: str) -> None:
    async def scenario() -> dict[str, Any]:
        async with connect(ws_url) as ws:
            return await call(ws, "eth_subscribe", "logs")

    assert run(scenario)["error"] == {
        "code": -32602,
        "message": "missing value for required argument 1",
    }


def test_a_logs_subscription_by_block_hash_is_refused(ws_url: str) -> None:
    async def scenario() -> dict[str, Any]:
        async with connect(ws_url) as ws:
            return await call(ws, "eth_subscribe", "logs", {"blockHash": "0x" + "ab" * 32})

    assert run(scenario)["error"] == {
        "code": -32000,
        "message": "blockHash is not supported by a logs subscription",
    }


def test_a_full_transactions_flag_that_is_not_a_boolean_is_refused_with_geths_text(
    ws_url: str,
) -> None:
    async def scenario() -> dict[str, Any]:
        async with connect(ws_url) as ws:
            return await call(ws, "eth_subscribe", "newPendingTransactions", "yes")

    assert run(scenario)["error"] == {
        "code": -32602,
        "message": "invalid argument 1: json: cannot unmarshal string into Go value of type bool",
    }


def test_new_heads_takes_no_second_argument(ws_url: str) -> None:
    async def scenario() -> dict[str, Any]:
        async with connect(ws_url) as ws:
            return await call(ws, "eth_subscribe", "newHeads", {})

    assert run(scenario)["error"] == {
        "code": -32602,
        "message": "too many arguments, want at most 1",
    }


def test_new_heads_notifies_consecutive_headers_without_transactions(
    node: NodeProcess, ws_url: str
) -> None:
    async def scenario() -> tuple[str, list[dict[str, Any]]]:
        async with connect(ws_url) as ws:
            subscription = await subscribe(ws, "newHeads")
            return subscription, await notifications(ws, 2)

    subscription, messages = run(scenario)
    assert [message["method"] for message in messages] == ["eth_subscription"] * 2
    assert [message["params"]["subscription"] for message in messages] == [subscription] * 2
    first, second = results(messages)
    assert int(second["number"], 16) == int(first["number"], 16) + 1
    assert second["parentHash"] == first["hash"]
    assert sorted(first) == HEADER_FIELDS


def test_a_new_head_is_the_header_eth_get_block_by_number_serves(
    node: NodeProcess, ws_url: str
) -> None:
    async def scenario() -> dict[str, Any]:
        async with connect(ws_url) as ws:
            await subscribe(ws, "newHeads")
            return dict(results(await notifications(ws, 1))[0])

    head = run(scenario)
    block = dict(rpc(node.rpc_url, "eth_getBlockByNumber", head["number"], False))  # type: ignore[arg-type]
    assert head == {field: block[field] for field in HEADER_FIELDS}


def test_a_logs_subscription_notifies_each_matching_log_as_eth_get_logs_shows_it(
    node: NodeProcess, ws_url: str, log_burst: str
) -> None:
    sender = Sender(node, 0x42)

    async def scenario() -> tuple[str, list[Any]]:
        async with connect(ws_url) as ws:
            await subscribe(
                ws,
                "logs",
                {"address": log_burst, "topics": [TICK_TOPIC, [tag_topic(2), tag_topic(4)]]},
            )
            tx_hash = await asyncio.to_thread(sender.burst, log_burst, 0, 6)
            return tx_hash, results(await notifications(ws, 2))

    tx_hash, logs = run(scenario)
    block = sender.receipt(tx_hash)["blockNumber"]
    expected = rpc(
        node.rpc_url,
        "eth_getLogs",
        {
            "fromBlock": block,
            "toBlock": block,
            "address": log_burst,
            "topics": [TICK_TOPIC, [tag_topic(2), tag_topic(4)]],
        },
    )
    assert logs == expected
    assert [log["topics"][1] for log in logs] == [tag_topic(2), tag_topic(4)]
    assert [log["removed"] for log in logs] == [False, False]
    assert [log["transactionHash"] for log in logs] == [tx_hash, tx_hash]


def test_a_logs_subscription_receives_nothing_for_logs_it_does_not_match(
    node: NodeProcess, ws_url: str, log_burst: str
) -> None:
    sender = Sender(node, 0x43)

    async def scenario() -> list[Any]:
        async with connect(ws_url) as ws:
            await subscribe(ws, "logs", {"address": log_burst, "topics": [None, tag_topic(999)]})
            heads = await subscribe(ws, "newHeads")
            tx_hash = await asyncio.to_thread(sender.burst, log_burst, 0, 5)
            block = (await asyncio.to_thread(sender.receipt, tx_hash))["blockNumber"]
            seen: list[Any] = []
            while True:
                message = await ws.receive_json(timeout=RECEIVE_TIMEOUT_SECONDS)
                if message["params"]["subscription"] != heads:
                    seen.append(message)
                elif int(message["params"]["result"]["number"], 16) > int(block, 16):
                    return seen

    assert run(scenario) == []


def test_new_pending_transactions_notifies_the_hash_of_a_submitted_transaction(
    node: NodeProcess, ws_url: str
) -> None:
    sender = Sender(node, 0x44)

    async def scenario() -> tuple[str, list[Any]]:
        async with connect(ws_url) as ws:
            await subscribe(ws, "newPendingTransactions")
            tx_hash = await asyncio.to_thread(sender.send, to=sender.account.address)
            return tx_hash, results(await notifications(ws, 1))

    tx_hash, seen = run(scenario)
    assert seen == [tx_hash]


def test_new_pending_transactions_with_true_notifies_the_whole_transaction(
    node: NodeProcess, ws_url: str
) -> None:
    sender = Sender(node, 0x45)

    async def scenario() -> tuple[str, dict[str, Any]]:
        async with connect(ws_url) as ws:
            await subscribe(ws, "newPendingTransactions", True)
            tx_hash = await asyncio.to_thread(sender.send, to=sender.account.address)
            return tx_hash, dict(results(await notifications(ws, 1))[0])

    tx_hash, transaction = run(scenario)
    assert (transaction["hash"], transaction["from"], transaction["nonce"]) == (
        tx_hash,
        sender.account.address.lower(),
        "0x0",
    )
    assert (transaction["blockHash"], transaction["blockNumber"]) == (None, None)


def test_eth_unsubscribe_returns_true_then_subscription_not_found(ws_url: str) -> None:
    async def scenario() -> list[dict[str, Any]]:
        async with connect(ws_url) as ws:
            subscription = await subscribe(ws, "newPendingTransactions")
            return [await call(ws, "eth_unsubscribe", subscription, request_id=n) for n in (2, 3)]

    assert run(scenario) == [
        {"jsonrpc": "2.0", "id": 2, "result": True},
        {"jsonrpc": "2.0", "id": 3, "error": {"code": -32000, "message": "subscription not found"}},
    ]


def test_a_connection_cannot_cancel_another_connections_subscription(ws_url: str) -> None:
    async def scenario() -> dict[str, Any]:
        async with connect(ws_url) as owner, connect(ws_url) as stranger:
            subscription = await subscribe(owner, "newHeads")
            return await call(stranger, "eth_unsubscribe", subscription)

    assert run(scenario)["error"] == {"code": -32000, "message": "subscription not found"}


# Limits and lifecycle


def test_a_frame_over_the_request_size_limit_closes_the_connection_with_1009(ws_url: str) -> None:
    async def scenario() -> tuple[aiohttp.WSMsgType, Any]:
        async with connect(ws_url) as ws:
            with contextlib.suppress(ConnectionError):  # the node may stop reading mid-frame
                await ws.send_str(" " * (5 * 1024 * 1024 + 1))
            message = await ws.receive(timeout=RECEIVE_TIMEOUT_SECONDS)
            return message.type, message.data

    assert run(scenario) == (aiohttp.WSMsgType.CLOSE, 1009)


def small_receive_buffer_socket(address_info: Any) -> socket.socket:
    """A client socket with a 4 KiB receive buffer, so a client that stops reading fills the
    path quickly (loopback buffers would otherwise absorb megabytes first)."""
    family, kind, protocol = address_info[:3]
    client = socket.socket(family, kind, protocol)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return client


def test_a_subscriber_that_stops_reading_is_disconnected_with_1008_and_a_log_line(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    datadir = make_network(tmp_path_factory.mktemp("slow-subscriber"), bootstrap=SEEDED)
    arguments = ("--ws", "127.0.0.1:0", "--ws-send-queue-bytes", str(SLOW_QUEUE_BYTES))
    with running_node(datadir, *arguments) as node:
        assert node.ws_url is not None
        ws_url = node.ws_url
        sender = Sender(node, 0x46)
        contract = sender.deploy_log_burst()

        async def scenario() -> tuple[int, aiohttp.WSMsgType, Any, str, dict[str, Any]]:
            connector = aiohttp.TCPConnector(socket_factory=small_receive_buffer_socket)
            async with connect(ws_url, session={"connector": connector}) as slow:
                await subscribe(slow, "logs", {"address": contract})
                for call_number in range(20):
                    await asyncio.to_thread(sender.burst, contract, 100 * call_number, 100)
                deadline = time.monotonic() + 120
                while not any(LAGGING_LINE in line for line in node.log_lines):
                    assert time.monotonic() < deadline, "the node never dropped the slow subscriber"
                    await asyncio.sleep(0.2)
                received = 0
                while True:
                    message = await slow.receive(timeout=RECEIVE_TIMEOUT_SECONDS)
                    if message.type is not aiohttp.WSMsgType.TEXT:
                        break
                    received += 1
                async with connect(ws_url) as fresh:
                    answer = await call(fresh, "eth_blockNumber")
            line = next(line for line in node.log_lines if LAGGING_LINE in line)
            return received, message.type, (message.data, message.extra), line, answer

        received, closing_type, close, line, answer = run(scenario)
    assert closing_type is aiohttp.WSMsgType.CLOSE
    assert close == (1008, "subscriber too slow: send queue full")
    assert received < 2000
    assert f"limit_bytes={SLOW_QUEUE_BYTES} close_code=1008" in line
    assert "result" in answer


def test_stopping_the_node_closes_its_websocket_connections_with_1001(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    datadir = make_network(tmp_path_factory.mktemp("ws-shutdown"), bootstrap=SEEDED)
    with running_node(datadir, "--ws", "127.0.0.1:0") as node:
        assert node.ws_url is not None
        ws_url = node.ws_url

        async def scenario() -> tuple[aiohttp.WSMsgType, Any, Any, int]:
            async with connect(ws_url) as ws:
                await subscribe(ws, "newPendingTransactions")
                exit_code = asyncio.create_task(asyncio.to_thread(node.stop))
                message = await ws.receive(timeout=RECEIVE_TIMEOUT_SECONDS)
                return message.type, message.data, message.extra, await exit_code

        assert run(scenario) == (aiohttp.WSMsgType.CLOSE, 1001, "node shutting down", 0)


def test_web3_py_websocket_provider_follows_new_heads_and_unsubscribes(ws_url: str) -> None:
    """web3.py v8 over WebSocket, with the proof-of-authority middleware QBFT headers need."""

    async def scenario() -> tuple[int, list[int], bool]:
        async with AsyncWeb3(WebSocketProvider(ws_url)) as w3:
            w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
            chain_id = await w3.eth.chain_id
            subscription = await w3.eth.subscribe("newHeads")
            numbers: list[int] = []
            async for message in w3.socket.process_subscriptions():
                numbers.append(int(message["result"]["number"]))
                if len(numbers) == 2:
                    break
            return chain_id, numbers, await w3.eth.unsubscribe(subscription)

    chain_id, numbers, unsubscribed = run(scenario)
    assert chain_id == 1337
    assert numbers[1] == numbers[0] + 1
    assert unsubscribed is True
