"""Besu's ``PrepareValidator``: a prepare from a validator, for this round, for this block."""

from __future__ import annotations

from collections.abc import Collection

from node.consensus.messages import PreparePayload, SignedPayload
from node.consensus.round_id import RoundId
from node.consensus.validation.reasons import Reason


def validate_prepare(
    signed: SignedPayload[PreparePayload],
    validators: Collection[bytes],
    round_id: RoundId,
    block_hash: bytes,
) -> Reason | None:
    if signed.author not in validators:
        return Reason.NOT_FROM_VALIDATOR
    if signed.payload.round_id != round_id:
        return Reason.WRONG_ROUND
    if signed.payload.digest != block_hash:
        return Reason.WRONG_DIGEST
    return None
