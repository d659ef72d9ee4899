"""Besu's ``PrepareValidator``: a prepare from a validator, for this round, for this block.

A commit must pass the same three checks before its seal is looked at, so
:func:`validate_vote` serves both."""

from __future__ import annotations

from collections.abc import Collection

from node.consensus.messages import CommitPayload, PreparePayload, SignedPayload
from node.consensus.round_id import RoundId
from node.consensus.validation.reasons import Reason


def validate_prepare(
    signed: SignedPayload[PreparePayload],
    validators: Collection[bytes],
    round_id: RoundId,
    block_hash: bytes,
) -> Reason | None:
    return validate_vote(signed, validators, round_id, block_hash)


def validate_vote(
    signed: SignedPayload[PreparePayload] | SignedPayload[CommitPayload],
    validators: Collection[bytes],
    round_id: RoundId,
    block_hash: bytes,
) -> Reason | None:
    """A prepare or commit: from a validator, for this round, naming this block."""
    if signed.author not in validators:
        return Reason.NOT_FROM_VALIDATOR
    if signed.payload.round_id != round_id:
        return Reason.WRONG_ROUND
    if signed.payload.digest != block_hash:
        return Reason.WRONG_DIGEST
    return None
