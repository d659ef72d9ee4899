"""Besu's ``QbftController``: the entry point of the consensus core.

It drops messages seen before (by the hash of their bytes), decodes the rest, drops those for
heights already committed, buffers those for later heights, and hands messages for the current
height from current validators to the height manager, gossiping them on. A new chain head
starts the next height and replays what was buffered for it. Events go in one at a time;
each call returns the effects the shell must carry out, in order.
"""

from __future__ import annotations

from collections import OrderedDict

from eth.abc import BlockHeaderAPI
from eth_utils import keccak

from node.consensus.config import QbftConfig
from node.consensus.effects import Effect, Gossip, Rejected
from node.consensus.events import (
    BlockTimerExpired,
    Event,
    MessageReceived,
    NewChainHead,
    RoundTimerExpired,
)
from node.consensus.future_messages import FutureMessageBuffer
from node.consensus.height_manager import EventClock, HeightManager
from node.consensus.interfaces import BlockCreator, BlockValidator, Signer, ValidatorProvider
from node.consensus.messages import (
    Commit,
    MessageDecodingError,
    Prepare,
    Proposal,
    QbftMessage,
    RoundChange,
    decode_message,
)
from node.consensus.round import RoundContext
from node.consensus.validation.reasons import Reason


class SeenMessages:
    """The hashes of the last ``limit`` messages received (Besu's ``MessageTracker``)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: OrderedDict[bytes, None] = OrderedDict()

    def check_and_add(self, data: bytes) -> bool:
        """True if ``data`` was seen before; remembers it either way."""
        key = keccak(data)
        if key in self._seen:
            return True
        self._seen[key] = None
        if len(self._seen) > self._limit:
            self._seen.popitem(last=False)
        return False


class QbftController:
    def __init__(
        self,
        config: QbftConfig,
        signer: Signer,
        block_creator: BlockCreator,
        block_validator: BlockValidator,
        validator_provider: ValidatorProvider,
    ) -> None:
        self._config = config
        self._signer = signer
        self._block_creator = block_creator
        self._block_validator = block_validator
        self._validator_provider = validator_provider
        self._clock = EventClock()
        self._outbox: list[Effect] = []
        self._seen = SeenMessages(config.seen_messages_limit)
        self._future = FutureMessageBuffer(
            config.future_messages_max_distance,
            config.future_messages_limit,
            config.future_messages_per_author,
            0,
        )
        self._head: BlockHeaderAPI | None = None
        self._validators: tuple[bytes, ...] = ()
        self.height_manager: HeightManager | None = None

    @property
    def height(self) -> int:
        """The height being decided (the head's number + 1)."""
        if self._head is None:
            raise RuntimeError("the controller has not been started")
        return self._head.block_number + 1

    @property
    def validators(self) -> tuple[bytes, ...]:
        return self._validators

    def start(self, head: BlockHeaderAPI, now: float) -> list[Effect]:
        """Begin deciding the block after ``head``."""
        if self._head is not None:
            raise RuntimeError("the controller is already started")
        self._clock.now = now
        self._start_height(head)
        return self._drain()

    def handle(self, event: Event) -> list[Effect]:
        if self._head is None:
            raise RuntimeError("the controller has not been started")
        self._clock.now = event.now
        if isinstance(event, MessageReceived):
            self._receive(event.code, event.data)
        elif isinstance(event, NewChainHead):
            self._new_head(event.header)
        elif isinstance(event, BlockTimerExpired | RoundTimerExpired):
            self._timer_expired(event)
        return self._drain()

    def _timer_expired(self, event: BlockTimerExpired | RoundTimerExpired) -> None:
        manager = self.height_manager
        if manager is None or event.round_id.height != self.height:
            return  # a timer of a height already decided
        if isinstance(event, BlockTimerExpired):
            manager.handle_block_timer(event.round_id)
        else:
            manager.handle_round_timer(event.round_id)

    def _drain(self) -> list[Effect]:
        effects, self._outbox[:] = list(self._outbox), []
        return effects

    # -- heights -------------------------------------------------------------------------------

    def _start_height(self, head: BlockHeaderAPI) -> None:
        self._head = head
        self._validators = tuple(
            sorted(bytes(v) for v in self._validator_provider.validators_after(head))
        )
        self.height_manager = None
        if self._signer.address in self._validators:
            context = RoundContext(
                head, self._validators, self._signer, self._block_creator, self._outbox
            )
            self.height_manager = HeightManager(
                context, self._config, self._block_validator, self._clock
            )
        for buffered in self._future.take(self.height):
            self._consume(buffered.message, buffered.data)

    def _new_head(self, header: BlockHeaderAPI) -> None:
        assert self._head is not None
        if header.block_number <= self._head.block_number:
            return  # an old head, the same head again, or (if the hash differs) a fork
        self._start_height(header)

    # -- messages ------------------------------------------------------------------------------

    def _receive(self, code: int, data: bytes) -> None:
        if self._seen.check_and_add(data):
            self._outbox.append(Rejected(Reason.DUPLICATE, code))
            return
        try:
            message = decode_message(code, data)
        except MessageDecodingError as error:
            self._outbox.append(Rejected(Reason.MALFORMED, code, detail=str(error)))
            return
        self._consume(message, data)

    def _consume(self, message: QbftMessage, data: bytes) -> None:
        height = message.round_id.height
        if height < self.height:
            self._reject(message, Reason.PAST_HEIGHT)
        elif height > self.height:
            self._reject(message, self._future.add(message, data))
        elif message.author not in self._validators:
            self._reject(message, Reason.NOT_FROM_VALIDATOR)
        elif self.height_manager is None:
            self._reject(message, Reason.LOCAL_NODE_NOT_VALIDATOR)
        else:
            self._outbox.append(Gossip(message.code, data, message.author))
            self._dispatch(self.height_manager, message)

    @staticmethod
    def _dispatch(manager: HeightManager, message: QbftMessage) -> None:
        if isinstance(message, Proposal):
            manager.handle_proposal(message)
        elif isinstance(message, Prepare):
            manager.handle_prepare(message)
        elif isinstance(message, Commit):
            manager.handle_commit(message)
        elif isinstance(message, RoundChange):
            manager.handle_round_change(message)

    def _reject(self, message: QbftMessage, reason: Reason | None) -> None:
        if reason is not None:
            self._outbox.append(Rejected(reason, message.code, message.author, message.round_id))
