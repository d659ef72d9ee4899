"""Two real peer networks on loopback whose allowlist is a validator set that changes: a
validator that leaves the set loses its link on the next head, one named by the operator
keeps it."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence

from node.p2p.allowlist import Allowlist
from node.p2p.connection import LocalIdentity, Peer
from node.p2p.frames import Blocks, Status
from node.p2p.network import NetworkSettings, PeerNetwork
from node.p2p.peer_url import PeerUrl, node_public_key, public_key_address

GENESIS = b"\x42" * 32


class IdleNode:
    """A node that holds only genesis and takes nothing: the link itself is under test."""

    def status(self) -> Status:
        return Status(0, GENESIS)

    async def accept_transactions(self, raw: Sequence[bytes]) -> list[bytes]:
        return []

    def accept_consensus(self, code: int, data: bytes) -> None:
        return None

    async def blocks_from(self, start: int, count: int) -> list[bytes]:
        return []

    def on_status(self, peer: Peer, status: Status) -> None:
        return None

    def on_blocks(self, peer: Peer, blocks: Blocks) -> None:
        return None


async def wait_until(condition: object, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.05)


async def linked_pair(
    named_by_operator: bool,
) -> tuple[PeerNetwork, PeerNetwork, list[bytes], bytes]:
    """A listener whose allowlist is ``validators`` (holding the dialler's address) plus, if
    ``named_by_operator``, the dialler's key; and the dialler, connected to it."""
    listener_key, dialler_key = secrets.token_bytes(32), secrets.token_bytes(32)
    dialler_public = node_public_key(dialler_key)
    validators = [public_key_address(dialler_public)]
    named = (dialler_public,) if named_by_operator else ()
    listener = PeerNetwork(
        NetworkSettings(port=0),
        LocalIdentity(listener_key, node_public_key(listener_key), GENESIS),
        Allowlist(named, lambda: validators),
        IdleNode(),
    )
    await listener.start()
    assert listener.url is not None
    port = int(listener.url.rsplit(":", 1)[1])
    dialler = PeerNetwork(
        NetworkSettings(port=0, peers=(PeerUrl(node_public_key(listener_key), "127.0.0.1", port),)),
        LocalIdentity(dialler_key, dialler_public, GENESIS),
        Allowlist((), lambda: []),
        IdleNode(),
    )
    await dialler.start()
    await wait_until(lambda: len(listener.peers) == 1 and len(dialler.peers) == 1)
    return listener, dialler, validators, public_key_address(dialler_public)


def test_a_validator_that_left_the_set_loses_its_link_on_the_next_head() -> None:
    async def scenario() -> tuple[bytes, list[bytes], list[bytes]]:
        listener, dialler, validators, address = await linked_pair(named_by_operator=False)
        try:
            listener.drop_disallowed()
            kept = list(listener.peers)
            validators.clear()
            listener.drop_disallowed()
            await wait_until(lambda: not listener.peers)
            await asyncio.sleep(0.5)  # the dialler's reconnection is refused at the handshake
            return address, kept, list(listener.peers)
        finally:
            await dialler.stop()
            await listener.stop()

    address, kept, after = asyncio.run(scenario())
    assert kept == [address]
    assert after == []


def test_a_former_validator_the_operator_named_keeps_its_link() -> None:
    async def scenario() -> tuple[bytes, list[bytes]]:
        listener, dialler, validators, address = await linked_pair(named_by_operator=True)
        try:
            validators.clear()
            listener.drop_disallowed()
            await asyncio.sleep(0.5)
            return address, list(listener.peers)
        finally:
            await dialler.stop()
            await listener.stop()

    address, after = asyncio.run(scenario())
    assert after == [address]
