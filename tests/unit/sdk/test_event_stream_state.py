"""Reading the gateway's server-sent events: frames into domain events, the position kept for
resuming, catching up, and when to reconnect."""

from __future__ import annotations

import json

import pytest

from client.sdk import ConnectionFailed, DomainEvent, EventFilters
from client.sdk.sse import StreamState


def event(position: int, name: str = "TradeSettled") -> dict[str, object]:
    return {
        "id": str(position), "block": position >> 32, "logIndex": position & 0xFFFFFFFF,
        "transactionHash": "0x" + "ab" * 32, "contract": "TradeSettlement", "event": name,
        "args": {"orderId": 7}, "exchanges": ["SHDE", "SZDE"], "parties": [], "public": False,
    }  # fmt: skip


def frame(position: int, name: str = "TradeSettled") -> list[str]:
    return [f"id: {position}", f"event: {name}", "data: " + json.dumps(event(position, name)), ""]


def feed(state: StreamState, lines: list[str]) -> list[DomainEvent]:
    return [found for line in lines if (found := state.feed(line)) is not None]


def test_a_frame_becomes_an_event_and_moves_the_resume_point() -> None:
    state = StreamState(EventFilters())
    events = feed(state, frame(5 << 32 | 2))
    assert [(e.event, e.block, e.log_index) for e in events] == [("TradeSettled", 5, 2)]
    assert state.last_event_id == str(5 << 32 | 2)


def test_comments_make_no_event_but_say_how_far_the_stream_is() -> None:
    state = StreamState(EventFilters())
    assert feed(state, [": through block 41", ""]) == []
    assert state.through_block == 41


def test_data_split_over_lines_is_joined() -> None:
    text = json.dumps(event(9), indent=1).split("\n")
    state = StreamState(EventFilters())
    events = feed(state, ["id: 9", *[f"data: {line}" for line in text], ""])
    assert [e.id for e in events] == ["9"]


def test_the_request_resumes_after_the_last_event_with_the_filters() -> None:
    state = StreamState(EventFilters(event="TradeSettled", exchange="SZDE", order=7, from_block=3),
                        last_event_id="12")  # fmt: skip
    request = state.request()
    assert (request.method, request.path) == ("GET", "/v1/events")
    assert request.params == (
        ("event", "TradeSettled"), ("exchange", "SZDE"), ("order", "7"), ("fromBlock", "3"),
    )  # fmt: skip
    assert dict(request.headers)["Last-Event-ID"] == "12"


def test_a_stream_that_does_not_follow_is_done_once_caught_up() -> None:
    state = StreamState(EventFilters(), follow=False)
    feed(state, frame(1))
    assert not state.done
    feed(state, [": through block 8"])
    assert state.done


def test_a_following_stream_is_never_done() -> None:
    state = StreamState(EventFilters())
    feed(state, [": through block 8"])
    assert not state.done


def test_a_frame_cut_by_a_disconnection_is_dropped() -> None:
    state = StreamState(EventFilters())
    feed(state, frame(3)[:2])
    state.reconnect_delay(OSError("reset"))
    assert [e.id for e in feed(state, frame(4))] == ["4"]


def test_reconnection_backs_off_and_gives_up_after_repeated_failures() -> None:
    state = StreamState(EventFilters(), max_failures=3)
    assert state.reconnect_delay(None) == 0.0
    assert [state.reconnect_delay(OSError("down")) for _ in range(3)] == [0.5, 1.0, 2.0]
    with pytest.raises(ConnectionFailed):
        state.reconnect_delay(OSError("down"))


def test_catching_up_again_forgives_earlier_failures() -> None:
    state = StreamState(EventFilters(), max_failures=2)
    state.reconnect_delay(OSError("down"))
    state.reconnect_delay(OSError("down"))
    feed(state, [": through block 2"])
    assert state.reconnect_delay(OSError("down")) == 0.5
