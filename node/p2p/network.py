"""The peer network: accepts and dials authenticated links, keeps one link per peer, gossips
transactions and QBFT messages, and hands everything else to the node.

Gossip: every frame a node accepts it forwards to its other peers, and each node drops what it
has seen (transactions by hash, consensus messages by the hash of their bytes), so a message
reaches every peer of a connected network even without a full mesh. A consensus message is
relayed only to peers that may not have it: not its author, not the peer it came from, and not
a peer that reports a link to its author (each peer lists its links in a PEERS frame), since
the author sent it there itself. Validators keep a full mesh, so in the steady state a message
crosses each link once instead of once per relaying validator: with 24 validators, 23 times
fewer frames.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import aiohttp
from aiohttp import web
from eth_utils import keccak

from node.p2p.allowlist import Allowlist
from node.p2p.connection import (
    HANDSHAKE_TIMEOUT_SECONDS,
    PROTOCOL_CLOSE_CODE,
    REFUSAL_CLOSE_CODE,
    LocalIdentity,
    Peer,
    WebSocket,
    initiate,
    respond,
)
from node.p2p.frames import (
    Blocks,
    Consensus,
    Frame,
    GetBlocks,
    Peers,
    Status,
    Transactions,
    encode_frame,
)
from node.p2p.handshake import HandshakeError, HandshakeRefusal
from node.p2p.peer_url import PeerUrl, public_key_address

logger = logging.getLogger(__name__)
P2P_PATH = "/p2p"
CLOSE_TIMEOUT_SECONDS = 2.0
HEARTBEAT_SECONDS = 10.0
LINKS_ANNOUNCE_DELAY_SECONDS = 0.1
"""Link changes within this delay are announced in one PEERS frame (at start-up a node gains
a link per peer within a second)."""


@dataclass(frozen=True)
class NetworkSettings:
    host: str = "127.0.0.1"
    port: int = 30303
    peers: tuple[PeerUrl, ...] = ()
    max_frame_bytes: int = 16 * 1024 * 1024
    send_queue_frames: int = 4096
    seen_limit: int = 100_000
    reconnect_min_seconds: float = 0.25
    reconnect_max_seconds: float = 5.0
    transaction_batch: int = 256
    transaction_flush_seconds: float = 0.02


class NetworkHandler(Protocol):
    """What the network needs from the node."""

    def status(self) -> Status: ...

    async def accept_transactions(self, raw: Sequence[bytes]) -> list[bytes]:
        """Offer gossiped transactions to the pool; those it took (to forward)."""
        ...

    def accept_consensus(self, code: int, data: bytes) -> None: ...

    async def blocks_from(self, start: int, count: int) -> list[bytes]: ...

    def on_status(self, peer: Peer, status: Status) -> None: ...

    def on_blocks(self, peer: Peer, blocks: Blocks) -> None: ...


class MessageSources:
    """The hashes of the last ``limit`` consensus messages, each with the peer it first came
    from (empty for this node's own)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._sources: OrderedDict[bytes, bytes] = OrderedDict()

    def add(self, key: bytes, source: bytes) -> bool:
        """True if ``key`` is new."""
        if key in self._sources:
            return False
        self._sources[key] = source
        if len(self._sources) > self._limit:
            self._sources.popitem(last=False)
        return True

    def source(self, key: bytes) -> bytes:
        return self._sources.get(key, b"")


class SeenHashes:
    """The last ``limit`` hashes seen, oldest forgotten first."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: OrderedDict[bytes, None] = OrderedDict()

    def add(self, key: bytes) -> bool:
        """True if ``key`` is new."""
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self._limit:
            self._seen.popitem(last=False)
        return True


@dataclass
class _Dialer:
    url: PeerUrl
    task: asyncio.Task[None] | None = None


class PeerNetwork:
    def __init__(
        self,
        settings: NetworkSettings,
        identity: LocalIdentity,
        allowlist: Allowlist,
        handler: NetworkHandler,
    ) -> None:
        self.settings = settings
        self._me = identity
        self._address = public_key_address(identity.public_key)
        self._allowlist = allowlist
        self._handler = handler
        self.peers: dict[bytes, Peer] = {}
        self._consensus_sources = MessageSources(settings.seen_limit)
        self._seen_transactions = SeenHashes(settings.seen_limit)
        self._tx_outbox: list[bytes] = []
        self._tx_flush: asyncio.TimerHandle | None = None
        self._links_announce: asyncio.TimerHandle | None = None
        self._dialers = [_Dialer(url) for url in settings.peers]
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._closing = False
        self._closing_links: set[asyncio.Task[bool]] = set()
        self.url: str | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(P2P_PATH, self._accept)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=CLOSE_TIMEOUT_SECONDS
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self.settings.host, self.settings.port).start()
        host, port = self._runner.addresses[0][:2]
        self.url = str(PeerUrl(self._me.public_key, host, port))
        self._session = aiohttp.ClientSession()
        for dialer in self._dialers:
            dialer.task = asyncio.create_task(self._dial_forever(dialer), name="p2p-dial")

    async def stop(self) -> None:
        """Stop listening and dialling first, so peers reconnecting meanwhile cannot hold up
        the shutdown, then close every link."""
        self._closing = True
        if self._links_announce is not None:
            self._links_announce.cancel()
        if self._runner is not None:
            for site in self._runner.sites:
                await site.stop()
        for dialer in self._dialers:
            if dialer.task is not None:
                dialer.task.cancel()
        await asyncio.gather(*(d.task for d in self._dialers if d.task), return_exceptions=True)
        await asyncio.gather(
            *(peer.ws.close() for peer in list(self.peers.values())), return_exceptions=True
        )
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- sending --------------------------------------------------------------------------------

    def broadcast(self, frame: Frame, *, exclude: bytes | None = None) -> None:
        data = encode_frame(frame)
        for peer in list(self.peers.values()):
            if peer.address != exclude:
                peer.send_encoded(data)

    def broadcast_consensus(self, code: int, data: bytes) -> None:
        """Send a QBFT message of this node's to every peer."""
        self._consensus_sources.add(keccak(data), b"")
        self.broadcast(Consensus(code, data))

    def relay_consensus(self, code: int, data: bytes, author: bytes) -> None:
        """Forward a peer's QBFT message that consensus accepted to the peers that may not
        have it: not its author, not the peer it came from, and not a peer that reports a
        link to its author. A peer whose links are not known yet gets it."""
        source = self._consensus_sources.source(keccak(data))
        encoded = encode_frame(Consensus(code, data))
        for peer in list(self.peers.values()):
            if peer.address in (author, source):
                continue
            if peer.linked is not None and author in peer.linked:
                continue
            peer.send_encoded(encoded)

    def gossip_transaction(self, raw: bytes) -> None:
        """Queue a pooled transaction for the next batch to every peer."""
        if not self._seen_transactions.add(keccak(raw)):
            return
        self._tx_outbox.append(raw)
        if len(self._tx_outbox) >= self.settings.transaction_batch:
            self._flush_transactions()
        elif self._tx_flush is None:
            loop = asyncio.get_running_loop()
            self._tx_flush = loop.call_later(
                self.settings.transaction_flush_seconds, self._flush_transactions
            )

    def _flush_transactions(self) -> None:
        if self._tx_flush is not None:
            self._tx_flush.cancel()
            self._tx_flush = None
        batch, self._tx_outbox = self._tx_outbox, []
        if batch:
            self.broadcast(Transactions(tuple(batch)))

    # -- links ----------------------------------------------------------------------------------

    def _links_changed(self) -> None:
        if self._closing or self._links_announce is not None:
            return
        self._links_announce = asyncio.get_running_loop().call_later(
            LINKS_ANNOUNCE_DELAY_SECONDS, self._announce_links
        )

    def _announce_links(self) -> None:
        self._links_announce = None
        self.broadcast(Peers(tuple(sorted(self.peers))))

    def drop_disallowed(self) -> None:
        """Close the links of peers the allowlist no longer allows (it follows the validator
        set, which may change with every block)."""
        for peer in list(self.peers.values()):
            if not self._allowlist.allows(peer.public_key):
                logger.warning("peer no longer allowed", extra={"fields": {"peer": peer.name}})
                closing = asyncio.get_running_loop().create_task(
                    peer.ws.close(code=REFUSAL_CLOSE_CODE, message=b"NOT_ALLOWLISTED")
                )
                self._closing_links.add(closing)
                closing.add_done_callback(self._closing_links.discard)

    async def _accept(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(
            max_msg_size=self.settings.max_frame_bytes,
            heartbeat=HEARTBEAT_SECONDS,
            timeout=CLOSE_TIMEOUT_SECONDS,
        )
        await ws.prepare(request)
        if self._closing:
            await ws.close(code=REFUSAL_CLOSE_CODE, message=b"SHUTTING_DOWN")
            return ws
        try:
            async with asyncio.timeout(HANDSHAKE_TIMEOUT_SECONDS):
                key = await respond(ws, self._me, self._allowlist)
        except (HandshakeError, TimeoutError) as error:
            await self._refuse(ws, error, request.remote or "?")
            return ws
        peer = Peer(ws, key, public_key_address(key), self.settings.send_queue_frames)
        await self._serve(peer)
        return ws

    async def _refuse(self, ws: WebSocket, error: Exception, remote: str) -> None:
        refusal = error.refusal if isinstance(error, HandshakeError) else HandshakeRefusal.TIMEOUT
        logger.warning(
            "handshake refused",
            extra={"fields": {"remote": remote, "reason": refusal.name, "detail": str(error)}},
        )
        await ws.close(code=REFUSAL_CLOSE_CODE, message=refusal.name.encode())

    async def _dial_forever(self, dialer: _Dialer) -> None:
        """Keep a link to ``dialer.url``: reconnect with exponential backoff and jitter."""
        assert self._session is not None
        delay = self.settings.reconnect_min_seconds
        address = dialer.url.address
        while not self._closing:
            if address in self.peers:
                await self._wait_disconnected(address)
                delay = self.settings.reconnect_min_seconds
                continue
            url = f"ws://{dialer.url.host}:{dialer.url.port}{P2P_PATH}"
            try:
                ws = await self._session.ws_connect(
                    url,
                    max_msg_size=self.settings.max_frame_bytes,
                    heartbeat=HEARTBEAT_SECONDS,
                    timeout=aiohttp.ClientWSTimeout(ws_close=CLOSE_TIMEOUT_SECONDS),
                )
            except (aiohttp.ClientError, OSError):
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, self.settings.reconnect_max_seconds)
                continue
            try:
                async with asyncio.timeout(HANDSHAKE_TIMEOUT_SECONDS):
                    key = await initiate(ws, self._me, dialer.url.public_key)
            except (HandshakeError, TimeoutError, aiohttp.ClientError) as error:
                await self._refuse(ws, error, url)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.settings.reconnect_max_seconds)
                continue
            delay = self.settings.reconnect_min_seconds
            await self._serve(Peer(ws, key, self._address, self.settings.send_queue_frames))

    async def _wait_disconnected(self, address: bytes) -> None:
        while address in self.peers:
            await asyncio.sleep(self.settings.reconnect_min_seconds)

    async def _serve(self, peer: Peer) -> None:
        """Register ``peer`` (one link per peer), pump its frames, unregister when it closes."""
        existing = self.peers.get(peer.address)
        if existing is not None and self._keeps(existing, peer):
            await peer.ws.close(code=REFUSAL_CLOSE_CODE, message=b"DUPLICATE")
            return
        self.peers[peer.address] = peer
        if existing is not None:
            await existing.ws.close(code=REFUSAL_CLOSE_CODE, message=b"DUPLICATE")
        writer = asyncio.create_task(peer.write_loop(), name="p2p-write")
        logger.info(
            "peer connected", extra={"fields": {"peer": peer.name, "peers": len(self.peers)}}
        )
        peer.send(self._handler.status())
        self._links_changed()
        try:
            async for frame in peer.frames():
                await self._dispatch(peer, frame)
        except (ConnectionError, aiohttp.ClientError):
            pass
        except Exception:  # a failure handling one peer's frame must not take the node down
            logger.exception("peer frame handling failed", extra={"fields": {"peer": peer.name}})
            await peer.ws.close(code=PROTOCOL_CLOSE_CODE, message=b"INTERNAL_ERROR")
        finally:
            writer.cancel()
            # Not ``suppress(CancelledError)``: that would also swallow the cancellation of this
            # task (the node stopping while the writer winds down), and a dialler would dial on.
            await asyncio.gather(writer, return_exceptions=True)
            if self.peers.get(peer.address) is peer:
                del self.peers[peer.address]
                logger.info("peer disconnected", extra={"fields": {"peer": peer.name}})
                self._links_changed()

    @staticmethod
    def _keeps(existing: Peer, new: Peer) -> bool:
        """When two links to one peer exist, both sides keep the one dialled by the lower
        address; a second link from the same dialler replaces the first (it reconnected)."""
        if existing.initiator_address == new.initiator_address:
            return False
        return existing.initiator_address < new.initiator_address

    async def _dispatch(self, peer: Peer, frame: Frame) -> None:
        if isinstance(frame, Consensus):
            if self._consensus_sources.add(keccak(frame.data), peer.address):
                self._handler.accept_consensus(frame.code, frame.data)
        elif isinstance(frame, Peers):
            peer.linked = frozenset(frame.addresses)
        elif isinstance(frame, Transactions):
            fresh = [raw for raw in frame.raw if self._seen_transactions.add(keccak(raw))]
            if fresh:
                accepted = await self._handler.accept_transactions(fresh)
                if accepted:
                    self.broadcast(Transactions(tuple(accepted)), exclude=peer.address)
        elif isinstance(frame, Status):
            peer.head_number = frame.head_number
            self._handler.on_status(peer, frame)
        elif isinstance(frame, GetBlocks):
            peer.send(Blocks(tuple(await self._handler.blocks_from(frame.start, frame.count))))
        elif isinstance(frame, Blocks):
            self._handler.on_blocks(peer, frame)
        else:
            logger.warning(
                "handshake frame after the handshake", extra={"fields": {"peer": peer.name}}
            )
