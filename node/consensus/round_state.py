"""Besu's ``RoundState``: the messages of one round, keyed by author, and whether a quorum has
prepared or committed its proposal. No I/O; the round acts on the flips."""

from __future__ import annotations

from dataclasses import dataclass

from node.chain.header import QbftBlock
from node.consensus.messages import Commit, Prepare, PreparePayload, Proposal, SignedPayload
from node.consensus.round_id import RoundId
from node.consensus.validation.reasons import Reason
from node.consensus.validation.round_messages import RoundMessageValidator


@dataclass(frozen=True)
class PreparedCertificate:
    """A block a quorum prepared in ``round``, with their prepares as proof."""

    block: QbftBlock
    prepares: tuple[SignedPayload[PreparePayload], ...]
    round: int


class RoundState:
    """One prepare and one commit per author count: a validator that signs two different
    messages (or two seals) for the same round is counted once, by its first message.

    Prepares and commits that arrive before the proposal are kept and checked when it comes.
    """

    def __init__(self, round_id: RoundId, quorum: int, validator: RoundMessageValidator) -> None:
        self.round_id = round_id
        self._quorum = quorum
        self._validator = validator
        self.proposal: Proposal | None = None
        self._prepares: dict[bytes, Prepare] = {}
        self._commits: dict[bytes, Commit] = {}

    def set_proposal(self, proposal: Proposal) -> Reason | None:
        if self.proposal is not None:
            return Reason.SECOND_PROPOSAL_FOR_ROUND
        reason = self._validator.validate_proposal(proposal)
        if reason is not None:
            return reason
        self.proposal = proposal
        self._prepares = {
            author: prepare
            for author, prepare in self._prepares.items()
            if self._validator.validate_prepare(prepare) is None
        }
        self._commits = {
            author: commit
            for author, commit in self._commits.items()
            if self._validator.validate_commit(commit) is None
        }
        return None

    def add_prepare(self, prepare: Prepare) -> Reason | None:
        if prepare.author in self._prepares:
            return Reason.ALREADY_RECEIVED_FROM_AUTHOR
        if self.proposal is not None:
            reason = self._validator.validate_prepare(prepare)
            if reason is not None:
                return reason
        self._prepares[prepare.author] = prepare
        return None

    def add_commit(self, commit: Commit) -> Reason | None:
        if commit.author in self._commits:
            return Reason.ALREADY_RECEIVED_FROM_AUTHOR
        if self.proposal is not None:
            reason = self._validator.validate_commit(commit)
            if reason is not None:
                return reason
        self._commits[commit.author] = commit
        return None

    @property
    def is_prepared(self) -> bool:
        return self.proposal is not None and len(self._prepares) >= self._quorum

    @property
    def is_committed(self) -> bool:
        return self.proposal is not None and len(self._commits) >= self._quorum

    def commit_seals(self) -> tuple[bytes, ...]:
        return tuple(commit.commit_seal for commit in self._commits.values())

    def prepared_certificate(self) -> PreparedCertificate | None:
        if self.proposal is None or not self.is_prepared:
            return None
        prepares = tuple(prepare.signed for prepare in self._prepares.values())
        return PreparedCertificate(self.proposal.block, prepares, self.round_id.round)
