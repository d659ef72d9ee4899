"""ROUND_CHANGE validator: exact reasons."""

from __future__ import annotations

from node.chain.header import QbftBlock
from node.consensus.messages import RoundChange
from node.consensus.round_id import RoundId
from node.consensus.validation.reasons import Reason
from node.consensus.validation.round_change import RoundChangeValidator
from tests.support.qbft import HeaderChain, Peer, build_block, genesis_header, validator_keys

PEERS = [Peer(key) for key in validator_keys(5)]
VALIDATORS = [peer.address for peer in PEERS[:4]]
OUTSIDER = PEERS[4]
GENESIS = genesis_header(VALIDATORS)
CHAIN = HeaderChain(GENESIS, VALIDATORS)
BLOCK = build_block(GENESIS, VALIDATORS, VALIDATORS[0], 0, GENESIS.timestamp + 1)
HASH = bytes(BLOCK.hash)
VALIDATOR = RoundChangeValidator(VALIDATORS, 1, 3, CHAIN)


def prepared_round_change(
    author: Peer = PEERS[1],
    block: QbftBlock = BLOCK,
    prepared_round: int = 0,
    target: int = 1,
    preparers: tuple[Peer, ...] = tuple(PEERS[:3]),
    prepared_hash: bytes = HASH,
) -> RoundChange:
    prepares = [p.prepare(RoundId(1, prepared_round), prepared_hash).signed for p in preparers]
    return author.round_change(RoundId(1, target), block, prepared_round, prepares)


def test_a_round_change_without_a_prepared_block_is_valid() -> None:
    assert VALIDATOR.validate(PEERS[0].round_change(RoundId(1, 1))) is None


def test_a_round_change_with_a_prepared_certificate_is_valid() -> None:
    assert VALIDATOR.validate(prepared_round_change()) is None


def test_a_round_change_from_a_non_validator_fails() -> None:
    rc = OUTSIDER.round_change(RoundId(1, 1))
    assert VALIDATOR.validate(rc) is Reason.NOT_FROM_VALIDATOR


def test_a_round_change_for_another_height_fails() -> None:
    assert VALIDATOR.validate(PEERS[0].round_change(RoundId(2, 1))) is Reason.WRONG_HEIGHT


def test_a_round_change_to_round_zero_fails() -> None:
    rc = PEERS[0].round_change(RoundId(1, 0))
    assert VALIDATOR.validate(rc) is Reason.NON_POSITIVE_TARGET_ROUND


def test_a_prepared_round_not_below_the_target_fails() -> None:
    rc = prepared_round_change(prepared_round=1, target=1)
    assert VALIDATOR.validate(rc) is Reason.PREPARED_ROUND_NOT_BELOW_TARGET


def test_prepared_metadata_without_the_block_fails() -> None:
    complete = prepared_round_change()
    rc = RoundChange(complete.signed, None, complete.prepares)
    assert VALIDATOR.validate(rc) is Reason.METADATA_WITHOUT_PREPARED_BLOCK


def test_a_prepared_block_without_metadata_fails() -> None:
    plain = PEERS[1].round_change(RoundId(1, 1))
    rc = RoundChange(plain.signed, BLOCK, prepared_round_change().prepares)
    assert VALIDATOR.validate(rc) is Reason.PREPARED_BLOCK_WITHOUT_METADATA


def test_prepares_without_a_prepared_block_fail() -> None:
    plain = PEERS[1].round_change(RoundId(1, 1))
    rc = RoundChange(plain.signed, None, prepared_round_change().prepares)
    assert VALIDATOR.validate(rc) is Reason.UNEXPECTED_PREPARES


def test_metadata_naming_another_block_than_the_one_carried_fails() -> None:
    other = build_block(GENESIS, VALIDATORS, VALIDATORS[1], 0, GENESIS.timestamp + 2)
    complete = prepared_round_change()
    rc = RoundChange(complete.signed, other, complete.prepares)
    assert VALIDATOR.validate(rc) is Reason.PREPARED_HASH_MISMATCH


def test_a_prepared_certificate_below_quorum_fails() -> None:
    rc = prepared_round_change(preparers=tuple(PEERS[:2]))
    assert VALIDATOR.validate(rc) is Reason.INSUFFICIENT_PREPARES


def test_a_prepared_certificate_repeating_an_author_fails() -> None:
    rc = prepared_round_change(preparers=(PEERS[0], PEERS[1], PEERS[1]))
    assert VALIDATOR.validate(rc) is Reason.DUPLICATE_PREPARE_AUTHORS


def test_a_prepared_certificate_with_a_non_validators_prepare_fails() -> None:
    rc = prepared_round_change(preparers=(PEERS[0], PEERS[1], OUTSIDER))
    assert VALIDATOR.validate(rc) is Reason.INVALID_PREPARE_IN_JUSTIFICATION


def test_a_prepared_block_that_breaks_the_header_rules_fails() -> None:
    early = build_block(GENESIS, VALIDATORS, VALIDATORS[0], 0, GENESIS.timestamp)
    rc = prepared_round_change(block=early, prepared_hash=bytes(early.hash))
    assert VALIDATOR.validate(rc) is Reason.INVALID_BLOCK
