"""One authenticated link to a peer over an aiohttp WebSocket: the handshake's I/O, a bounded
send queue drained by one writer task, and decoded frames in."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import ClientWebSocketResponse, WSMsgType, web

from node.p2p.allowlist import Allowlist
from node.p2p.frames import Auth, Frame, FrameError, Hello, HelloReply, decode_frame, encode_frame
from node.p2p.handshake import (
    NONCE_BYTES,
    HandshakeError,
    HandshakeRefusal,
    Role,
    Transcript,
)
from node.p2p.peer_url import public_key_address

logger = logging.getLogger(__name__)
WebSocket = web.WebSocketResponse | ClientWebSocketResponse
HANDSHAKE_TIMEOUT_SECONDS = 10.0
REFUSAL_CLOSE_CODE = 4001
PROTOCOL_CLOSE_CODE = 4002


@dataclass(frozen=True)
class LocalIdentity:
    private_key: bytes
    public_key: bytes
    genesis_hash: bytes


async def _receive_frame(ws: WebSocket) -> Frame:
    message = await ws.receive()
    if message.type is not WSMsgType.BINARY:
        raise HandshakeError(HandshakeRefusal.MALFORMED, f"got a {message.type.name} message")
    try:
        return decode_frame(message.data)
    except FrameError as error:
        raise HandshakeError(HandshakeRefusal.MALFORMED, str(error)) from None


async def initiate(ws: WebSocket, me: LocalIdentity, expected_key: bytes) -> bytes:
    """Run the initiator's side; the peer's proven public key (the one its URL names)."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    await ws.send_bytes(encode_frame(Hello(me.public_key, nonce, me.genesis_hash)))
    reply = await _receive_frame(ws)
    if not isinstance(reply, HelloReply) or len(reply.nonce) != NONCE_BYTES:
        raise HandshakeError(HandshakeRefusal.MALFORMED, "expected HELLO_REPLY")
    if reply.public_key != expected_key:
        raise HandshakeError(HandshakeRefusal.UNEXPECTED_KEY, "0x" + reply.public_key.hex())
    transcript = Transcript(me.genesis_hash, nonce, reply.nonce, me.public_key, reply.public_key)
    transcript.verify(Role.RESPONDER, reply.signature)
    await ws.send_bytes(encode_frame(Auth(transcript.sign(Role.INITIATOR, me.private_key))))
    return reply.public_key


async def respond(ws: WebSocket, me: LocalIdentity, allowlist: Allowlist) -> bytes:
    """Run the responder's side; the initiator's proven, allowlisted public key."""
    hello = await _receive_frame(ws)
    if not isinstance(hello, Hello) or len(hello.nonce) != NONCE_BYTES:
        raise HandshakeError(HandshakeRefusal.MALFORMED, "expected HELLO")
    if len(hello.public_key) != 64:
        raise HandshakeError(HandshakeRefusal.MALFORMED, "public key must be 64 bytes")
    if hello.genesis_hash != me.genesis_hash:
        raise HandshakeError(HandshakeRefusal.WRONG_CHAIN, "0x" + hello.genesis_hash.hex())
    if hello.public_key == me.public_key:
        raise HandshakeError(HandshakeRefusal.SELF)
    if not allowlist.allows(hello.public_key):
        raise HandshakeError(
            HandshakeRefusal.NOT_ALLOWLISTED, "0x" + public_key_address(hello.public_key).hex()
        )
    nonce = secrets.token_bytes(NONCE_BYTES)
    transcript = Transcript(me.genesis_hash, hello.nonce, nonce, hello.public_key, me.public_key)
    signature = transcript.sign(Role.RESPONDER, me.private_key)
    await ws.send_bytes(encode_frame(HelloReply(me.public_key, nonce, signature)))
    auth = await _receive_frame(ws)
    if not isinstance(auth, Auth):
        raise HandshakeError(HandshakeRefusal.MALFORMED, "expected AUTH")
    transcript.verify(Role.INITIATOR, auth.signature)
    return hello.public_key


class Peer:
    """An authenticated peer. Sends never block: a full queue drops the frame (the peer is too
    slow; what it misses it gets again by gossip or block sync)."""

    def __init__(
        self, ws: WebSocket, public_key: bytes, initiator_address: bytes, queue_limit: int
    ) -> None:
        self.ws = ws
        self.public_key = public_key
        self.address = public_key_address(public_key)
        self.initiator_address = initiator_address
        self.dropped = 0
        self.head_number = 0
        self.linked: frozenset[bytes] | None = None
        """The addresses of this peer's own links, as its last PEERS frame said."""
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(queue_limit)

    @property
    def name(self) -> str:
        return "0x" + self.address.hex()

    def send(self, frame: Frame) -> None:
        self.send_encoded(encode_frame(frame))

    def send_encoded(self, data: bytes) -> None:
        try:
            self._queue.put_nowait(data)
        except asyncio.QueueFull:
            self.dropped += 1
            if self.dropped in (1, 100) or self.dropped % 10_000 == 0:
                logger.warning(
                    "peer send queue full, frames dropped",
                    extra={"fields": {"peer": self.name, "dropped": self.dropped}},
                )

    async def write_loop(self) -> None:
        """Send queued frames; if the link fails, close it so the peer is dropped and
        redialled rather than left registered but deaf."""
        try:
            while True:
                data = await self._queue.get()
                await self.ws.send_bytes(data)
        except (ConnectionError, RuntimeError) as error:
            logger.warning(
                "send to peer failed, closing",
                extra={"fields": {"peer": self.name, "error": str(error)}},
            )
            await self.ws.close()

    async def frames(self) -> AsyncIterator[Frame]:
        """Decoded frames until the link closes; a malformed frame closes it."""
        async for message in self.ws:
            if message.type is not WSMsgType.BINARY:
                continue
            try:
                frame = decode_frame(message.data)
            except FrameError as error:
                logger.warning(
                    "malformed frame, closing",
                    extra={"fields": {"peer": self.name, "error": str(error)}},
                )
                await self.ws.close(code=PROTOCOL_CLOSE_CODE, message=str(error)[:120].encode())
                return
            yield frame
