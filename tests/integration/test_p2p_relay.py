"""Real peer networks on loopback relaying QBFT messages: a message crosses a link only if the
peer at its end may not have it (the PEERS frames say whom each peer reaches itself)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from node.p2p.allowlist import Allowlist
from node.p2p.connection import LocalIdentity, Peer
from node.p2p.frames import Blocks, Consensus, Status
from node.p2p.network import NetworkSettings, PeerNetwork
from node.p2p.peer_url import PeerUrl, node_public_key, public_key_address
from tests.support.qbft_processes import free_port

GENESIS = b"\x42" * 32
CODE = 0x13


@dataclass
class Recorder:
    """A node that takes nothing but records the consensus messages it is handed."""

    consensus: list[bytes] = field(default_factory=list)

    def status(self) -> Status:
        return Status(0, GENESIS)

    async def accept_transactions(self, raw: Sequence[bytes]) -> list[bytes]:
        return []

    def accept_consensus(self, code: int, data: bytes) -> None:
        self.consensus.append(data)

    async def blocks_from(self, start: int, count: int) -> list[bytes]:
        return []

    def on_status(self, peer: Peer, status: Status) -> None:
        return None

    def on_blocks(self, peer: Peer, blocks: Blocks) -> None:
        return None


@dataclass
class Node:
    network: PeerNetwork
    recorder: Recorder
    address: bytes


async def wait_until(condition: object, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)


async def start_nodes(count: int, links: Sequence[tuple[int, int]]) -> list[Node]:
    """``count`` networks that allow each other, node i dialling node j for each (i, j) of
    ``links``; returns once every link is up and every node knows its peers' links."""
    keys = [secrets.token_bytes(32) for _ in range(count)]
    publics = [node_public_key(key) for key in keys]
    ports = [free_port() for _ in range(count)]
    nodes: list[Node] = []
    for index, key in enumerate(keys):
        dials = tuple(PeerUrl(publics[j], "127.0.0.1", ports[j]) for i, j in links if i == index)
        recorder = Recorder()
        network = PeerNetwork(
            NetworkSettings(port=ports[index], peers=dials),
            LocalIdentity(key, publics[index], GENESIS),
            Allowlist(publics, lambda: []),
            recorder,
        )
        await network.start()
        nodes.append(Node(network, recorder, public_key_address(publics[index])))
    neighbours = [{j for link in links if i in link for j in link if j != i} for i in range(count)]

    def settled() -> bool:
        for i, node in enumerate(nodes):
            peers = node.network.peers
            if set(peers) != {nodes[j].address for j in neighbours[i]}:
                return False
            for j in neighbours[i]:
                reported = peers[nodes[j].address].linked
                if reported != frozenset(nodes[k].address for k in neighbours[j]):
                    return False
        return True

    await wait_until(settled)
    return nodes


async def stop_nodes(nodes: Sequence[Node]) -> None:
    for node in nodes:
        await node.network.stop()


def run(scenario: object) -> list[bytes]:
    return asyncio.run(scenario())  # type: ignore[arg-type]


def test_a_peer_linked_to_the_author_is_not_sent_its_message_again() -> None:
    async def scenario() -> list[bytes]:
        a, b, c = nodes = await start_nodes(3, [(0, 1), (0, 2), (1, 2)])
        try:
            b.network.relay_consensus(CODE, b"from a", a.address)
            b.network.relay_consensus(CODE, b"from an unlinked author", b"\x99" * 20)
            await wait_until(lambda: len(c.recorder.consensus) == 1)
            return c.recorder.consensus
        finally:
            await stop_nodes(nodes)

    # One link delivers in order: had the first been sent, it would have arrived first.
    assert run(scenario) == [b"from an unlinked author"]


def test_a_peer_without_a_link_to_the_author_is_relayed_its_message() -> None:
    async def scenario() -> list[bytes]:
        a, b, c = nodes = await start_nodes(3, [(0, 1), (1, 2)])
        try:
            a.network.broadcast_consensus(CODE, b"from a")
            await wait_until(lambda: b.recorder.consensus == [b"from a"])
            b.network.relay_consensus(CODE, b"from a", a.address)
            await wait_until(lambda: len(c.recorder.consensus) == 1)
            return c.recorder.consensus
        finally:
            await stop_nodes(nodes)

    assert run(scenario) == [b"from a"]


def test_a_message_is_not_relayed_back_to_the_peer_it_came_from() -> None:
    async def scenario() -> list[bytes]:
        a, b = nodes = await start_nodes(2, [(0, 1)])
        try:
            # Sent on the link only, so that a's network has not seen it and would take it back.
            a.network.peers[b.address].send(Consensus(CODE, b"first"))
            await wait_until(lambda: b.recorder.consensus == [b"first"])
            outsider = b"\x99" * 20
            b.network.relay_consensus(CODE, b"first", outsider)
            b.network.relay_consensus(CODE, b"second", outsider)
            await wait_until(lambda: len(a.recorder.consensus) == 1)
            return a.recorder.consensus
        finally:
            await stop_nodes(nodes)

    assert run(scenario) == [b"second"]
