"""Block edits of a round: the round in extraData and the commit seals.

The round is part of what a commit seal signs but not of the block hash, so a prepared block
re-proposed in a later round keeps its hash while its commit seals change.
"""

from __future__ import annotations

from collections.abc import Sequence

from node.chain.extra_data import decode_extra_data, encode_extra_data
from node.chain.header import QbftBlock, commit_seal_digest
from node.chain.header_rules import check_commit_seals


def with_round(block: QbftBlock, round_number: int) -> QbftBlock:
    """The block with ``round_number`` in its extraData and no seals."""
    extra = decode_extra_data(block.header.extra_data).with_round(round_number).with_seals(())
    return block.copy(header=block.header.copy(extra_data=encode_extra_data(extra)))


def seal_digest(block: QbftBlock, round_number: int) -> bytes:
    """What a validator's commit seal for ``block`` in ``round_number`` signs."""
    return bytes(commit_seal_digest(with_round(block, round_number).header))


def seal_block(
    block: QbftBlock, round_number: int, seals: Sequence[bytes], validators: Sequence[bytes]
) -> QbftBlock:
    """The committed block: the proposed block with the commit round and the commit seals in
    its extraData, checked with the import rules (a quorum of distinct validators' seals).

    Raises :class:`node.chain.header_rules.HeaderRuleViolation` if the seals do not qualify.
    """
    extra = decode_extra_data(block.header.extra_data).with_round(round_number)
    header = block.header.copy(extra_data=encode_extra_data(extra.with_seals(tuple(seals))))
    check_commit_seals(header, validators)
    return block.copy(header=header)
