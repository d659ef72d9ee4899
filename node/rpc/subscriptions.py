"""eth_subscribe subscriptions and their fan-out, with geth's notification shape.

Pure: no I/O and no asyncio. A WebSocket connection is anything with a bounded
:meth:`Connection.send` (the server's send queue, :class:`Outbox`); the node pushes events
(:meth:`SubscriptionHub.publish_head`, :meth:`~SubscriptionHub.publish_logs`,
:meth:`~SubscriptionHub.publish_pending`) and the hub encodes one notification per matching
subscription::

    {"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":ID,"result":...}}

A connection whose queue refuses a notification has fallen behind: the hub forgets all its
subscriptions at once, and the queue's owner closes the connection. Memory therefore stays
bounded by the queue's byte budget, whatever the subscriber does.

A subscription becomes live when the answer to its ``eth_subscribe`` has been queued
(:meth:`SubscriptionSession.activate`), so a client never sees a notification before the id it
belongs to. All methods run on the node's event loop; nothing here is thread-safe.
"""

from __future__ import annotations

import enum
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final, Protocol

from eth.abc import ReceiptAPI, SignedTransactionAPI

from node.chain.header import QbftBlockHeader
from node.rpc.filters import random_filter_id
from node.rpc.format import log_json, tx_location
from node.rpc.params import LogFilter

MAX_SUBSCRIPTIONS_PER_CONNECTION: Final = 1_000
"""Most live subscriptions one connection may hold (geth has no bound)."""
SEND_QUEUE_BYTES: Final = 16 * 1024 * 1024
"""Default byte budget of one connection's send queue; past it the subscriber is dropped."""

Json = dict[str, Any]


class SubscriptionKind(enum.Enum):
    NEW_HEADS = "newHeads"
    LOGS = "logs"
    NEW_PENDING_TRANSACTIONS = "newPendingTransactions"


class TooManySubscriptions(RuntimeError):
    """The connection already holds its maximum number of subscriptions."""


class Connection(Protocol):
    def send(self, message: str) -> bool:
        """Queue an encoded message; False when the queue cannot take it (the connection has
        fallen behind and will be closed)."""


class Outbox:
    """A connection's send queue, bounded by the bytes it holds (answers and notifications).

    Once an offer is refused the outbox stays refused: everything after a lost message would
    be a lie of omission, so the connection must end.
    """

    def __init__(self, max_bytes: int = SEND_QUEUE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.queued_bytes = 0
        self.overflowed = False
        self._messages: deque[str] = deque()

    def __len__(self) -> int:
        return len(self._messages)

    def send(self, message: str) -> bool:
        """Queue ``message`` unless it would take the queue past its budget. An empty queue
        takes any one message, so an answer larger than the budget (a big batch) still goes
        out; the queue bounds what piles up, not what one request may return."""
        over_budget = self.queued_bytes + len(message) > self.max_bytes
        if self.overflowed or (over_budget and self._messages):
            self.overflowed = True
            return False
        self._messages.append(message)
        self.queued_bytes += len(message)
        return True

    def clear(self) -> None:
        self._messages.clear()
        self.queued_bytes = 0

    def take(self) -> str | None:
        """The oldest queued message, or None when the queue is empty."""
        if not self._messages:
            return None
        message = self._messages.popleft()
        self.queued_bytes -= len(message)
        return message


@dataclass(frozen=True)
class Subscription:
    id: str
    kind: SubscriptionKind
    criteria: LogFilter | None = None
    full_transactions: bool = False


@dataclass(slots=True)
class BlockLog:
    """One log of a new block: what filters match on, and how to render its eth_getLogs JSON
    (only done when a subscription matches)."""

    address: bytes
    topics: tuple[bytes, ...]
    render: Callable[[], Json]


@dataclass
class _Live:
    connection: Connection
    subscription: Subscription


@dataclass
class SubscriptionHub:
    """Every live subscription of every connection; the node's events go through here."""

    new_id: Callable[[], str] = random_filter_id
    max_per_connection: int = MAX_SUBSCRIPTIONS_PER_CONNECTION
    _live: dict[str, _Live] = field(default_factory=dict)
    _by_connection: dict[Connection, set[str]] = field(default_factory=dict)

    def count(self, connection: Connection) -> int:
        return len(self._by_connection.get(connection, ()))

    def has(self, kind: SubscriptionKind) -> bool:
        """Whether anyone listens for ``kind`` (so the node can skip formatting events)."""
        return any(live.subscription.kind is kind for live in self._live.values())

    def fresh_id(self) -> str:
        identifier = self.new_id()
        while identifier in self._live:
            identifier = self.new_id()
        return identifier

    def add(self, connection: Connection, subscription: Subscription) -> None:
        self._live[subscription.id] = _Live(connection, subscription)
        self._by_connection.setdefault(connection, set()).add(subscription.id)

    def unsubscribe(self, connection: Connection, subscription_id: str) -> bool:
        """True if ``connection`` held this subscription; another connection's id is unknown."""
        live = self._live.get(subscription_id)
        if live is None or live.connection is not connection:
            return False
        del self._live[subscription_id]
        self._by_connection[connection].discard(subscription_id)
        return True

    def drop(self, connection: Connection) -> int:
        """Forget every subscription of a closed connection; return how many there were."""
        identifiers = self._by_connection.pop(connection, set())
        for identifier in identifiers:
            del self._live[identifier]
        return len(identifiers)

    # -- events from the node ------------------------------------------------------------------

    def publish_head(self, header: Json) -> None:
        """A new block: ``header`` is its geth newHeads JSON (no transactions)."""
        self._publish(SubscriptionKind.NEW_HEADS, lambda _: header)

    def publish_pending(self, tx_hash: str, full: Callable[[], Json]) -> None:
        """A transaction entered the pool: its hash, or (lazily) its JSON for ``true``
        subscribers."""
        full_json: list[Json] = []

        def result(subscription: Subscription) -> object:
            if not subscription.full_transactions:
                return tx_hash
            if not full_json:
                full_json.append(full())
            return full_json[0]

        self._publish(SubscriptionKind.NEW_PENDING_TRANSACTIONS, result)

    def live(self, kind: SubscriptionKind) -> list[Subscription]:
        """The live subscriptions of ``kind``: immutable values a worker thread may read."""
        return [live.subscription for live in self._live.values() if live.subscription.kind is kind]

    def publish_logs(self, logs: Iterable[BlockLog]) -> None:
        """A new block's logs, in chain order: one notification per log per matching
        subscription."""
        self.deliver(match_logs(self.live(SubscriptionKind.LOGS), logs))

    def deliver(self, results: Mapping[str, Sequence[str]]) -> None:
        """Send already encoded results to their subscriptions, in order; a subscription that
        ended meanwhile gets nothing."""
        for subscription_id, encoded_results in results.items():
            live = self._live.get(subscription_id)
            if live is None:
                continue
            for encoded in encoded_results:
                if not self._deliver(live, encoded):
                    break

    def _publish(self, kind: SubscriptionKind, result: Callable[[Subscription], object]) -> None:
        encoded: dict[int, str] = {}
        for live in [live for live in self._live.values() if live.subscription.kind is kind]:
            value = result(live.subscription)
            text = encoded.get(id(value))
            if text is None:
                text = encoded[id(value)] = _encode(value)
            self._deliver(live, text)

    def _deliver(self, live: _Live, encoded_result: str) -> bool:
        if live.subscription.id not in self._live:
            return False  # its connection overflowed earlier in this event
        message = notification(live.subscription.id, encoded_result)
        if live.connection.send(message):
            return True
        self.drop(live.connection)
        return False


class SubscriptionSession:
    """One JSON-RPC message's view of its connection's subscriptions.

    Subscriptions made while answering the message wait in the session and go live with
    :meth:`activate`, which the server calls once the answer is queued.
    """

    def __init__(self, hub: SubscriptionHub, connection: Connection) -> None:
        self._hub = hub
        self._connection = connection
        self._waiting: list[Subscription] = []

    def subscribe(
        self,
        kind: SubscriptionKind,
        criteria: LogFilter | None = None,
        *,
        full_transactions: bool = False,
    ) -> str:
        held = self._hub.count(self._connection) + len(self._waiting)
        if held >= self._hub.max_per_connection:
            raise TooManySubscriptions(
                f"too many subscriptions on this connection (limit {self._hub.max_per_connection})"
            )
        subscription = Subscription(self._hub.fresh_id(), kind, criteria, full_transactions)
        self._waiting.append(subscription)
        return subscription.id

    def unsubscribe(self, subscription_id: str) -> bool:
        for index, waiting in enumerate(self._waiting):
            if waiting.id == subscription_id:
                del self._waiting[index]
                return True
        return self._hub.unsubscribe(self._connection, subscription_id)

    def activate(self) -> None:
        for subscription in self._waiting:
            self._hub.add(self._connection, subscription)
        self._waiting.clear()


def notification(subscription_id: str, encoded_result: str) -> str:
    """geth's ``eth_subscription`` notification around an already encoded result."""
    return (
        '{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":'
        f'"{subscription_id}","result":{encoded_result}}}}}'
    )


def new_block_logs(
    header: QbftBlockHeader,
    transactions: Sequence[SignedTransactionAPI],
    receipts: Sequence[ReceiptAPI],
) -> Iterator[BlockLog]:
    """A committed block's logs in chain order, as logs subscriptions receive them."""
    log_index = 0
    for index, (tx, receipt) in enumerate(zip(transactions, receipts, strict=True)):
        location = tx_location(header, index)
        for log in receipt.logs:
            topics = tuple(topic.to_bytes(32, "big") for topic in log.topics)
            yield BlockLog(log.address, topics, partial(log_json, log, tx, location, log_index))
            log_index += 1


def match_logs(
    subscriptions: Sequence[Subscription], logs: Iterable[BlockLog]
) -> dict[str, list[str]]:
    """The encoded results each logs subscription receives for ``logs``, in chain order; each
    matching log is rendered once. Pure and free of shared state, so the node runs it on a
    worker thread: a block of 40,000 logs takes a noticeable fraction of a second."""
    results: dict[str, list[str]] = {subscription.id: [] for subscription in subscriptions}
    for log in logs:
        encoded: str | None = None
        for subscription in subscriptions:
            criteria = subscription.criteria
            assert criteria is not None
            if criteria.matches(log.address, log.topics):
                if encoded is None:
                    encoded = _encode(log.render())
                results[subscription.id].append(encoded)
    return results


def _encode(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))
