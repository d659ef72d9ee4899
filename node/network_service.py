"""A node on the peer network: gossip into the pool, block sync into the ledger, and (for a
voting validator) the QBFT runner, wired to one :class:`PeerNetwork`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import rlp

from node.chain.header import QbftBlock
from node.chain.ledger import Ledger, RejectedTransaction
from node.consensus.config import QbftConfig
from node.consensus.messages import MessageDecodingError, decode_block
from node.p2p.allowlist import Allowlist
from node.p2p.connection import LocalIdentity, Peer
from node.p2p.frames import Blocks, Status
from node.p2p.network import NetworkSettings, PeerNetwork
from node.p2p.peer_url import node_public_key
from node.p2p.sync import BlockImportFailed, BlockSync
from node.qbft_runner import PoolOnLoop, QbftRunner
from node.txpool.errors import TxPoolError
from node.txpool.pool import TxPool

logger = logging.getLogger(__name__)
MAX_BLOCKS_RESPONSE_BYTES = 8 * 1024 * 1024
SYNC_GRACE_SECONDS = 0.5


@dataclass(frozen=True)
class NetworkRole:
    settings: NetworkSettings
    allowed_keys: tuple[bytes, ...]
    votes: bool
    consensus: QbftConfig


class NetworkService:
    def __init__(
        self,
        role: NetworkRole,
        ledger: Ledger,
        key: bytes,
        pool: TxPool,
        chain_executor: ThreadPoolExecutor,
        query_executor: ThreadPoolExecutor,
        submit_raw_transaction: Callable[[bytes], Awaitable[object]],
        on_imported: Callable[[QbftBlock, Sequence[RejectedTransaction]], None],
    ) -> None:
        self._ledger = ledger
        self._chain_executor = chain_executor
        self._query_executor = query_executor
        self._submit = submit_raw_transaction
        self._on_imported = on_imported
        identity = LocalIdentity(key, node_public_key(key), bytes(ledger.genesis_hash))
        self.allowlist = Allowlist(
            role.allowed_keys,
            lambda: ledger.validators_after(ledger.head()),
            lambda address: (
                ledger.registered_nodes_after(ledger.head()).registered(address) is not None
            ),
        )
        self.network = PeerNetwork(role.settings, identity, self.allowlist, self)
        self._sync = BlockSync(
            self._import_blocks,
            lambda: ledger.head().block_number,
            lambda: list(self.network.peers.values()),
            grace_seconds=SYNC_GRACE_SECONDS if role.votes else 0.0,
        )
        self._runner: QbftRunner | None = None
        if role.votes:
            self._runner = QbftRunner(
                ledger,
                key,
                role.consensus,
                chain_executor,
                PoolOnLoop(pool),
                self._on_imported,
                self.network,
            )
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await self.network.start()
        self._tasks.append(asyncio.create_task(self._sync.run(), name="block-sync"))
        if self._runner is not None:
            self._tasks.append(asyncio.create_task(self._runner.run(), name="qbft"))
        for task in self._tasks:
            task.add_done_callback(_report_failure)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.network.stop()

    # -- from the node --------------------------------------------------------------------------

    def transaction_pooled(self, raw: bytes) -> None:
        self.network.gossip_transaction(raw)

    def head_changed(self) -> None:
        """Tell peers, and close links the new head no longer allows (a validator that left the
        set, or an observer of an exchange suspended or removed, that the operator did not
        name)."""
        self.network.broadcast(self.status())
        self.network.drop_disallowed()

    # -- NetworkHandler -------------------------------------------------------------------------

    def status(self) -> Status:
        head = self._ledger.head()
        return Status(head.block_number, bytes(head.hash))

    async def accept_transactions(self, raw: Sequence[bytes]) -> list[bytes]:
        accepted = []
        for item in raw:
            try:
                await self._submit(item)
            except (TxPoolError, ValueError):
                continue
            accepted.append(item)
        return accepted

    def accept_consensus(self, code: int, data: bytes) -> None:
        if self._runner is not None:
            self._runner.message_received(code, data)

    async def blocks_from(self, start: int, count: int) -> list[bytes]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._query_executor, self._read_blocks, start, count)

    def _read_blocks(self, start: int, count: int) -> list[bytes]:
        encoded: list[bytes] = []
        size = 0
        for number in range(start, start + count):
            header = self._ledger.header_by_number(number)
            if header is None:
                break
            data = rlp.encode(self._ledger.block(header))
            size += len(data)
            if encoded and size > MAX_BLOCKS_RESPONSE_BYTES:
                break
            encoded.append(data)
        return encoded

    def on_status(self, peer: Peer, status: Status) -> None:
        self._sync.on_status()

    def on_blocks(self, peer: Peer, blocks: Blocks) -> None:
        self._sync.on_blocks(peer, blocks)

    # -- the chain thread -----------------------------------------------------------------------

    async def _import_blocks(self, encoded: Sequence[bytes]) -> None:
        loop = asyncio.get_running_loop()
        for data in encoded:
            block = await loop.run_in_executor(self._chain_executor, self._import_one, data)
            if block is not None:
                self._on_imported(block, ())
                if self._runner is not None:
                    self._runner.head_imported(block.header)

    def _import_one(self, data: bytes) -> QbftBlock | None:
        """Verify and execute one synced block; the block if it is a new head."""
        try:
            block = decode_block(rlp.decode(data))
        except (MessageDecodingError, rlp.DecodingError) as error:
            raise BlockImportFailed(f"undecodable block: {error}") from None
        if block.number <= self._ledger.head().block_number:
            stored = self._ledger.header_by_number(block.number)
            if stored is not None and stored.hash == block.hash:
                return None
        try:
            return self._ledger.import_block(block, now=time.time())
        except Exception as error:  # a peer's block that fails any rule is refused, with why
            raise BlockImportFailed(f"block #{block.number}: {error}") from None


def _report_failure(task: asyncio.Task[None]) -> None:
    """A long-running task must never end silently: it would leave the node deaf."""
    if not task.cancelled() and task.exception() is not None:
        logger.error(
            "network task failed",
            exc_info=task.exception(),
            extra={"fields": {"task": task.get_name()}},
        )
