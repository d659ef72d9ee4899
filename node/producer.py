"""Block production for a validator that holds every seal it needs (a one-validator network).

The timing follows Besu's QBFT: a block is due ``blockperiodseconds`` after its parent's
timestamp; with an empty pool it waits for ``emptyblockperiodseconds`` (or, when empty blocks
are switched off, for the first transaction). Execution and the disk write run on the chain
worker thread, so the event loop keeps serving JSON-RPC while a block is built.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from eth_typing import Address

from node.chain.genesis import QbftConfig
from node.chain.header import QbftBlock, QbftBlockHeader, commit_seal_digest
from node.chain.ledger import BuiltBlock, Ledger
from node.chain.seals import sign_digest
from node.txpool.pool import TxPool

logger = logging.getLogger(__name__)
RETRY_AFTER_FAILURE_SECONDS = 1.0


@dataclass(frozen=True)
class ProductionSettings:
    qbft: QbftConfig
    produce_empty_blocks: bool = True


class BlockProducer:
    def __init__(
        self,
        ledger: Ledger,
        pool: TxPool,
        key: bytes,
        coinbase: Address,
        settings: ProductionSettings,
        chain_executor: ThreadPoolExecutor,
        on_block: Callable[[QbftBlock, BuiltBlock], None],
        head: Callable[[], QbftBlockHeader],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._ledger = ledger
        self._pool = pool
        self._key = key
        self._coinbase = coinbase
        self._settings = settings
        self._executor = chain_executor
        self._on_block = on_block
        self._head = head
        self._clock = clock
        self._transaction_arrived = asyncio.Event()

    def notify_transaction(self) -> None:
        self._transaction_arrived.set()

    async def run(self) -> None:
        while True:
            parent = self._head()
            await self._wait_until_due(parent)
            try:
                await self._produce(parent)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception(
                    "block production failed", extra={"fields": {"parent": parent.block_number}}
                )
                await asyncio.sleep(RETRY_AFTER_FAILURE_SECONDS)

    async def _wait_until_due(self, parent: QbftBlockHeader) -> None:
        qbft = self._settings.qbft
        due = parent.timestamp + qbft.block_period_seconds
        empty_due = parent.timestamp + max(qbft.empty_block_period_seconds, 1)
        while True:
            now = self._clock()
            if now < due:
                await asyncio.sleep(due - now)
                continue
            if self._pool.stats()[0] > 0:
                return
            self._transaction_arrived.clear()
            if not self._settings.produce_empty_blocks:
                await self._transaction_arrived.wait()
                continue
            if now >= empty_due:
                return
            try:
                await asyncio.wait_for(self._transaction_arrived.wait(), timeout=empty_due - now)
            except TimeoutError:
                return

    async def _produce(self, parent: QbftBlockHeader) -> None:
        loop = asyncio.get_running_loop()
        candidates = self._pool.pending(parent.gas_limit)
        timestamp = max(
            int(self._clock()), parent.timestamp + self._settings.qbft.block_period_seconds
        )
        started = time.perf_counter()
        built = await loop.run_in_executor(
            self._executor,
            partial(
                self._ledger.build_block,
                [entry.tx for entry in candidates],
                coinbase=self._coinbase,
                timestamp=timestamp,
                parent=parent,
            ),
        )
        seal = sign_digest(self._key, commit_seal_digest(built.block.header))
        logger.info(
            "block sealed",
            extra={
                "fields": {
                    "number": built.block.number,
                    "txs": len(built.block.transactions),
                    "rejected": len(built.rejected),
                    "deferred": len(built.deferred),
                    "writes": built.writes.pending_count,
                    "build_ms": round((time.perf_counter() - started) * 1000),
                }
            },
        )
        block = await loop.run_in_executor(
            self._executor, self._ledger.commit_sealed, built, [seal]
        )
        logger.info(
            "block committed",
            extra={
                "fields": {
                    "number": block.number,
                    "hash": "0x" + block.hash.hex(),
                    "txs": len(block.transactions),
                    "gas": block.header.gas_used,
                }
            },
        )
        self._on_block(block, built)
