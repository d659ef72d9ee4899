"""Besu's ``QbftRound``: propose, prepare, commit and seal within one round.

It acts only when its :class:`RoundState` flips: accepting a proposal sends a prepare; a
quorum of prepares sends a commit; a quorum of commits seals the block and asks the shell to
import it. Everything it sends goes to the shared outbox as effects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth.abc import BlockHeaderAPI

from node.chain.header import QbftBlock
from node.consensus.effects import Broadcast, Effect, ImportBlock
from node.consensus.interfaces import BlockCreator, Signer
from node.consensus.messages import (
    Commit,
    CommitPayload,
    Prepare,
    PreparePayload,
    Proposal,
    ProposalPayload,
    QbftMessage,
    RoundChangePayload,
    SignedPayload,
    encode_message,
    sign_payload,
)
from node.consensus.round_change import RoundChangeArtifacts
from node.consensus.round_id import RoundId
from node.consensus.round_state import PreparedCertificate, RoundState
from node.consensus.sealing import seal_block, seal_digest, with_round
from node.consensus.validation.reasons import Reason


@dataclass(frozen=True)
class RoundContext:
    """What every round of a height shares."""

    parent: BlockHeaderAPI
    validators: tuple[bytes, ...]
    signer: Signer
    block_creator: BlockCreator
    outbox: list[Effect]


class QbftRound:
    def __init__(self, state: RoundState, context: RoundContext) -> None:
        self.state = state
        self._context = context
        self._local_commit: Commit | None = None
        self.sealed_block: QbftBlock | None = None

    @property
    def round_id(self) -> RoundId:
        return self.state.round_id

    def create_block(self, timestamp: int) -> QbftBlock:
        return self._context.block_creator.create_block(
            self._context.parent, self.round_id.round, timestamp
        )

    def start_round_with(self, artifacts: RoundChangeArtifacts, timestamp: int) -> None:
        """Propose as the new round's proposer, justified by a round-change quorum: the block
        of the highest prepared certificate if there is one, otherwise a new block."""
        best: PreparedCertificate | None = artifacts.best_prepared
        if best is None:
            self.propose(self.create_block(timestamp), artifacts.round_changes, ())
        else:
            block = with_round(best.block, self.round_id.round)
            self.propose(block, artifacts.round_changes, best.prepares)

    def propose(
        self,
        block: QbftBlock,
        round_changes: Sequence[SignedPayload[RoundChangePayload]] = (),
        prepares: Sequence[SignedPayload[PreparePayload]] = (),
    ) -> None:
        payload = ProposalPayload(self.round_id, block)
        proposal = Proposal(
            sign_payload(payload, self._context.signer), tuple(round_changes), tuple(prepares)
        )
        self._send(proposal)
        if self._accept_proposal(proposal) is None:
            self._send_prepare(block)

    def handle_proposal(self, proposal: Proposal) -> Reason | None:
        reason = self._accept_proposal(proposal)
        if reason is None:
            self._send_prepare(proposal.block)
        return reason

    def handle_prepare(self, prepare: Prepare) -> Reason | None:
        was_prepared = self.state.is_prepared
        reason = self.state.add_prepare(prepare)
        if not was_prepared and self.state.is_prepared and self._local_commit is not None:
            self._send(self._local_commit)
        return reason

    def handle_commit(self, commit: Commit) -> Reason | None:
        was_committed = self.state.is_committed
        reason = self.state.add_commit(commit)
        if not was_committed and self.state.is_committed:
            self._seal_and_import()
        return reason

    def prepared_certificate(self) -> PreparedCertificate | None:
        return self.state.prepared_certificate()

    def _accept_proposal(self, proposal: Proposal) -> Reason | None:
        was_prepared, was_committed = self.state.is_prepared, self.state.is_committed
        reason = self.state.set_proposal(proposal)
        if reason is not None:
            return reason
        block = proposal.block
        seal = self._context.signer.sign(seal_digest(block, self.round_id.round))
        payload = CommitPayload(self.round_id, bytes(block.hash), seal)
        self._local_commit = Commit(sign_payload(payload, self._context.signer))
        if not was_prepared and self.state.is_prepared:
            self._send(self._local_commit)
        self.state.add_commit(self._local_commit)
        if not was_committed and self.state.is_committed:
            self._seal_and_import()
        return None

    def _send_prepare(self, block: QbftBlock) -> None:
        payload = PreparePayload(self.round_id, bytes(block.hash))
        prepare = Prepare(sign_payload(payload, self._context.signer))
        self._send(prepare)
        self.handle_prepare(prepare)

    def _seal_and_import(self) -> None:
        proposal = self.state.proposal
        assert proposal is not None, "a round commits only with a proposal"
        self.sealed_block = seal_block(
            proposal.block, self.round_id.round, self.state.commit_seals(), self._context.validators
        )
        self._context.outbox.append(ImportBlock(self.sealed_block, self.round_id))

    def _send(self, message: QbftMessage) -> None:
        self._context.outbox.append(Broadcast(message.code, encode_message(message)))
