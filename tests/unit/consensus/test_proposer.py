"""Proposer rotation as Besu's BftProposerSelector with QBFT's changeEachBlock."""

from __future__ import annotations

from node.consensus.proposer import select_proposer
from node.consensus.round_id import RoundId

A, B, C, D = (bytes([n]) * 20 for n in (0x10, 0x20, 0x30, 0x40))
VALIDATORS = [C, A, D, B]  # unsorted on purpose: the order is that of the sorted set


def test_the_validator_after_the_previous_proposer_proposes_round_zero() -> None:
    assert select_proposer(RoundId(5, 0), B, VALIDATORS) == C


def test_each_further_round_moves_one_validator_on() -> None:
    assert [select_proposer(RoundId(5, r), B, VALIDATORS) for r in range(5)] == [C, D, A, B, C]


def test_after_the_last_validator_the_first_proposes() -> None:
    assert select_proposer(RoundId(5, 0), D, VALIDATORS) == A


def test_without_change_each_block_the_previous_proposer_proposes_again() -> None:
    assert select_proposer(RoundId(5, 0), B, VALIDATORS, change_each_block=False) == B


def test_when_the_previous_proposer_left_the_next_validator_in_order_proposes() -> None:
    gone = bytes([0x25]) * 20
    assert select_proposer(RoundId(5, 0), gone, VALIDATORS) == C
    assert select_proposer(RoundId(5, 1), gone, VALIDATORS) == D


def test_after_genesis_with_a_zero_coinbase_the_first_validator_proposes() -> None:
    assert select_proposer(RoundId(1, 0), b"\x00" * 20, VALIDATORS) == A


def test_a_departed_proposer_after_every_validator_wraps_to_the_first() -> None:
    assert select_proposer(RoundId(5, 2), b"\xff" * 20, VALIDATORS) == C
