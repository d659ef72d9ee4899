"""Besu's ``ProposalValidator`` and ``ProposalPayloadValidator``.

A proposal comes from the round's proposer, for this round, with a valid block of this height.
In round 0 it carries no justification and its block's coinbase is its author. In a later
round it carries a quorum of round changes for that round; if any of them prepared a block,
the proposal must re-propose the block of the highest prepared round (the one a quorum may
already have committed to), proven by a quorum of prepares; otherwise it proposes its own
block and carries no prepares.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from node.consensus.interfaces import BlockValidator
from node.consensus.messages import (
    PreparedRoundMetadata,
    Proposal,
    RoundChangePayload,
    SignedPayload,
)
from node.consensus.round_id import RoundId
from node.consensus.validation.prepared_certificate import validate_prepared_certificate
from node.consensus.validation.reasons import Reason
from node.consensus.validation.round_change import validate_round_change_payload


def highest_prepared(
    round_changes: Sequence[SignedPayload[RoundChangePayload]],
) -> PreparedRoundMetadata | None:
    """The prepared metadata of the highest prepared round among ``round_changes``."""
    prepared = [rc.payload.prepared for rc in round_changes if rc.payload.prepared is not None]
    return max(prepared, key=lambda metadata: metadata.round, default=None)


def _metadata_consistent(round_changes: Sequence[SignedPayload[RoundChangePayload]]) -> bool:
    """Two round changes naming the same prepared round must name the same block."""
    hashes: dict[int, bytes] = {}
    for rc in round_changes:
        prepared = rc.payload.prepared
        if prepared is not None and hashes.setdefault(prepared.round, prepared.block_hash) != (
            prepared.block_hash
        ):
            return False
    return True


class ProposalValidator:
    """Validates the PROPOSAL messages of one round."""

    def __init__(
        self,
        validators: Collection[bytes],
        round_id: RoundId,
        proposer: bytes,
        quorum: int,
        block_validator: BlockValidator,
    ) -> None:
        self._validators = validators
        self._round_id = round_id
        self._proposer = proposer
        self._quorum = quorum
        self._block_validator = block_validator

    def validate(self, proposal: Proposal) -> Reason | None:
        if proposal.author != self._proposer:
            return Reason.NOT_FROM_PROPOSER
        if proposal.round_id != self._round_id:
            return Reason.WRONG_ROUND
        if proposal.block.header.block_number != self._round_id.height:
            return Reason.BLOCK_NUMBER_MISMATCH
        reason = self._validate_justification(proposal)
        if reason is not None:
            return reason
        if self._block_validator.validate_block(proposal.block) is not None:
            return Reason.INVALID_BLOCK
        return None

    def _validate_justification(self, proposal: Proposal) -> Reason | None:
        if self._round_id.round == 0:
            if proposal.round_changes or proposal.prepares:
                return Reason.ROUND_ZERO_WITH_JUSTIFICATION
            return self._coinbase_is_author(proposal)
        reason = self._validate_round_changes(proposal.round_changes)
        if reason is not None:
            return reason
        metadata = highest_prepared(proposal.round_changes)
        if metadata is None:
            if proposal.prepares:
                return Reason.UNEXPECTED_PREPARES
            return self._coinbase_is_author(proposal)
        # The block hash leaves out the round, so the re-proposed block (carrying the new
        # round) has the hash the prepares were made for.
        if proposal.block.hash != metadata.block_hash:
            return Reason.PREPARED_BLOCK_NOT_REPROPOSED
        return validate_prepared_certificate(
            metadata, proposal.prepares, self._validators, self._round_id.height, self._quorum
        )

    def _validate_round_changes(
        self, round_changes: Sequence[SignedPayload[RoundChangePayload]]
    ) -> Reason | None:
        authors = [rc.author for rc in round_changes]
        if len(set(authors)) != len(authors):
            return Reason.DUPLICATE_ROUND_CHANGE_AUTHORS
        if len(round_changes) < self._quorum:
            return Reason.INSUFFICIENT_ROUND_CHANGES
        if not _metadata_consistent(round_changes):
            return Reason.INCONSISTENT_PREPARED_METADATA
        for rc in round_changes:
            if validate_round_change_payload(rc, self._validators, self._round_id.height):
                return Reason.INVALID_ROUND_CHANGE_IN_JUSTIFICATION
            if rc.round_id != self._round_id:
                return Reason.ROUND_CHANGE_FOR_OTHER_ROUND
        return None

    @staticmethod
    def _coinbase_is_author(proposal: Proposal) -> Reason | None:
        if bytes(proposal.block.header.coinbase) != proposal.author:
            return Reason.COINBASE_NOT_AUTHOR
        return None
