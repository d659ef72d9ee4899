"""The buffer of messages for heights above the current one."""

from __future__ import annotations

from node.consensus.future_messages import FutureMessageBuffer
from node.consensus.messages import Prepare
from node.consensus.round_id import RoundId
from node.consensus.validation.reasons import Reason
from tests.support.qbft import Peer, validator_keys

PEERS = [Peer(key) for key in validator_keys(3)]


def prepare(peer: int, height: int, round_number: int = 0) -> Prepare:
    return PEERS[peer].prepare(RoundId(height, round_number), bytes(32))


def buffer(limit: int = 100, per_author: int = 10) -> FutureMessageBuffer:
    return FutureMessageBuffer(max_distance=3, limit=limit, per_author=per_author, height=5)


def test_a_message_for_a_later_height_is_kept_until_that_height() -> None:
    future = buffer()
    message = prepare(0, 7)
    assert future.add(message, b"data") is None
    assert future.take(6) == []
    assert [entry.message for entry in future.take(7)] == [message]


def test_a_message_beyond_the_maximum_distance_is_refused() -> None:
    assert buffer().add(prepare(0, 9), b"") is Reason.TOO_FAR_AHEAD


def test_a_message_for_the_current_height_is_not_buffered() -> None:
    assert buffer().add(prepare(0, 5), b"") is Reason.TOO_FAR_AHEAD


def test_an_author_may_hold_only_its_share_of_a_height() -> None:
    future = buffer(per_author=2)
    results = [future.add(prepare(0, 6, r), b"") for r in range(3)]
    assert results == [None, None, Reason.FUTURE_BUFFER_FULL]
    assert future.add(prepare(1, 6), b"") is None


def test_past_the_limit_the_highest_height_is_evicted_first() -> None:
    future = buffer(limit=3)
    for peer, height in ((0, 6), (1, 6), (0, 8), (1, 8)):
        assert future.add(prepare(peer, height), b"") is None
    assert len(future) == 2
    assert [e.message.author for e in future.take(6)] == [PEERS[0].address, PEERS[1].address]


def test_with_a_single_height_the_oldest_message_is_evicted() -> None:
    future = buffer(limit=2)
    for peer in range(3):
        future.add(prepare(peer, 6), b"")
    assert [e.message.author for e in future.take(6)] == [PEERS[1].address, PEERS[2].address]


def test_reaching_a_height_drops_the_messages_of_lower_heights() -> None:
    future = buffer()
    future.add(prepare(0, 6), b"")
    future.add(prepare(0, 7), b"")
    future.take(7)
    assert len(future) == 0


def test_an_evicted_authors_share_is_freed() -> None:
    future = buffer(limit=1, per_author=1)
    future.add(prepare(0, 6), b"")
    future.add(prepare(1, 6), b"")
    assert future.add(prepare(0, 6, 1), b"") is None
