"""Besu's ``QbftBlockHeightManager``: one height, from its block timer to a committed block.

It owns the current round, a buffer of round states for rounds this node has not reached,
the round-change manager and the latest prepared certificate this node has seen. Round timer
expiry or f+1 round changes for higher rounds move it to a new round with a ROUND_CHANGE; a
quorum of round changes lets the new round's proposer propose; a valid proposal for a future
round (it carries its own justification) moves it straight to that round.
"""

from __future__ import annotations

from dataclasses import dataclass

import rlp
from eth_utils import keccak

from node.chain.header import QbftBlock
from node.consensus.config import QbftConfig
from node.consensus.effects import Broadcast, Rejected, StartBlockTimer, StartRoundTimer
from node.consensus.interfaces import BlockValidator
from node.consensus.messages import (
    Commit,
    Prepare,
    PreparedRoundMetadata,
    Proposal,
    QbftMessage,
    RoundChange,
    RoundChangePayload,
    encode_message,
    sign_payload,
)
from node.consensus.proposer import select_proposer
from node.consensus.round import QbftRound, RoundContext
from node.consensus.round_change import RoundChangeArtifacts, RoundChangeManager
from node.consensus.round_id import RoundId
from node.consensus.round_state import PreparedCertificate, RoundState
from node.consensus.timing import quorum, round_change_quorum, round_timeout_seconds
from node.consensus.validation.proposal import ProposalValidator
from node.consensus.validation.reasons import Reason
from node.consensus.validation.round_change import RoundChangeValidator
from node.consensus.validation.round_messages import RoundMessageValidator


@dataclass
class EventClock:
    """The time of the event being handled: the only clock the core reads."""

    now: float = 0.0


class CachedBlockValidator:
    """Validates each distinct block once per height: the same block reaches a node in a
    future-round proposal check, the round's own check and round changes, and validating
    means executing it."""

    def __init__(self, inner: BlockValidator) -> None:
        self._inner = inner
        self._results: dict[bytes, str | None] = {}

    def validate_block(self, block: QbftBlock) -> str | None:
        key = keccak(rlp.encode(block))
        if key not in self._results:
            self._results[key] = self._inner.validate_block(block)
        return self._results[key]


class HeightManager:
    def __init__(
        self,
        context: RoundContext,
        config: QbftConfig,
        block_validator: BlockValidator,
        clock: EventClock,
    ) -> None:
        self._context = context
        self._config = config
        self._block_validator = CachedBlockValidator(block_validator)
        self._clock = clock
        self.height = context.parent.block_number + 1
        self._quorum = quorum(len(context.validators))
        self._round_changes = RoundChangeManager(
            self._quorum, round_change_quorum(len(context.validators))
        )
        self._round_change_validator = RoundChangeValidator(
            context.validators, self.height, self._quorum, self._block_validator
        )
        self._future_rounds: dict[int, RoundState] = {}
        self._latest_prepared: PreparedCertificate | None = None
        self.current_round: QbftRound | None = None
        start = context.parent.timestamp + config.block_period_seconds
        context.outbox.append(StartBlockTimer(RoundId(self.height, 0), start))

    # -- who and when --------------------------------------------------------------------------

    def proposer_of(self, round_number: int) -> bytes:
        return select_proposer(
            RoundId(self.height, round_number),
            bytes(self._context.parent.coinbase),
            self._context.validators,
        )

    def _is_local_proposer(self, round_number: int) -> bool:
        return self.proposer_of(round_number) == self._context.signer.address

    def _timestamp(self) -> int:
        earliest = self._context.parent.timestamp + self._config.block_period_seconds
        return max(round(self._clock.now), earliest)

    def _round_age(self, round_number: int) -> int:
        """-1 for a prior round, 0 for the current one, 1 for a future one."""
        current = -1 if self.current_round is None else self.current_round.round_id.round
        return (round_number > current) - (round_number < current)

    def _beyond_round_window(self, round_number: int) -> bool:
        """Prepares, commits and round changes are kept for at most ``future_rounds_max_distance``
        rounds ahead, so a peer cannot make this node hold state for unboundedly many rounds.
        Round changes further ahead still count towards the f+1 early round change."""
        current = 0 if self.current_round is None else self.current_round.round_id.round
        return round_number > current + self._config.future_rounds_max_distance

    # -- timers --------------------------------------------------------------------------------

    def handle_block_timer(self, round_id: RoundId) -> None:
        """Start round 0 and propose if this node is its proposer.

        Round 0 may already have started (a proposal or a round change arrived first). Besu
        then does nothing; here the round-0 proposer still proposes if round 0 has no
        proposal yet, so a peer's early round change cannot silence it.
        """
        current = self.current_round or self._start_round(0)
        if round_id != current.round_id or current.state.proposal is not None:
            return
        if self._is_local_proposer(0):
            current.propose(current.create_block(self._timestamp()))

    def handle_round_timer(self, round_id: RoundId) -> None:
        if self.current_round is None or round_id != self.current_round.round_id:
            return
        self._change_round(round_id.round + 1)

    # -- messages ------------------------------------------------------------------------------

    def handle_proposal(self, proposal: Proposal) -> None:
        age = self._round_age(proposal.round_id.round)
        if age < 0:
            self._reject(proposal, Reason.PRIOR_ROUND)
            return
        if age > 0:
            # Judged by a scratch state first: an invalid proposal must not move this node.
            reason = self._new_round_state(proposal.round_id.round).set_proposal(proposal)
            if reason is not None:
                self._reject(proposal, reason)
                return
            self._start_round(proposal.round_id.round)
        assert self.current_round is not None
        self._reject(proposal, self.current_round.handle_proposal(proposal))

    def handle_prepare(self, prepare: Prepare) -> None:
        age = self._round_age(prepare.round_id.round)
        if age < 0:
            self._reject(prepare, Reason.PRIOR_ROUND)
        elif self._beyond_round_window(prepare.round_id.round):
            self._reject(prepare, Reason.ROUND_TOO_FAR_AHEAD)
        elif age > 0:
            self._reject(prepare, self._future_round(prepare.round_id.round).add_prepare(prepare))
        else:
            assert self.current_round is not None
            self._reject(prepare, self.current_round.handle_prepare(prepare))

    def handle_commit(self, commit: Commit) -> None:
        age = self._round_age(commit.round_id.round)
        if age < 0:
            self._reject(commit, Reason.PRIOR_ROUND)
        elif self._beyond_round_window(commit.round_id.round):
            self._reject(commit, Reason.ROUND_TOO_FAR_AHEAD)
        elif age > 0:
            self._reject(commit, self._future_round(commit.round_id.round).add_commit(commit))
        else:
            assert self.current_round is not None
            self._reject(commit, self.current_round.handle_commit(commit))

    def handle_round_change(self, message: RoundChange) -> None:
        reason = self._round_change_validator.validate(message)
        if reason is not None:
            self._reject(message, reason)
            return
        self._round_changes.note_round_of_author(message)
        target = message.round_id.round
        if self._round_age(target) < 0:
            self._reject(message, Reason.PRIOR_ROUND)
            return
        certificate = None
        if self._beyond_round_window(target):
            self._reject(message, Reason.ROUND_TOO_FAR_AHEAD)
        else:
            certificate = self._round_changes.append(message)
        current = self.current_round or self._start_round(0)
        if certificate is not None:
            if target > current.round_id.round:
                current = self._start_round(target)
            if self._is_local_proposer(target):
                artifacts = RoundChangeArtifacts.create(certificate)
                current.start_round_with(artifacts, self._timestamp())
        early = self._round_changes.early_round(current.round_id.round)
        if early is not None:
            self._change_round(early)

    # -- rounds --------------------------------------------------------------------------------

    def _change_round(self, new_round: int) -> None:
        """Leave the current round for ``new_round``, telling the others with a ROUND_CHANGE
        that carries the highest prepared certificate this node has seen."""
        current = self.current_round
        if current is not None:
            if current.round_id.round >= new_round:
                return
            certificate = current.prepared_certificate()
            if certificate is not None:
                self._latest_prepared = certificate
        new = self._start_round(new_round)
        message = self._round_change_for(new.round_id)
        self._context.outbox.append(Broadcast(message.code, encode_message(message)))
        self.handle_round_change(message)

    def _round_change_for(self, round_id: RoundId) -> RoundChange:
        prepared = self._latest_prepared
        signer = self._context.signer
        if prepared is None:
            return RoundChange(sign_payload(RoundChangePayload(round_id, None), signer))
        metadata = PreparedRoundMetadata(prepared.round, bytes(prepared.block.hash))
        signed = sign_payload(RoundChangePayload(round_id, metadata), signer)
        return RoundChange(signed, prepared.block, prepared.prepares)

    def _new_round_state(self, round_number: int) -> RoundState:
        round_id = RoundId(self.height, round_number)
        validators = self._context.validators
        proposal_validator = ProposalValidator(
            validators,
            round_id,
            self.proposer_of(round_number),
            self._quorum,
            self._block_validator,
        )
        validator = RoundMessageValidator(validators, round_id, proposal_validator)
        return RoundState(round_id, self._quorum, validator)

    def _future_round(self, round_number: int) -> RoundState:
        if round_number not in self._future_rounds:
            self._future_rounds[round_number] = self._new_round_state(round_number)
        return self._future_rounds[round_number]

    def _start_round(self, round_number: int) -> QbftRound:
        state = self._future_rounds.pop(round_number, None) or self._new_round_state(round_number)
        for stale in [r for r in self._future_rounds if r <= round_number]:
            del self._future_rounds[stale]
        self.current_round = QbftRound(state, self._context)
        self._round_changes.discard_rounds_before(round_number)
        self._round_changes.restore(
            round_number, round_number + self._config.future_rounds_max_distance
        )
        timeout = round_timeout_seconds(
            round_number,
            self._config.request_timeout_seconds,
            self._config.max_round_timeout_seconds,
        )
        self._context.outbox.append(StartRoundTimer(state.round_id, timeout))
        return self.current_round

    def _reject(self, message: QbftMessage, reason: Reason | None) -> None:
        if reason is not None:
            self._context.outbox.append(
                Rejected(reason, message.code, message.author, message.round_id)
            )
