"""The filter registry: geth's ids, changes handed out once, expiry, and bounded buffers."""

from __future__ import annotations

import re

import pytest

from node.rpc.filters import (
    FilterKind,
    FilterNotFound,
    FilterRegistry,
    LogRange,
    TooManyFilters,
    random_filter_id,
)
from node.rpc.params import BlockTag, LogFilter

BLOCK_A = b"\xaa" * 32
BLOCK_B = b"\xbb" * 32
TX_A = b"\x01" * 32
TX_B = b"\x02" * 32


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def criteria(from_block: object = None, to_block: object = None) -> LogFilter:
    return LogFilter(
        block_hash=None,
        from_block=from_block,  # type: ignore[arg-type]
        to_block=to_block,  # type: ignore[arg-type]
        addresses=(),
        topics=(),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def registry(clock: FakeClock) -> FilterRegistry:
    return FilterRegistry(clock=clock)


def test_a_filter_id_is_a_128_bit_hex_quantity() -> None:
    ids = {random_filter_id() for _ in range(100)}

    assert len(ids) == 100
    assert all(re.fullmatch(r"0x[1-9a-f][0-9a-f]{0,31}", value) for value in ids)


def test_a_block_filter_hands_out_new_block_hashes_once(registry: FilterRegistry) -> None:
    filter_id = registry.new_block_filter()
    registry.on_block(BLOCK_A, 1)
    registry.on_block(BLOCK_B, 2)

    assert [registry.take_hashes(filter_id), registry.take_hashes(filter_id)] == [
        [BLOCK_A, BLOCK_B],
        [],
    ]


def test_a_block_filter_sees_only_blocks_after_it_was_installed(registry) -> None:
    registry.on_block(BLOCK_A, 1)
    filter_id = registry.new_block_filter()
    registry.on_block(BLOCK_B, 2)

    assert registry.take_hashes(filter_id) == [BLOCK_B]


def test_a_pending_filter_hands_out_pooled_transaction_hashes_only(registry) -> None:
    filter_id = registry.new_pending_transaction_filter()
    registry.on_pending(TX_A)
    registry.on_block(BLOCK_A, 1)
    registry.on_pending(TX_B)

    assert registry.kind(filter_id) is FilterKind.PENDING_TRANSACTIONS
    assert registry.take_hashes(filter_id) == [TX_A, TX_B]


def test_a_full_buffer_drops_its_oldest_hashes(clock: FakeClock) -> None:
    registry = FilterRegistry(clock=clock, max_buffered=2)
    filter_id = registry.new_pending_transaction_filter()
    for value in (TX_A, TX_B, b"\x03" * 32):
        registry.on_pending(value)

    assert registry.take_hashes(filter_id) == [TX_B, b"\x03" * 32]


def test_a_log_filter_range_covers_the_blocks_since_its_last_poll_once(registry) -> None:
    wanted = criteria()
    filter_id = registry.new_log_filter(wanted, head=5)

    assert registry.take_log_range(filter_id, head=5) is None
    assert registry.take_log_range(filter_id, head=8) == LogRange(wanted, 6, 8)
    assert registry.take_log_range(filter_id, head=8) is None
    assert registry.take_log_range(filter_id, head=9) == LogRange(wanted, 9, 9)


def test_a_log_filter_range_stays_within_from_and_to_block(registry) -> None:
    bounded = criteria(from_block=7, to_block=9)
    filter_id = registry.new_log_filter(bounded, head=2)

    assert registry.take_log_range(filter_id, head=5) is None
    assert registry.take_log_range(filter_id, head=12) == LogRange(bounded, 7, 9)
    assert registry.take_log_range(filter_id, head=20) is None


def test_tags_as_range_ends_leave_a_log_filter_unbounded(registry) -> None:
    tagged = criteria(from_block=BlockTag.LATEST, to_block=BlockTag.PENDING)
    filter_id = registry.new_log_filter(tagged, head=3)

    assert registry.take_log_range(filter_id, head=4) == LogRange(tagged, 4, 4)


def test_only_a_log_filter_has_criteria(registry) -> None:
    wanted = criteria(from_block=1)
    log_id = registry.new_log_filter(wanted, head=0)
    block_id = registry.new_block_filter()

    assert registry.log_criteria(log_id) == wanted
    with pytest.raises(FilterNotFound):
        registry.log_criteria(block_id)


def test_a_filter_not_polled_for_five_minutes_expires(registry, clock) -> None:
    filter_id = registry.new_block_filter()
    clock.now += 299
    registry.take_hashes(filter_id)
    clock.now += 299

    assert registry.take_hashes(filter_id) == []
    clock.now += 300
    with pytest.raises(FilterNotFound):
        registry.take_hashes(filter_id)
    assert len(registry) == 0


def test_expired_filters_are_swept_at_each_block(registry, clock) -> None:
    registry.new_block_filter()
    registry.new_log_filter(criteria(), head=0)
    clock.now += 300

    registry.on_block(BLOCK_A, 1)

    assert len(registry) == 0


def test_an_unknown_id_is_not_found(registry) -> None:
    with pytest.raises(FilterNotFound):
        registry.take_hashes("0x1234")
    with pytest.raises(FilterNotFound):
        registry.kind("0x1234")


def test_uninstall_answers_whether_the_filter_existed(registry) -> None:
    filter_id = registry.new_block_filter()

    assert [registry.uninstall(filter_id), registry.uninstall(filter_id)] == [True, False]
    with pytest.raises(FilterNotFound):
        registry.take_hashes(filter_id)


def test_the_number_of_filters_is_bounded(clock) -> None:
    registry = FilterRegistry(clock=clock, max_filters=2)
    registry.new_block_filter()
    registry.new_pending_transaction_filter()

    with pytest.raises(TooManyFilters, match="too many filters installed"):
        registry.new_block_filter()
    clock.now += 300
    assert registry.new_block_filter().startswith("0x")
    assert len(registry) == 1
