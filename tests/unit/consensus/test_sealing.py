"""The seal step: the round in extraData, commit-seal digests and the committed block."""

from __future__ import annotations

import pytest

from node.chain.extra_data import decode_extra_data
from node.chain.header_rules import HeaderRuleViolation, check_commit_seals
from node.consensus.sealing import seal_block, seal_digest, with_round
from tests.support.qbft import Peer, build_block, genesis_header, validator_keys

PEERS = [Peer(key) for key in validator_keys(4)]
VALIDATORS = [peer.address for peer in PEERS]
GENESIS = genesis_header(VALIDATORS)
BLOCK = build_block(GENESIS, VALIDATORS, VALIDATORS[0], 0, GENESIS.timestamp + 1)


def test_changing_the_round_keeps_the_block_hash() -> None:
    moved = with_round(BLOCK, 5)
    assert decode_extra_data(moved.header.extra_data).round == 5
    assert moved.hash == BLOCK.hash


def test_the_seal_digest_differs_per_round() -> None:
    assert seal_digest(BLOCK, 0) != seal_digest(BLOCK, 1)


def test_the_sealed_block_carries_the_commit_round_and_the_seals() -> None:
    seals = [p.signer.sign(seal_digest(BLOCK, 2)) for p in PEERS[:3]]
    sealed = seal_block(BLOCK, 2, seals, VALIDATORS)
    extra = decode_extra_data(sealed.header.extra_data)
    assert (extra.round, extra.seals) == (2, tuple(seals))
    assert sealed.hash == BLOCK.hash
    assert check_commit_seals(sealed.header, VALIDATORS) == tuple(VALIDATORS[:3])


def test_sealing_with_fewer_than_a_quorum_of_seals_is_refused() -> None:
    seals = [p.signer.sign(seal_digest(BLOCK, 0)) for p in PEERS[:2]]
    with pytest.raises(HeaderRuleViolation) as refused:
        seal_block(BLOCK, 0, seals, VALIDATORS)
    assert refused.value.rule == "commit-seal"


def test_seals_made_for_another_round_are_refused() -> None:
    seals = [p.signer.sign(seal_digest(BLOCK, 0)) for p in PEERS[:3]]
    with pytest.raises(HeaderRuleViolation):
        seal_block(BLOCK, 1, seals, VALIDATORS)
