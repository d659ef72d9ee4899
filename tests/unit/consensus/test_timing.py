"""Quorums and round timeouts."""

from __future__ import annotations

from node.consensus.timing import quorum, round_change_quorum, round_timeout_seconds


def test_quorum_is_the_ceiling_of_two_thirds() -> None:
    assert [quorum(n) for n in (1, 2, 3, 4, 5, 6, 7, 10, 24)] == [1, 2, 2, 3, 4, 4, 5, 7, 16]


def test_early_round_change_needs_f_plus_one() -> None:
    sizes = (1, 3, 4, 6, 7, 10, 24)
    assert [round_change_quorum(n) for n in sizes] == [1, 1, 2, 2, 3, 4, 8]


def test_round_timeout_doubles_with_each_round() -> None:
    assert [round_timeout_seconds(r, 1.0, 60.0) for r in range(5)] == [1, 2, 4, 8, 16]


def test_round_timeout_stops_growing_at_the_cap() -> None:
    assert [round_timeout_seconds(r, 1.0, 4.0) for r in (2, 3, 10)] == [4.0, 4.0, 4.0]


def test_a_very_high_round_waits_the_cap() -> None:
    assert round_timeout_seconds(2**31 - 1, 10.0, 120.0) == 120.0
