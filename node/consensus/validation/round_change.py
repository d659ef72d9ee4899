"""Besu's ``RoundChangePayloadValidator`` and ``RoundChangeMessageValidator``.

A round change targets a positive round of this height; what it claims to have prepared is
from an earlier round and, when it carries the block, is proven by a quorum of prepares.
"""

from __future__ import annotations

from collections.abc import Collection

from node.consensus.interfaces import BlockValidator
from node.consensus.messages import RoundChange, RoundChangePayload, SignedPayload
from node.consensus.validation.prepared_certificate import validate_prepared_certificate
from node.consensus.validation.reasons import Reason


def validate_round_change_payload(
    signed: SignedPayload[RoundChangePayload], validators: Collection[bytes], height: int
) -> Reason | None:
    if signed.author not in validators:
        return Reason.NOT_FROM_VALIDATOR
    if signed.payload.round_id.height != height:
        return Reason.WRONG_HEIGHT
    target = signed.payload.round_id.round
    if target <= 0:
        return Reason.NON_POSITIVE_TARGET_ROUND
    prepared = signed.payload.prepared
    if prepared is not None and prepared.round >= target:
        return Reason.PREPARED_ROUND_NOT_BELOW_TARGET
    return None


class RoundChangeValidator:
    """Validates whole ROUND_CHANGE messages for one height."""

    def __init__(
        self,
        validators: Collection[bytes],
        height: int,
        quorum: int,
        block_validator: BlockValidator,
    ) -> None:
        self._validators = validators
        self._height = height
        self._quorum = quorum
        self._block_validator = block_validator

    def validate(self, message: RoundChange) -> Reason | None:
        reason = validate_round_change_payload(message.signed, self._validators, self._height)
        if reason is not None:
            return reason
        metadata = message.prepared
        if message.prepared_block is None:
            if metadata is not None:
                return Reason.METADATA_WITHOUT_PREPARED_BLOCK
            return Reason.UNEXPECTED_PREPARES if message.prepares else None
        if metadata is None:
            return Reason.PREPARED_BLOCK_WITHOUT_METADATA
        if metadata.block_hash != message.prepared_block.hash:
            return Reason.PREPARED_HASH_MISMATCH
        reason = validate_prepared_certificate(
            metadata, message.prepares, self._validators, self._height, self._quorum
        )
        if reason is not None:
            return reason
        if self._block_validator.validate_block(message.prepared_block) is not None:
            return Reason.INVALID_BLOCK
        return None
