"""Speaking to a running node over its peer link with a key the test holds: a real handshake,
then QBFT messages of the test's making."""

from __future__ import annotations

import asyncio

import aiohttp

from node.consensus.messages import QbftMessage
from node.p2p.connection import LocalIdentity, initiate
from node.p2p.frames import Consensus, Status, decode_frame, encode_frame
from node.p2p.peer_url import node_public_key
from tests.support.qbft import wire
from tests.support.qbft_processes import Member


async def send_as(
    key: bytes, member: Member, genesis_hash: bytes, messages: list[QbftMessage]
) -> bool:
    """Connect to ``member`` with node key ``key`` (a real handshake), send ``messages`` and
    stay a moment; False if the link was refused (the old link of that key still open)."""
    url = f"ws://127.0.0.1:{member.url.port}/p2p"
    me = LocalIdentity(key, node_public_key(key), genesis_hash)
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await initiate(ws, me, member.url.public_key)
        first = await ws.receive()
        if first.type != aiohttp.WSMsgType.BINARY:
            return False
        assert isinstance(decode_frame(first.data), Status)
        for message in messages:
            await ws.send_bytes(encode_frame(Consensus(*wire(message))))
        await asyncio.sleep(1.0)
    return True
