"""The handshake of a running node: only allowlisted node keys get past it."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from node.datadir import read_key
from node.p2p.connection import LocalIdentity, initiate
from node.p2p.frames import Hello, Status, decode_frame, encode_frame
from node.p2p.peer_url import node_public_key
from tests.support.node_process import wait_for
from tests.support.qbft_processes import Member, QbftNetwork
from tests.support.rpc import rpc

pytestmark = [pytest.mark.network, pytest.mark.slow]


@pytest.fixture
def lone_validator(tmp_path: Path) -> Iterator[tuple[QbftNetwork, Member]]:
    network = QbftNetwork.create(tmp_path, 4)
    member = network.validators[0]
    try:
        network.start(member)
        yield network, member
    finally:
        network.stop_all()


def genesis_hash(member: Member) -> bytes:
    assert member.process is not None
    block = rpc(member.process.rpc_url, "eth_getBlockByNumber", "0x0", False)
    assert isinstance(block, dict)
    return bytes.fromhex(str(block["hash"])[2:])


async def first_answer(url: str, hello: Hello) -> aiohttp.WSMessage:
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.send_bytes(encode_frame(hello))
        return await ws.receive()


def test_a_node_key_that_is_not_allowlisted_is_refused_at_the_handshake(
    lone_validator: tuple[QbftNetwork, Member],
) -> None:
    _, member = lone_validator
    stranger = node_public_key(secrets.token_bytes(32))
    hello = Hello(stranger, secrets.token_bytes(32), genesis_hash(member))
    answer = asyncio.run(first_answer(f"ws://127.0.0.1:{member.url.port}/p2p", hello))
    assert (answer.type, answer.data, answer.extra) == (
        aiohttp.WSMsgType.CLOSE,
        4001,
        "NOT_ALLOWLISTED",
    )
    process = member.process
    assert process is not None
    # The refusal reaches the client before the node's log line reaches the test's reader.
    wait_for(lambda: any("NOT_ALLOWLISTED" in line for line in process.log_lines), timeout=10)


def test_a_hello_for_another_genesis_is_refused_at_the_handshake(
    lone_validator: tuple[QbftNetwork, Member],
) -> None:
    network, member = lone_validator
    key = read_key(network.validators[1].datadir / "key")
    hello = Hello(node_public_key(key), secrets.token_bytes(32), b"\x01" * 32)
    answer = asyncio.run(first_answer(f"ws://127.0.0.1:{member.url.port}/p2p", hello))
    assert (answer.type, answer.data, answer.extra) == (
        aiohttp.WSMsgType.CLOSE,
        4001,
        "WRONG_CHAIN",
    )


def test_a_genesis_validator_completes_the_handshake_and_receives_the_head(
    lone_validator: tuple[QbftNetwork, Member],
) -> None:
    network, member = lone_validator
    key = read_key(network.validators[1].datadir / "key")
    genesis = genesis_hash(member)

    async def connect() -> object:
        url = f"ws://127.0.0.1:{member.url.port}/p2p"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            me = LocalIdentity(key, node_public_key(key), genesis)
            proven = await initiate(ws, me, member.url.public_key)
            assert proven == member.url.public_key
            return decode_frame((await ws.receive()).data)

    assert asyncio.run(connect()) == Status(0, genesis)
