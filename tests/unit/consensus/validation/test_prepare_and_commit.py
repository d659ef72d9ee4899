"""PREPARE and COMMIT validators: exact reasons."""

from __future__ import annotations

from node.consensus.round_id import RoundId
from node.consensus.sealing import seal_digest
from node.consensus.validation.commit import validate_commit
from node.consensus.validation.prepare import validate_prepare
from node.consensus.validation.reasons import Reason
from tests.support.qbft import Peer, build_block, genesis_header, validator_keys

PEERS = [Peer(key) for key in validator_keys(5)]
VALIDATORS = [peer.address for peer in PEERS[:4]]
OUTSIDER = PEERS[4]
GENESIS = genesis_header(VALIDATORS)
BLOCK = build_block(GENESIS, VALIDATORS, VALIDATORS[0], 1, GENESIS.timestamp + 1)
HASH = bytes(BLOCK.hash)
ROUND = RoundId(1, 1)
SEAL_DIGEST = seal_digest(BLOCK, 1)


def test_a_prepare_from_a_validator_for_the_round_and_block_is_valid() -> None:
    assert validate_prepare(PEERS[1].prepare(ROUND, HASH).signed, VALIDATORS, ROUND, HASH) is None


def test_a_prepare_signed_by_a_non_validator_fails() -> None:
    prepare = OUTSIDER.prepare(ROUND, HASH)
    assert validate_prepare(prepare.signed, VALIDATORS, ROUND, HASH) is Reason.NOT_FROM_VALIDATOR


def test_a_prepare_for_another_round_fails() -> None:
    prepare = PEERS[1].prepare(RoundId(1, 2), HASH)
    assert validate_prepare(prepare.signed, VALIDATORS, ROUND, HASH) is Reason.WRONG_ROUND


def test_a_prepare_for_another_height_fails() -> None:
    prepare = PEERS[1].prepare(RoundId(2, 1), HASH)
    assert validate_prepare(prepare.signed, VALIDATORS, ROUND, HASH) is Reason.WRONG_ROUND


def test_a_prepare_for_another_block_fails() -> None:
    prepare = PEERS[1].prepare(ROUND, bytes(32))
    assert validate_prepare(prepare.signed, VALIDATORS, ROUND, HASH) is Reason.WRONG_DIGEST


def check_commit(
    commit_author: Peer, round_id: RoundId = ROUND, seal: bytes | None = None
) -> object:
    commit = commit_author.commit(round_id, BLOCK, seal)
    return validate_commit(commit.signed, VALIDATORS, ROUND, HASH, SEAL_DIGEST)


def test_a_commit_with_the_authors_seal_over_this_round_is_valid() -> None:
    assert check_commit(PEERS[2]) is None


def test_a_commit_signed_by_a_non_validator_fails() -> None:
    assert check_commit(OUTSIDER) is Reason.NOT_FROM_VALIDATOR


def test_a_commit_for_the_wrong_round_fails() -> None:
    assert check_commit(PEERS[2], RoundId(1, 0)) is Reason.WRONG_ROUND


def test_a_commit_for_another_block_fails() -> None:
    commit = PEERS[2].commit(ROUND, BLOCK)
    other = validate_commit(commit.signed, VALIDATORS, ROUND, bytes(32), SEAL_DIGEST)
    assert other is Reason.WRONG_DIGEST


def test_a_commit_carrying_another_validators_seal_fails() -> None:
    borrowed = PEERS[3].signer.sign(SEAL_DIGEST)
    assert check_commit(PEERS[2], seal=borrowed) is Reason.SEAL_NOT_BY_AUTHOR


def test_a_commit_whose_seal_covers_another_round_fails() -> None:
    seal = PEERS[2].signer.sign(seal_digest(BLOCK, 0))
    assert check_commit(PEERS[2], seal=seal) is Reason.SEAL_NOT_BY_AUTHOR


def test_a_commit_with_an_unrecoverable_seal_fails() -> None:
    assert check_commit(PEERS[2], seal=b"\x00" * 65) is Reason.SEAL_NOT_BY_AUTHOR
