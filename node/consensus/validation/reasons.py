"""Why a QBFT message was refused: one member per rule, so tests and logs name the rule."""

from __future__ import annotations

from enum import Enum


class Reason(Enum):
    # decoding and routing (controller)
    MALFORMED = "malformed"
    DUPLICATE = "duplicate"
    PAST_HEIGHT = "past-height"
    TOO_FAR_AHEAD = "too-far-ahead"
    FUTURE_BUFFER_FULL = "future-buffer-full"
    NOT_FROM_VALIDATOR = "not-from-validator"
    LOCAL_NODE_NOT_VALIDATOR = "local-node-not-validator"
    # rounds (height manager and round state)
    PRIOR_ROUND = "prior-round"
    ROUND_TOO_FAR_AHEAD = "round-too-far-ahead"
    SECOND_PROPOSAL_FOR_ROUND = "second-proposal-for-round"
    NO_PROPOSAL_YET = "no-proposal-yet"
    ALREADY_RECEIVED_FROM_AUTHOR = "already-received-from-author"
    # any message
    WRONG_ROUND = "wrong-round"
    WRONG_HEIGHT = "wrong-height"
    # prepare and commit
    WRONG_DIGEST = "wrong-digest"
    SEAL_NOT_BY_AUTHOR = "seal-not-by-author"
    # proposal
    NOT_FROM_PROPOSER = "not-from-proposer"
    INVALID_BLOCK = "invalid-block"
    BLOCK_NUMBER_MISMATCH = "block-number-mismatch"
    COINBASE_NOT_AUTHOR = "coinbase-not-author"
    ROUND_ZERO_WITH_JUSTIFICATION = "round-zero-with-justification"
    DUPLICATE_ROUND_CHANGE_AUTHORS = "duplicate-round-change-authors"
    INSUFFICIENT_ROUND_CHANGES = "insufficient-round-changes"
    INCONSISTENT_PREPARED_METADATA = "inconsistent-prepared-metadata"
    INVALID_ROUND_CHANGE_IN_JUSTIFICATION = "invalid-round-change-in-justification"
    ROUND_CHANGE_FOR_OTHER_ROUND = "round-change-for-other-round"
    PREPARED_BLOCK_NOT_REPROPOSED = "prepared-block-not-reproposed"
    UNEXPECTED_PREPARES = "unexpected-prepares"
    # prepared certificates (in proposals and round changes)
    DUPLICATE_PREPARE_AUTHORS = "duplicate-prepare-authors"
    INSUFFICIENT_PREPARES = "insufficient-prepares"
    INVALID_PREPARE_IN_JUSTIFICATION = "invalid-prepare-in-justification"
    # round change
    NON_POSITIVE_TARGET_ROUND = "non-positive-target-round"
    PREPARED_ROUND_NOT_BELOW_TARGET = "prepared-round-not-below-target"
    PREPARED_BLOCK_WITHOUT_METADATA = "prepared-block-without-metadata"
    METADATA_WITHOUT_PREPARED_BLOCK = "metadata-without-prepared-block"
    PREPARED_HASH_MISMATCH = "prepared-hash-mismatch"


EQUIVOCATIONS = frozenset({Reason.SECOND_PROPOSAL_FOR_ROUND, Reason.ALREADY_RECEIVED_FROM_AUTHOR})
"""Refusals that prove a validator signed two different messages of one kind for one round
(the same bytes twice are a ``DUPLICATE``): equivocation, which no honest validator commits.
The first message counts, the second is refused."""
