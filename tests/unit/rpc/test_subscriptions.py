"""The subscription hub and the bounded send queue, with plain queues as connections."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from node.rpc.params import LogFilter
from node.rpc.subscriptions import (
    BlockLog,
    Outbox,
    SubscriptionHub,
    SubscriptionKind,
    SubscriptionSession,
    TooManySubscriptions,
    match_logs,
    notification,
)

CONTRACT = b"\xc0" * 20
OTHER = b"\x0e" * 20
TOPIC_A = b"\xaa" * 32
TOPIC_B = b"\xbb" * 32
TOPIC_C = b"\xcc" * 32


def counting_ids() -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"0x{next(numbers)}"


def make_hub(max_per_connection: int = 10) -> SubscriptionHub:
    return SubscriptionHub(new_id=counting_ids(), max_per_connection=max_per_connection)


def subscribe(
    hub: SubscriptionHub,
    connection: Outbox,
    kind: SubscriptionKind,
    criteria: LogFilter | None = None,
    *,
    full_transactions: bool = False,
) -> str:
    session = SubscriptionSession(hub, connection)
    identifier = session.subscribe(kind, criteria, full_transactions=full_transactions)
    session.activate()
    return identifier


def criteria(
    addresses: tuple[bytes, ...] = (), topics: tuple[tuple[bytes, ...] | None, ...] = ()
) -> LogFilter:
    return LogFilter(None, None, None, addresses, topics)


def drain(outbox: Outbox) -> list[Any]:
    messages = []
    while (message := outbox.take()) is not None:
        messages.append(json.loads(message))
    return messages


def results(outbox: Outbox) -> list[Any]:
    return [message["params"]["result"] for message in drain(outbox)]


def counted(renders: list[int], value: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """A renderer that counts how often it is called."""

    def render() -> dict[str, Any]:
        renders.append(1)
        return value

    return render


def block_log(address: bytes, topics: tuple[bytes, ...], index: int) -> BlockLog:
    return BlockLog(address, topics, lambda: {"logIndex": hex(index), "removed": False})


# The send queue


def test_an_outbox_hands_out_messages_in_the_order_they_were_sent() -> None:
    outbox = Outbox(max_bytes=100)
    assert outbox.send("first")
    assert outbox.send("second")
    assert [outbox.take(), outbox.take(), outbox.take()] == ["first", "second", None]


def test_an_outbox_counts_the_bytes_it_holds_and_frees_them_when_taken() -> None:
    outbox = Outbox(max_bytes=100)
    outbox.send("12345")
    outbox.send("123")
    assert outbox.queued_bytes == 8
    outbox.take()
    assert outbox.queued_bytes == 3


def test_an_outbox_refuses_a_message_that_would_pass_its_byte_budget() -> None:
    outbox = Outbox(max_bytes=10)
    assert outbox.send("123456")
    assert not outbox.send("12345")
    assert outbox.overflowed
    assert (len(outbox), outbox.queued_bytes) == (1, 6)


def test_an_empty_outbox_takes_one_message_larger_than_its_budget() -> None:
    outbox = Outbox(max_bytes=10)
    assert outbox.send("x" * 25)
    assert not outbox.send("y")
    assert outbox.take() == "x" * 25


def test_an_outbox_that_refused_once_refuses_even_a_message_that_would_fit() -> None:
    outbox = Outbox(max_bytes=10)
    outbox.send("123456")
    outbox.send("12345")
    outbox.take()
    assert not outbox.send("1")


def test_clearing_an_outbox_frees_everything_it_held() -> None:
    outbox = Outbox(max_bytes=10)
    outbox.send("1234")
    outbox.clear()
    assert (len(outbox), outbox.queued_bytes, outbox.take()) == (0, 0, None)


# Notifications


def test_a_notification_has_geths_eth_subscription_shape() -> None:
    assert json.loads(notification("0x1f", '{"number":"0x2"}')) == {
        "jsonrpc": "2.0",
        "method": "eth_subscription",
        "params": {"subscription": "0x1f", "result": {"number": "0x2"}},
    }


def test_a_new_heads_subscriber_receives_each_published_header() -> None:
    hub, connection = make_hub(), Outbox()
    identifier = subscribe(hub, connection, SubscriptionKind.NEW_HEADS)
    hub.publish_head({"number": "0x1"})
    hub.publish_head({"number": "0x2"})
    assert drain(connection) == [
        {
            "jsonrpc": "2.0",
            "method": "eth_subscription",
            "params": {"subscription": identifier, "result": {"number": number}},
        }
        for number in ("0x1", "0x2")
    ]


def test_a_subscription_receives_nothing_until_it_is_activated() -> None:
    hub, connection = make_hub(), Outbox()
    session = SubscriptionSession(hub, connection)
    session.subscribe(SubscriptionKind.NEW_HEADS)
    hub.publish_head({"number": "0x1"})
    session.activate()
    hub.publish_head({"number": "0x2"})
    assert results(connection) == [{"number": "0x2"}]


def test_subscribers_of_one_kind_receive_nothing_of_another() -> None:
    hub, connection = make_hub(), Outbox()
    subscribe(hub, connection, SubscriptionKind.NEW_PENDING_TRANSACTIONS)
    hub.publish_head({"number": "0x1"})
    hub.publish_logs([block_log(CONTRACT, (TOPIC_A,), 0)])
    assert drain(connection) == []


def test_every_subscription_of_a_connection_gets_its_own_notification() -> None:
    hub, connection = make_hub(), Outbox()
    first = subscribe(hub, connection, SubscriptionKind.NEW_HEADS)
    second = subscribe(hub, connection, SubscriptionKind.NEW_HEADS)
    hub.publish_head({"number": "0x1"})
    assert [message["params"]["subscription"] for message in drain(connection)] == [first, second]


def test_pending_subscribers_receive_the_hash_and_full_subscribers_the_transaction() -> None:
    hub, hashes, full = make_hub(), Outbox(), Outbox()
    subscribe(hub, hashes, SubscriptionKind.NEW_PENDING_TRANSACTIONS)
    subscribe(hub, full, SubscriptionKind.NEW_PENDING_TRANSACTIONS, full_transactions=True)
    hub.publish_pending("0xabc", lambda: {"hash": "0xabc", "nonce": "0x0"})
    assert results(hashes) == ["0xabc"]
    assert results(full) == [{"hash": "0xabc", "nonce": "0x0"}]


def test_a_pending_transaction_is_rendered_only_when_a_full_subscriber_wants_it() -> None:
    hub, connection = make_hub(), Outbox()
    subscribe(hub, connection, SubscriptionKind.NEW_PENDING_TRANSACTIONS)
    renders: list[int] = []
    hub.publish_pending("0xabc", counted(renders, {}))
    assert renders == []


def test_a_logs_subscriber_receives_one_notification_per_matching_log_in_chain_order() -> None:
    hub, connection = make_hub(), Outbox()
    subscribe(hub, connection, SubscriptionKind.LOGS, criteria(addresses=(CONTRACT,)))
    hub.publish_logs(
        [
            block_log(CONTRACT, (TOPIC_A,), 0),
            block_log(OTHER, (TOPIC_A,), 1),
            block_log(CONTRACT, (TOPIC_B,), 2),
        ]
    )
    assert results(connection) == [
        {"logIndex": "0x0", "removed": False},
        {"logIndex": "0x2", "removed": False},
    ]


def test_a_logs_subscription_matches_topics_by_position_with_alternatives() -> None:
    hub, connection = make_hub(), Outbox()
    wanted = criteria(topics=(None, (TOPIC_B, TOPIC_C)))
    subscribe(hub, connection, SubscriptionKind.LOGS, wanted)
    hub.publish_logs(
        [
            block_log(CONTRACT, (TOPIC_A, TOPIC_B), 0),
            block_log(CONTRACT, (TOPIC_B, TOPIC_A), 1),
            block_log(CONTRACT, (TOPIC_A, TOPIC_C), 2),
            block_log(CONTRACT, (TOPIC_C,), 3),
        ]
    )
    assert [result["logIndex"] for result in results(connection)] == ["0x0", "0x2"]


def test_a_log_no_subscription_matches_is_never_rendered() -> None:
    hub, connection = make_hub(), Outbox()
    subscribe(hub, connection, SubscriptionKind.LOGS, criteria(addresses=(OTHER,)))
    renders: list[int] = []
    hub.publish_logs([BlockLog(CONTRACT, (), counted(renders, {}))])
    assert renders == []


def test_a_log_matching_two_subscriptions_is_rendered_once() -> None:
    hub, connection = make_hub(), Outbox()
    subscribe(hub, connection, SubscriptionKind.LOGS, criteria())
    subscribe(hub, connection, SubscriptionKind.LOGS, criteria(addresses=(CONTRACT,)))
    renders: list[int] = []
    hub.publish_logs([BlockLog(CONTRACT, (), counted(renders, {}))])
    assert (renders, len(drain(connection))) == ([1], 2)


# Subscribing and unsubscribing


def test_has_tells_which_kinds_have_live_subscribers() -> None:
    hub = make_hub()
    subscribe(hub, Outbox(), SubscriptionKind.LOGS, criteria())
    assert [hub.has(kind) for kind in SubscriptionKind] == [False, True, False]


def test_unsubscribing_stops_notifications_and_succeeds_once() -> None:
    hub, connection = make_hub(), Outbox()
    identifier = subscribe(hub, connection, SubscriptionKind.NEW_HEADS)
    session = SubscriptionSession(hub, connection)
    assert [session.unsubscribe(identifier), session.unsubscribe(identifier)] == [True, False]
    hub.publish_head({"number": "0x1"})
    assert drain(connection) == []


def test_a_subscription_can_be_cancelled_before_it_goes_live() -> None:
    hub, connection = make_hub(), Outbox()
    session = SubscriptionSession(hub, connection)
    identifier = session.subscribe(SubscriptionKind.NEW_HEADS)
    assert session.unsubscribe(identifier)
    session.activate()
    assert hub.count(connection) == 0


def test_a_connection_cannot_unsubscribe_another_connections_subscription() -> None:
    hub, owner, stranger = make_hub(), Outbox(), Outbox()
    identifier = subscribe(hub, owner, SubscriptionKind.NEW_HEADS)
    assert not SubscriptionSession(hub, stranger).unsubscribe(identifier)
    hub.publish_head({"number": "0x1"})
    assert len(drain(owner)) == 1


def test_the_per_connection_limit_counts_live_and_waiting_subscriptions() -> None:
    hub, connection = make_hub(max_per_connection=2), Outbox()
    subscribe(hub, connection, SubscriptionKind.NEW_HEADS)
    session = SubscriptionSession(hub, connection)
    session.subscribe(SubscriptionKind.NEW_HEADS)
    with pytest.raises(TooManySubscriptions) as refused:
        session.subscribe(SubscriptionKind.NEW_HEADS)
    assert str(refused.value) == "too many subscriptions on this connection (limit 2)"


def test_the_per_connection_limit_does_not_bound_other_connections() -> None:
    hub = make_hub(max_per_connection=1)
    subscribe(hub, Outbox(), SubscriptionKind.NEW_HEADS)
    subscribe(hub, Outbox(), SubscriptionKind.NEW_HEADS)
    assert hub.has(SubscriptionKind.NEW_HEADS)


def test_an_id_already_live_is_never_handed_out_again() -> None:
    repeated = iter(["0x1", "0x1", "0x2"])
    hub = SubscriptionHub(new_id=lambda: next(repeated))
    connection = Outbox()
    assert [subscribe(hub, connection, SubscriptionKind.NEW_HEADS) for _ in range(2)] == [
        "0x1",
        "0x2",
    ]


def test_dropping_a_connection_forgets_all_its_subscriptions() -> None:
    hub, connection = make_hub(), Outbox()
    subscribe(hub, connection, SubscriptionKind.NEW_HEADS)
    subscribe(hub, connection, SubscriptionKind.LOGS, criteria())
    assert hub.drop(connection) == 2
    assert not any(hub.has(kind) for kind in SubscriptionKind)


# Slow subscribers


def test_a_connection_whose_queue_refuses_loses_every_subscription_it_held() -> None:
    hub, slow = make_hub(), Outbox(max_bytes=300)
    subscribe(hub, slow, SubscriptionKind.NEW_HEADS)
    subscribe(hub, slow, SubscriptionKind.NEW_PENDING_TRANSACTIONS)
    hub.publish_head({"padding": "x" * 150})
    hub.publish_head({"padding": "x" * 150})
    assert slow.overflowed
    assert hub.count(slow) == 0


def test_a_slow_connection_does_not_deprive_the_others() -> None:
    hub, slow, fast = make_hub(), Outbox(max_bytes=100), Outbox()
    subscribe(hub, slow, SubscriptionKind.NEW_HEADS)
    subscribe(hub, fast, SubscriptionKind.NEW_HEADS)
    for number in range(3):
        hub.publish_head({"number": hex(number), "padding": "x" * 50})
    assert [result["number"] for result in results(fast)] == ["0x0", "0x1", "0x2"]


def test_a_connection_that_overflows_in_the_middle_of_a_block_gets_none_of_its_rest() -> None:
    hub, slow = make_hub(), Outbox(max_bytes=250)
    subscribe(hub, slow, SubscriptionKind.LOGS, criteria())
    subscribe(hub, slow, SubscriptionKind.LOGS, criteria())
    hub.publish_logs([block_log(CONTRACT, (), index) for index in range(10)])
    assert len(slow) == 2


def test_matching_logs_gives_each_subscription_its_encoded_results_in_chain_order() -> None:
    hub, connection = make_hub(), Outbox()
    first = subscribe(hub, connection, SubscriptionKind.LOGS, criteria(addresses=(CONTRACT,)))
    second = subscribe(hub, connection, SubscriptionKind.LOGS, criteria(topics=((TOPIC_B,),)))
    matched = match_logs(
        hub.live(SubscriptionKind.LOGS),
        [block_log(CONTRACT, (TOPIC_A,), 0), block_log(OTHER, (TOPIC_B,), 1)],
    )
    assert matched == {
        first: ['{"logIndex":"0x0","removed":false}'],
        second: ['{"logIndex":"0x1","removed":false}'],
    }


def test_results_for_a_subscription_that_ended_meanwhile_are_not_delivered() -> None:
    hub, connection = make_hub(), Outbox()
    identifier = subscribe(hub, connection, SubscriptionKind.LOGS, criteria())
    matched = match_logs(hub.live(SubscriptionKind.LOGS), [block_log(CONTRACT, (), 0)])
    SubscriptionSession(hub, connection).unsubscribe(identifier)
    hub.deliver(matched)
    assert drain(connection) == []
