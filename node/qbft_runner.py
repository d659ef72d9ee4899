"""The node shell around the QBFT core: adapters over the ledger, one event queue, effects.

Besu's ``BftEventQueue`` → ``BftProcessor``: every input (a peer's message, a timer, a block
imported by sync) becomes an event on one asyncio queue, consumed one at a time. Timers only
enqueue. The core may build a block (when proposing) or execute one (when validating a
proposal) inside a call, so each call runs on the chain worker thread, never on the event loop:
a 0.7 s block build on the loop would stall JSON-RPC and fire false round changes. Blocks this
node built or validated are kept by hash, so a sealed block is written with the execution
already done instead of running again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from eth.abc import BlockHeaderAPI, SignedTransactionAPI
from eth_typing import Address

from node.chain.extra_data import decode_extra_data
from node.chain.header import QbftBlock
from node.chain.ledger import BuiltBlock, Ledger, RejectedTransaction
from node.consensus.config import QbftConfig
from node.consensus.controller import QbftController
from node.consensus.effects import (
    Broadcast,
    Effect,
    Gossip,
    ImportBlock,
    Rejected,
    StartBlockTimer,
    StartRoundTimer,
)
from node.consensus.events import (
    BlockTimerExpired,
    Event,
    MessageReceived,
    NewChainHead,
    RoundTimerExpired,
)
from node.consensus.signer import PrivateKeySigner
from node.consensus.validation.reasons import EQUIVOCATIONS
from node.txpool.pool import TxPool

logger = logging.getLogger(__name__)
PENDING_TIMEOUT_SECONDS = 5.0
TXS_SELECTION_SHARE = 0.75
"""Of the block period, the time a proposer may spend executing transactions (Besu's default
``poa-block-txs-selection-max-time``)."""
TXS_SELECTION_ROUND_SHARE = 0.125
"""Of the round-0 timeout, the most a proposer may spend executing transactions. Every other
validator executes the block too before it can prepare, and while the proposer builds they
idle, so it runs faster than they will: on two cores shared by five nodes, a block built in
1 s took the others 4 to 8 s, longer than the 4 s round, and every round timed out."""


class ConsensusLinks(Protocol):
    """Where the runner sends QBFT messages (the peer network; nowhere for a lone validator)."""

    def broadcast_consensus(self, code: int, data: bytes) -> None:
        """Send a message of this node's to every peer."""
        ...

    def relay_consensus(self, code: int, data: bytes, author: bytes) -> None:
        """Forward a peer's message to the peers that may not have it."""
        ...


class NoLinks:
    """A lone validator's links: it has no one to tell."""

    def broadcast_consensus(self, code: int, data: bytes) -> None:
        return None

    def relay_consensus(self, code: int, data: bytes, author: bytes) -> None:
        return None


class PoolOnLoop:
    """The pool's pending transactions for the chain thread: the pool belongs to the loop, so
    they are read there. A loop that does not answer (the node is stopping) gets an empty
    block proposed rather than a chain thread that never ends."""

    def __init__(self, pool: TxPool) -> None:
        self._pool = pool
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def __call__(self, gas_limit: int) -> list[SignedTransactionAPI]:
        if self._loop is None or self._loop.is_closed():
            return []
        future = asyncio.run_coroutine_threadsafe(self._pending(gas_limit), self._loop)
        try:
            return future.result(timeout=PENDING_TIMEOUT_SECONDS)
        except concurrent.futures.TimeoutError:
            future.cancel()
            return []

    async def _pending(self, gas_limit: int) -> list[SignedTransactionAPI]:
        return [entry.tx for entry in self._pool.pending(gas_limit)]


def write_sealed(ledger: Ledger, block: QbftBlock, built: BuiltBlock | None) -> QbftBlock | None:
    """Write a block sealed by this node's round (on the chain thread): with the execution
    done when it was built or validated if it still extends the head, else by importing it;
    None if block sync wrote it first."""
    head = ledger.head()
    if block.number <= head.block_number:
        return None
    if built is not None and built.block.header.parent_hash == head.hash:
        extra = decode_extra_data(block.header.extra_data)
        return ledger.commit_sealed(built, extra.seals, extra.round)
    return ledger.import_block(block, now=time.time())


class ExecutedBlocks:
    """Blocks executed for the current height (built or validated), by hash."""

    def __init__(self) -> None:
        self._by_hash: dict[bytes, BuiltBlock] = {}

    def remember(self, built: BuiltBlock) -> None:
        self._by_hash[bytes(built.block.hash)] = built

    def __contains__(self, block_hash: bytes) -> bool:
        return block_hash in self._by_hash

    def take(self, block_hash: bytes) -> BuiltBlock | None:
        built = self._by_hash.get(block_hash)
        self._by_hash.clear()
        return built


class LedgerBlockCreator:
    """The core's ``BlockCreator``: the pool's pending transactions executed on the parent."""

    def __init__(
        self,
        ledger: Ledger,
        coinbase: bytes,
        pending: Callable[[int], list[SignedTransactionAPI]],
        executed: ExecutedBlocks,
        selection_seconds: float,
    ) -> None:
        self._ledger = ledger
        self._selection_seconds = selection_seconds
        self._coinbase = Address(coinbase)
        self._pending = pending
        self._executed = executed
        self.rejected: list[RejectedTransaction] = []

    def create_block(self, parent: BlockHeaderAPI, round_number: int, timestamp: int) -> QbftBlock:
        started = time.monotonic()
        deadline = started + self._selection_seconds
        built = self._ledger.build_block(
            self._pending(parent.gas_limit),
            coinbase=self._coinbase,
            timestamp=timestamp,
            round_number=round_number,
            parent=parent,
            out_of_time=lambda: time.monotonic() > deadline,
        )
        self._executed.remember(built)
        self.rejected.extend(built.rejected)
        _log_execution("block proposed", built.block, started)
        return built.block


class LedgerBlockValidator:
    """The core's ``BlockValidator``: header rules, then execution without writing."""

    def __init__(self, ledger: Ledger, executed: ExecutedBlocks) -> None:
        self._ledger = ledger
        self._executed = executed

    def validate_block(self, block: QbftBlock) -> str | None:
        """A block with the hash of one executed already (this node's own proposal, or a
        re-proposal of a prepared block) passed these checks: its hash covers every field
        they read but the round, which the core checks itself."""
        if bytes(block.hash) in self._executed:
            return None
        started = time.monotonic()
        try:
            built = self._ledger.execute_proposal(block, now=time.time())
        except Exception as error:  # any failure of a peer's block is a reason to refuse it
            logger.warning(
                "proposal refused", extra={"fields": {"number": block.number, "error": str(error)}}
            )
            return f"{type(error).__name__}: {error}"
        self._executed.remember(built)
        _log_execution("proposal executed", block, started)
        return None


def _log_execution(message: str, block: QbftBlock, started: float) -> None:
    logger.info(
        message,
        extra={
            "fields": {
                "number": block.number,
                "round": decode_extra_data(block.header.extra_data).round,
                "txs": len(block.transactions),
                "ms": round((time.monotonic() - started) * 1000),
            }
        },
    )


def _log_rejected(effect: Rejected) -> None:
    """Refusals are routine (late, early, duplicate messages) and logged at debug level, except
    a validator's equivocation: operators must see a validator that misbehaves."""
    fields: dict[str, object] = {"reason": effect.reason.name, "detail": effect.detail}
    if effect.author is not None:
        fields["author"] = "0x" + bytes(effect.author).hex()
    if effect.round_id is not None:
        fields["height"] = effect.round_id.height
        fields["round"] = effect.round_id.round
    if effect.code is not None:
        fields["code"] = f"0x{effect.code:02x}"
    if effect.reason in EQUIVOCATIONS:
        logger.warning("conflicting consensus message refused", extra={"fields": fields})
    else:
        logger.debug("consensus message refused", extra={"fields": fields})


class LedgerValidators:
    """The core's ``ValidatorProvider``: the set the ledger derives from the parent (the
    exchange registry's after it, or the genesis set on a chain without the registry)."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    def validators_after(self, parent: BlockHeaderAPI) -> Sequence[bytes]:
        return self._ledger.validators_after(parent)


class QbftRunner:
    def __init__(
        self,
        ledger: Ledger,
        key: bytes,
        config: QbftConfig,
        chain_executor: ThreadPoolExecutor,
        pending: PoolOnLoop,
        on_imported: Callable[[QbftBlock, Sequence[RejectedTransaction]], None],
        links: ConsensusLinks,
    ) -> None:
        """``on_imported`` and ``links`` are called on the loop."""
        self._ledger = ledger
        self._executor = chain_executor
        self._links = links
        self._pending = pending
        self._on_imported = on_imported
        self._executed = ExecutedBlocks()
        self._creator = LedgerBlockCreator(
            ledger,
            PrivateKeySigner(key).address,
            pending,
            self._executed,
            min(
                TXS_SELECTION_SHARE * config.block_period_seconds,
                TXS_SELECTION_ROUND_SHARE * config.request_timeout_seconds,
            ),
        )
        self._controller = QbftController(
            config,
            PrivateKeySigner(key),
            self._creator,
            LedgerBlockValidator(ledger, self._executed),
            LedgerValidators(ledger),
        )
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._round_timer: asyncio.TimerHandle | None = None

    def message_received(self, code: int, data: bytes) -> None:
        self._queue.put_nowait(MessageReceived(code, data, 0.0))

    def head_imported(self, header: BlockHeaderAPI) -> None:
        """A block imported outside consensus (block sync)."""
        self._queue.put_nowait(NewChainHead(header, 0.0))

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self._pending.attach(loop)
        head = self._ledger.head()
        effects = await loop.run_in_executor(
            self._executor, self._controller.start, head, time.time()
        )
        await self._apply(effects)
        while True:
            event = dataclasses.replace(await self._queue.get(), now=time.time())
            try:
                effects = await loop.run_in_executor(self._executor, self._controller.handle, event)
            except Exception:  # one failed event must not stop consensus for good
                logger.exception(
                    "consensus event failed", extra={"fields": {"event": type(event).__name__}}
                )
                continue
            await self._apply(effects)

    async def _apply(self, effects: list[Effect]) -> None:
        loop = asyncio.get_running_loop()
        for effect in effects:
            if isinstance(effect, Broadcast):
                self._links.broadcast_consensus(int(effect.code), effect.data)
            elif isinstance(effect, Gossip):
                self._links.relay_consensus(int(effect.code), effect.data, effect.author)
            elif isinstance(effect, StartBlockTimer):
                event = BlockTimerExpired(effect.round_id, 0.0)
                loop.call_at(
                    loop.time() + max(0.0, effect.at - time.time()), self._queue.put_nowait, event
                )
            elif isinstance(effect, StartRoundTimer):
                if self._round_timer is not None:
                    self._round_timer.cancel()
                round_event = RoundTimerExpired(effect.round_id, 0.0)
                self._round_timer = loop.call_later(
                    effect.seconds, self._queue.put_nowait, round_event
                )
            elif isinstance(effect, ImportBlock):
                await self._import(effect)
            elif isinstance(effect, Rejected):
                _log_rejected(effect)

    async def _import(self, effect: ImportBlock) -> None:
        loop = asyncio.get_running_loop()
        built = self._executed.take(bytes(effect.block.hash))
        logger.info(
            "block sealed",
            extra={
                "fields": {
                    "number": effect.block.number,
                    "txs": len(effect.block.transactions),
                    "seals": len(decode_extra_data(effect.block.header.extra_data).seals),
                }
            },
        )
        try:
            block = await loop.run_in_executor(
                self._executor, write_sealed, self._ledger, effect.block, built
            )
        except Exception:
            logger.exception(
                "sealed block not imported", extra={"fields": {"number": effect.block.number}}
            )
            return
        if block is not None:
            self._on_imported(block, self._take_rejected())
            extra = decode_extra_data(block.header.extra_data)
            logger.info(
                "block committed",
                extra={
                    "fields": {
                        "number": block.number,
                        "hash": "0x" + block.hash.hex(),
                        "round": extra.round,
                        "txs": len(block.transactions),
                        "seals": len(extra.seals),
                    }
                },
            )
        self._queue.put_nowait(NewChainHead(self._ledger.head(), 0.0))

    def _take_rejected(self) -> list[RejectedTransaction]:
        rejected, self._creator.rejected = self._creator.rejected, []
        return rejected
