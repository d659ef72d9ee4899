"""Block sync: catch up with peers whose head is ahead, a batch of blocks at a time.

Every block is verified and executed by the importer the node supplies (the ledger checks the
validators listed, the proposer, a quorum of commit seals from the validator set, then
re-executes it), so a peer can waste our time but never make us accept a block.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from node.p2p.connection import Peer
from node.p2p.frames import MAX_BLOCKS_PER_REQUEST, Blocks, GetBlocks

logger = logging.getLogger(__name__)
REQUEST_TIMEOUT_SECONDS = 15.0


class BlockImportFailed(Exception):
    """A peer's block that did not decode, verify or execute (the message says which)."""


class BlockSync:
    def __init__(
        self,
        import_blocks: Callable[[Sequence[bytes]], Awaitable[None]],
        local_head: Callable[[], int],
        peers: Callable[[], Sequence[Peer]],
        grace_seconds: float = 0.0,
    ) -> None:
        """``grace_seconds``: how long a validator waits before fetching a block only one
        ahead of it, which its own consensus round is usually about to import."""
        self._import = import_blocks
        self._local_head = local_head
        self._peers = peers
        self._grace = grace_seconds
        self._wake = asyncio.Event()
        self._pending: tuple[Peer, asyncio.Future[Blocks]] | None = None

    def on_status(self) -> None:
        self._wake.set()

    def on_blocks(self, peer: Peer, blocks: Blocks) -> None:
        if self._pending is not None and self._pending[0] is peer:
            future = self._pending[1]
            if not future.done():
                future.set_result(blocks)

    async def run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while await self._fetch_once():
                pass

    async def _fetch_once(self) -> bool:
        """Fetch and import one batch from the peer furthest ahead; False when none is."""
        local = self._local_head()
        ahead = [peer for peer in self._peers() if peer.head_number > local]
        if not ahead:
            return False
        peer = max(ahead, key=lambda p: p.head_number)
        if peer.head_number == local + 1 and self._grace > 0:
            await asyncio.sleep(self._grace)
            if self._local_head() > local:
                return True
        count = min(MAX_BLOCKS_PER_REQUEST, peer.head_number - local)
        future: asyncio.Future[Blocks] = asyncio.get_running_loop().create_future()
        self._pending = (peer, future)
        peer.send(GetBlocks(local + 1, count))
        try:
            blocks = await asyncio.wait_for(future, REQUEST_TIMEOUT_SECONDS)
        except TimeoutError:
            blocks = Blocks(())
        finally:
            self._pending = None
        if not blocks.encoded:
            logger.warning("peer sent no blocks", extra={"fields": {"peer": peer.name}})
            peer.head_number = local
            return True
        try:
            await self._import(blocks.encoded)
        except BlockImportFailed as error:
            logger.warning(
                "peer's block refused", extra={"fields": {"peer": peer.name, "error": str(error)}}
            )
            peer.head_number = local
        return True
