"""Besu's ``CommitValidator``: a commit from a validator, for this round and block, whose
commit seal its author made over the block with this round in its extraData."""

from __future__ import annotations

from collections.abc import Collection

from node.chain.seals import InvalidSeal, recover_signer
from node.consensus.messages import CommitPayload, SignedPayload
from node.consensus.round_id import RoundId
from node.consensus.validation.prepare import validate_vote
from node.consensus.validation.reasons import Reason


def validate_commit(
    signed: SignedPayload[CommitPayload],
    validators: Collection[bytes],
    round_id: RoundId,
    block_hash: bytes,
    seal_digest: bytes,
) -> Reason | None:
    reason = validate_vote(signed, validators, round_id, block_hash)
    if reason is not None:
        return reason
    try:
        sealer = recover_signer(seal_digest, signed.payload.commit_seal)
    except InvalidSeal:
        return Reason.SEAL_NOT_BY_AUTHOR
    if sealer != signed.author:
        return Reason.SEAL_NOT_BY_AUTHOR
    return None
