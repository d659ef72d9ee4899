"""The prepares that justify a prepared block, as carried in proposals and round changes."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from node.consensus.messages import PreparedRoundMetadata, PreparePayload, SignedPayload
from node.consensus.round_id import RoundId
from node.consensus.validation.prepare import validate_prepare
from node.consensus.validation.reasons import Reason


def validate_prepared_certificate(
    metadata: PreparedRoundMetadata,
    prepares: Sequence[SignedPayload[PreparePayload]],
    validators: Collection[bytes],
    height: int,
    quorum: int,
) -> Reason | None:
    """A quorum of distinct validators prepared ``metadata.block_hash`` in its round."""
    authors = [prepare.author for prepare in prepares]
    if len(set(authors)) != len(authors):
        return Reason.DUPLICATE_PREPARE_AUTHORS
    if len(prepares) < quorum:
        return Reason.INSUFFICIENT_PREPARES
    prepared_round = RoundId(height, metadata.round)
    for prepare in prepares:
        if validate_prepare(prepare, validators, prepared_round, metadata.block_hash):
            return Reason.INVALID_PREPARE_IN_JUSTIFICATION
    return None
