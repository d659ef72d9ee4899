"""Besu's ``MessageValidator``: the messages of one round, judged against its proposal.

The first valid proposal fixes the block; prepares and commits are then checked against that
block's hash and, for commits, its commit-seal digest in this round. A second proposal for the
same round is refused, so an equivocating proposer cannot switch the block mid-round.
"""

from __future__ import annotations

from collections.abc import Collection

from node.consensus.messages import Commit, Prepare, Proposal
from node.consensus.round_id import RoundId
from node.consensus.sealing import seal_digest
from node.consensus.validation.commit import validate_commit
from node.consensus.validation.prepare import validate_prepare
from node.consensus.validation.proposal import ProposalValidator
from node.consensus.validation.reasons import Reason


class RoundMessageValidator:
    def __init__(
        self,
        validators: Collection[bytes],
        round_id: RoundId,
        proposal_validator: ProposalValidator,
    ) -> None:
        self._validators = validators
        self._round_id = round_id
        self._proposal_validator = proposal_validator
        self._block_hash: bytes | None = None
        self._seal_digest = b""

    def validate_proposal(self, proposal: Proposal) -> Reason | None:
        if self._block_hash is not None:
            return Reason.SECOND_PROPOSAL_FOR_ROUND
        reason = self._proposal_validator.validate(proposal)
        if reason is None:
            self._block_hash = bytes(proposal.block.hash)
            self._seal_digest = seal_digest(proposal.block, self._round_id.round)
        return reason

    def validate_prepare(self, prepare: Prepare) -> Reason | None:
        if self._block_hash is None:
            return Reason.NO_PROPOSAL_YET
        return validate_prepare(prepare.signed, self._validators, self._round_id, self._block_hash)

    def validate_commit(self, commit: Commit) -> Reason | None:
        if self._block_hash is None:
            return Reason.NO_PROPOSAL_YET
        return validate_commit(
            commit.signed, self._validators, self._round_id, self._block_hash, self._seal_digest
        )
