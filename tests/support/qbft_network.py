"""A simulated QBFT network: N instances of the real core wired by a deterministic router.

Every validator runs a :class:`QbftController` on its own :class:`HeaderChain`. The router
plays the node shell: it delivers broadcasts to every other live validator after a fixed
latency, runs timers on a fake clock, imports sealed blocks (checking their commit seals) and
announces each imported block to the other validators, as block propagation and sync would,
so a validator that missed a round's commits still reaches the next height. Silent validators
receive and send nothing. An equivocating validator runs an honest core, but the router
sends every other validator a conflicting version of its proposals, prepares and commits (for
a second block of the same round, properly signed). Events at the same instant run in the
order they were scheduled.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count

from node.chain.extra_data import decode_extra_data
from node.chain.header import QbftBlock
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
from node.consensus.messages import Commit, Prepare, Proposal, decode_message, encode_message
from node.consensus.round_id import RoundId
from node.consensus.signer import PrivateKeySigner
from tests.support.qbft import (
    GENESIS_TIMESTAMP,
    HeaderChain,
    HeaderOnlyBlockCreator,
    Peer,
    build_block,
    genesis_header,
    validator_keys,
)

LATENCY_SECONDS = 0.05


@dataclass
class SimulatedValidator:
    index: int
    address: bytes
    chain: HeaderChain
    controller: QbftController
    round_timer_token: int = 0
    pending_blocks: dict[bytes, QbftBlock] = field(default_factory=dict)
    rejections: list[Rejected] = field(default_factory=list)


@dataclass(frozen=True)
class _BlockArrived:
    block: QbftBlock


@dataclass(frozen=True)
class _RoundTimer:
    event: RoundTimerExpired
    token: int


class SimulatedNetwork:
    def __init__(
        self,
        size: int,
        silent: Sequence[int] = (),
        config: QbftConfig | None = None,
        equivocating: Sequence[int] = (),
    ) -> None:
        self.config = config or QbftConfig(
            block_period_seconds=1, request_timeout_seconds=1, max_round_timeout_seconds=4
        )
        keys = validator_keys(size)
        self.addresses = [PrivateKeySigner(key).address for key in keys]
        genesis = genesis_header(self.addresses)
        self.silent = frozenset(silent)
        self.equivocating = {i: Peer(keys[i]) for i in equivocating}
        self._conflicting_blocks: dict[RoundId, QbftBlock] = {}
        self.now = float(GENESIS_TIMESTAMP)
        self._queue: list[tuple[float, int, int, object]] = []
        self._sequence = count()
        self.validators: dict[int, SimulatedValidator] = {}
        self._keys = keys
        self._genesis = genesis
        for index in range(size):
            if index not in self.silent:
                self._start_validator(index)

    def _start_validator(self, index: int) -> None:
        signer = PrivateKeySigner(self._keys[index])
        chain = HeaderChain(self._genesis, self.addresses)
        creator = HeaderOnlyBlockCreator(chain, signer.address)
        controller = QbftController(self.config, signer, creator, chain, chain)
        node = SimulatedValidator(index, signer.address, chain, controller)
        self.validators[index] = node
        self._apply(node, controller.start(self._genesis, self.now))

    def wake(self, index: int) -> None:
        """Start a silent validator now, from genesis (it has seen nothing so far)."""
        self.silent = self.silent - {index}
        self._start_validator(index)

    # -- running -------------------------------------------------------------------------------

    def run_until(self, end: float) -> None:
        """Process every event scheduled up to ``end`` (seconds after genesis)."""
        deadline = GENESIS_TIMESTAMP + end
        while self._queue and self._queue[0][0] <= deadline:
            at, _, index, item = heapq.heappop(self._queue)
            self.now = at
            node = self.validators[index]
            if isinstance(item, _RoundTimer):
                if item.token != node.round_timer_token:
                    continue  # replaced by a later round timer
                self._deliver(node, item.event)
            elif isinstance(item, _BlockArrived):
                self._offer_block(node, item.block)
            else:
                assert isinstance(item, MessageReceived | BlockTimerExpired | NewChainHead)
                self._deliver(node, item)
        self.now = deadline

    def _schedule(self, at: float, index: int, item: object) -> None:
        heapq.heappush(self._queue, (at, next(self._sequence), index, item))

    def _deliver(self, node: SimulatedValidator, event: Event) -> None:
        self._apply(node, node.controller.handle(event))

    def _apply(self, node: SimulatedValidator, effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Broadcast):
                others = [o for o in self.validators.values() if o is not node]
                for position, other in enumerate(others):
                    data = effect.data
                    if node.index in self.equivocating and position % 2:
                        data = self._conflicting(node, effect)
                    self._schedule_message(other.index, MessageReceived(effect.code, data, 0.0))
            elif isinstance(effect, StartBlockTimer):
                at = max(effect.at, self.now)
                self._schedule(at, node.index, BlockTimerExpired(effect.round_id, at))
            elif isinstance(effect, StartRoundTimer):
                node.round_timer_token += 1
                at = self.now + effect.seconds
                event = RoundTimerExpired(effect.round_id, at)
                self._schedule(at, node.index, _RoundTimer(event, node.round_timer_token))
            elif isinstance(effect, ImportBlock):
                self._import(node, effect.block)
            elif isinstance(effect, Rejected):
                node.rejections.append(effect)
            else:
                assert isinstance(effect, Gossip)  # full mesh: every validator already has it

    def _conflicting(self, node: SimulatedValidator, effect: Broadcast) -> bytes:
        """The same message about another block of the same round (a later timestamp)."""
        peer = self.equivocating[node.index]
        message = decode_message(effect.code, effect.data)
        if isinstance(message, Proposal):
            block = message.block
            parent = node.chain.headers[bytes(block.header.parent_hash)]
            extra = decode_extra_data(block.header.extra_data)
            other = build_block(
                parent,
                extra.validators,
                bytes(block.header.coinbase),
                extra.round,
                block.header.timestamp + 1,
            )
            self._conflicting_blocks[message.round_id] = other
            return encode_message(
                peer.proposal(message.round_id, other, message.round_changes, message.prepares)
            )
        other = self._conflicting_blocks.get(message.round_id)
        if other is None:
            return effect.data
        if isinstance(message, Prepare):
            return encode_message(peer.prepare(message.round_id, bytes(other.hash)))
        if isinstance(message, Commit):
            return encode_message(peer.commit(message.round_id, other))
        return effect.data

    def _schedule_message(self, index: int, message: MessageReceived) -> None:
        at = self.now + LATENCY_SECONDS
        self._schedule(at, index, MessageReceived(message.code, message.data, at))

    def _import(self, node: SimulatedValidator, block: QbftBlock) -> None:
        reason = node.chain.import_block(block)
        if reason is not None:
            raise AssertionError(f"validator {node.index} sealed an unimportable block: {reason}")
        self._schedule(self.now, node.index, NewChainHead(block.header, self.now))
        for other in self.validators.values():
            if other is not node:
                self._schedule(self.now + LATENCY_SECONDS, other.index, _BlockArrived(block))

    def _offer_block(self, node: SimulatedValidator, block: QbftBlock) -> None:
        """Import an announced block once its parent is the head (sync, in miniature)."""
        if block.number <= node.chain.head.block_number:
            return
        node.pending_blocks[bytes(block.header.parent_hash)] = block
        while (child := node.pending_blocks.pop(bytes(node.chain.head.hash), None)) is not None:
            reason = node.chain.import_block(child)
            if reason is not None:
                raise AssertionError(f"validator {node.index} refused a sealed block: {reason}")
            self._deliver(node, NewChainHead(child.header, self.now))

    # -- observations --------------------------------------------------------------------------

    def heights(self) -> dict[int, int]:
        return {i: node.chain.head.block_number for i, node in self.validators.items()}

    def finalized_hashes(self, index: int) -> list[bytes]:
        return [bytes(block.hash) for block in self.validators[index].chain.blocks]

    def common_height(self) -> int:
        return min(self.heights().values())

    def committed_rounds(self, index: int) -> list[int]:
        return [decode_extra_data(b.header.extra_data).round for b in self.chain_of(index)]

    def chain_of(self, index: int) -> list[QbftBlock]:
        return self.validators[index].chain.blocks
