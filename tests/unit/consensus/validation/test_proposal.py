"""PROPOSAL validator: the proposer, the block, and the justification of later rounds."""

from __future__ import annotations

from collections.abc import Sequence

from node.chain.header import QbftBlock
from node.consensus.messages import PreparePayload, Proposal, RoundChangePayload, SignedPayload
from node.consensus.round_id import RoundId
from node.consensus.sealing import with_round
from node.consensus.validation.proposal import ProposalValidator
from node.consensus.validation.reasons import Reason
from tests.support.qbft import HeaderChain, Peer, build_block, genesis_header, validator_keys

PEERS = [Peer(key) for key in validator_keys(5)]
VALIDATORS = [peer.address for peer in PEERS[:4]]
OUTSIDER = PEERS[4]
GENESIS = genesis_header(VALIDATORS)
CHAIN = HeaderChain(GENESIS, VALIDATORS)
T1 = GENESIS.timestamp + 1


def block(proposer: int, round_number: int = 0, timestamp: int = T1) -> QbftBlock:
    return build_block(GENESIS, VALIDATORS, VALIDATORS[proposer], round_number, timestamp)


def validator(round_number: int) -> ProposalValidator:
    """After genesis (coinbase zero) round r is proposed by validator r."""
    round_id = RoundId(1, round_number)
    return ProposalValidator(VALIDATORS, round_id, VALIDATORS[round_number % 4], 3, CHAIN)


def round_changes(
    target: int, authors: Sequence[Peer] = tuple(PEERS[:3])
) -> list[SignedPayload[RoundChangePayload]]:
    return [peer.round_change(RoundId(1, target)).signed for peer in authors]


def prepares_for(
    prepared: QbftBlock, prepared_round: int, authors: Sequence[Peer] = tuple(PEERS[:3])
) -> list[SignedPayload[PreparePayload]]:
    return [p.prepare(RoundId(1, prepared_round), bytes(prepared.hash)).signed for p in authors]


def certified_round_change(
    author: Peer, prepared: QbftBlock, prepared_round: int, target: int
) -> SignedPayload[RoundChangePayload]:
    prepares = prepares_for(prepared, prepared_round)
    return author.round_change(RoundId(1, target), prepared, prepared_round, prepares).signed


def prepared_round_changes(
    prepared: QbftBlock, prepared_round: int, target: int
) -> list[SignedPayload[RoundChangePayload]]:
    """A quorum of round changes of which the first reports ``prepared``."""
    certified = certified_round_change(PEERS[0], prepared, prepared_round, target)
    return [certified, *round_changes(target, PEERS[1:3])]


def propose(
    author: int,
    round_number: int,
    proposed: QbftBlock,
    rcs: Sequence[SignedPayload[RoundChangePayload]] = (),
    prepares: Sequence[SignedPayload[PreparePayload]] = (),
) -> Proposal:
    return PEERS[author].proposal(RoundId(1, round_number), proposed, rcs, prepares)


# -- round 0 ----------------------------------------------------------------------------------


def test_a_round_zero_proposal_by_the_proposer_with_its_own_block_is_valid() -> None:
    assert validator(0).validate(propose(0, 0, block(0))) is None


def test_a_proposal_from_the_wrong_proposer_fails() -> None:
    assert validator(0).validate(propose(1, 0, block(1))) is Reason.NOT_FROM_PROPOSER


def test_a_proposal_for_another_round_fails() -> None:
    assert validator(0).validate(propose(0, 1, block(0))) is Reason.WRONG_ROUND


def test_a_proposal_whose_block_is_for_another_height_fails() -> None:
    first = block(0)
    second = build_block(first.header, VALIDATORS, VALIDATORS[0], 0, T1 + 1)
    assert validator(0).validate(propose(0, 0, second)) is Reason.BLOCK_NUMBER_MISMATCH


def test_a_round_zero_proposal_carrying_round_changes_fails() -> None:
    proposal = propose(0, 0, block(0), round_changes(1))
    assert validator(0).validate(proposal) is Reason.ROUND_ZERO_WITH_JUSTIFICATION


def test_a_proposal_whose_block_names_another_proposer_fails() -> None:
    assert validator(0).validate(propose(0, 0, block(1))) is Reason.COINBASE_NOT_AUTHOR


def test_a_proposal_whose_block_breaks_the_header_rules_fails() -> None:
    too_early = block(0, timestamp=GENESIS.timestamp)
    assert validator(0).validate(propose(0, 0, too_early)) is Reason.INVALID_BLOCK


# -- later rounds -----------------------------------------------------------------------------


def test_a_round_one_proposal_justified_by_a_quorum_of_round_changes_is_valid() -> None:
    proposal = propose(1, 1, block(1, 1), round_changes(1))
    assert validator(1).validate(proposal) is None


def test_a_round_one_proposal_without_round_changes_fails() -> None:
    proposal = propose(1, 1, block(1, 1))
    assert validator(1).validate(proposal) is Reason.INSUFFICIENT_ROUND_CHANGES


def test_a_justification_repeating_a_round_change_author_fails() -> None:
    rcs = round_changes(1, (PEERS[0], PEERS[1], PEERS[1]))
    assert validator(1).validate(propose(1, 1, block(1, 1), rcs)) is (
        Reason.DUPLICATE_ROUND_CHANGE_AUTHORS
    )


def test_a_justification_with_a_non_validators_round_change_fails() -> None:
    rcs = round_changes(1, (PEERS[0], PEERS[1], OUTSIDER))
    assert validator(1).validate(propose(1, 1, block(1, 1), rcs)) is (
        Reason.INVALID_ROUND_CHANGE_IN_JUSTIFICATION
    )


def test_a_justification_with_round_changes_for_another_round_fails() -> None:
    rcs = round_changes(2)
    assert validator(1).validate(propose(1, 1, block(1, 1), rcs)) is (
        Reason.ROUND_CHANGE_FOR_OTHER_ROUND
    )


def test_round_changes_naming_two_blocks_for_one_prepared_round_fail() -> None:
    first = certified_round_change(PEERS[0], block(0), 0, 1)
    second = certified_round_change(PEERS[1], block(0, timestamp=T1 + 5), 0, 1)
    rcs = [first, second, *round_changes(1, PEERS[2:3])]
    assert validator(1).validate(propose(1, 1, block(1, 1), rcs)) is (
        Reason.INCONSISTENT_PREPARED_METADATA
    )


def test_a_new_block_when_a_block_was_prepared_fails() -> None:
    rcs = prepared_round_changes(block(0), 0, 1)
    proposal = propose(1, 1, block(1, 1), rcs, prepares_for(block(0), 0))
    assert validator(1).validate(proposal) is Reason.PREPARED_BLOCK_NOT_REPROPOSED


def test_re_proposing_the_prepared_block_with_its_prepares_is_valid() -> None:
    prepared = block(0)
    rcs = prepared_round_changes(prepared, 0, 1)
    proposal = propose(1, 1, with_round(prepared, 1), rcs, prepares_for(prepared, 0))
    assert validator(1).validate(proposal) is None


def test_re_proposing_the_prepared_block_without_a_quorum_of_prepares_fails() -> None:
    prepared = block(0)
    rcs = prepared_round_changes(prepared, 0, 1)
    prepares = prepares_for(prepared, 0, PEERS[:2])
    proposal = propose(1, 1, with_round(prepared, 1), rcs, prepares)
    assert validator(1).validate(proposal) is Reason.INSUFFICIENT_PREPARES


def test_prepares_for_another_round_than_the_prepared_one_fail() -> None:
    prepared = block(0)
    rcs = prepared_round_changes(prepared, 0, 1)
    proposal = propose(1, 1, with_round(prepared, 1), rcs, prepares_for(prepared, 1))
    assert validator(1).validate(proposal) is Reason.INVALID_PREPARE_IN_JUSTIFICATION


def test_prepares_without_any_prepared_round_change_fail() -> None:
    proposal = propose(1, 1, block(1, 1), round_changes(1), prepares_for(block(0), 0))
    assert validator(1).validate(proposal) is Reason.UNEXPECTED_PREPARES


def test_the_block_of_the_highest_prepared_round_must_be_re_proposed() -> None:
    older, newer = block(0), block(1, 1, timestamp=T1 + 1)
    low = certified_round_change(PEERS[0], older, 0, 2)
    high = certified_round_change(PEERS[1], newer, 1, 2)
    rcs = [low, high, *round_changes(2, PEERS[2:3])]
    stale = propose(2, 2, with_round(older, 2), rcs, prepares_for(older, 0))
    assert validator(2).validate(stale) is Reason.PREPARED_BLOCK_NOT_REPROPOSED
    fresh = propose(2, 2, with_round(newer, 2), rcs, prepares_for(newer, 1))
    assert validator(2).validate(fresh) is None


def test_an_unprepared_later_round_block_must_name_its_proposer() -> None:
    proposal = propose(1, 1, block(0, 1), round_changes(1))
    assert validator(1).validate(proposal) is Reason.COINBASE_NOT_AUTHOR
