"""Queueing, promotion, replacement, eviction and block candidates."""

import pytest

from node.txpool import PoolRules, TxPool
from node.txpool.errors import ReplaceUnderpriced, TxPoolOverflow

CHAIN_ID = 1337
BLOCK_GAS_LIMIT = 30_000_000


def with_rules(**changes) -> TxPool:
    return TxPool(PoolRules(chain_id=CHAIN_ID, block_gas_limit=30_000_000, **changes))


def nonces(entries) -> list[tuple[bytes, int]]:
    return [(entry.sender, entry.nonce) for entry in entries]


def test_pooled_transaction_keeps_the_wire_bytes_sender_and_hash(pool, reader, alice):
    raw = alice.raw(3, gas=30_000)
    reader.nonces[alice.address] = 3

    tx_hash = pool.add(alice.tx(3, gas=30_000), reader)

    entry = pool.get(tx_hash)
    assert entry is not None
    assert (entry.raw, entry.sender, entry.nonce, entry.gas, entry.cost) == (
        raw,
        alice.address,
        3,
        30_000,
        0,
    )
    assert tx_hash in pool
    assert len(pool) == 1


def test_unknown_hash_is_not_in_the_pool(pool):
    assert pool.get(b"\x00" * 32) is None
    assert b"\x00" * 32 not in pool


def test_arrival_numbers_increase_in_order_of_acceptance(pool, reader, alice, bob):
    first = pool.add(bob.tx(0), reader)
    second = pool.add(alice.tx(0), reader)

    assert pool.get(first).arrival < pool.get(second).arrival


def test_future_nonce_is_queued(pool, reader, alice):
    pool.add(alice.tx(1), reader)

    assert pool.stats() == (0, 1)
    assert pool.pending(30_000_000) == []


def test_queued_transaction_is_promoted_when_the_gap_is_filled(pool, reader, alice):
    pool.add(alice.tx(1), reader)

    pool.add(alice.tx(0), reader)

    assert pool.stats() == (2, 0)
    assert nonces(pool.pending(30_000_000)) == [(alice.address, 0), (alice.address, 1)]


def test_queued_transaction_is_promoted_when_a_block_moves_the_account_nonce(pool, reader, alice):
    included = pool.add(alice.tx(0), reader)
    pool.add(alice.tx(2), reader)
    reader.nonces[alice.address] = 2  # the block also held a nonce 1 the pool never saw

    pool.on_new_head([included], reader)

    assert pool.stats() == (1, 0)


def test_new_head_removes_included_transactions(pool, reader, alice, bob):
    included = pool.add(alice.tx(0), reader)
    kept = pool.add(bob.tx(0), reader)
    reader.nonces[alice.address] = 1

    pool.on_new_head([included], reader)

    assert included not in pool
    assert kept in pool


def test_new_head_removes_an_included_senders_transactions_below_its_nonce(pool, reader, alice):
    replaced_elsewhere = pool.add(alice.tx(0), reader)
    included = pool.add(alice.tx(1), reader)
    next_one = pool.add(alice.tx(2), reader)
    reader.nonces[alice.address] = 2

    pool.on_new_head([included], reader)

    assert replaced_elsewhere not in pool
    assert next_one in pool
    assert pool.stats() == (1, 0)


def test_new_head_reads_the_nonces_of_included_senders_only(pool, reader, alice, bob):
    included = pool.add(alice.tx(0), reader)
    pool.add(alice.tx(1), reader)
    pool.add(bob.tx(0), reader)
    reader.nonces[alice.address] = 1
    reader.nonce_reads.clear()

    pool.on_new_head([included], reader)

    assert reader.nonce_reads == [alice.address]


def test_new_head_reads_balances_only_of_senders_whose_transactions_cost_something(
    pool, reader, alice, bob
):
    reader.balances[alice.address] = 10
    pool.add(alice.tx(0, value=1), reader)
    pool.add(bob.tx(0), reader)
    reader.balance_reads.clear()

    pool.on_new_head([], reader)

    assert reader.balance_reads == [alice.address]


def test_a_nonce_moved_outside_the_pool_is_read_at_the_64th_head(pool, reader, alice):
    replaced_elsewhere = pool.add(alice.tx(0), reader)
    reader.nonces[alice.address] = 1
    for _ in range(63):
        pool.on_new_head([], reader)
    assert replaced_elsewhere in pool

    pool.on_new_head([], reader)

    assert replaced_elsewhere not in pool


def test_a_sender_whose_transaction_the_builder_dropped_is_reread_at_the_next_head(
    pool, reader, alice
):
    outdated = pool.add(alice.tx(0), reader)
    pool.add(alice.tx(1), reader)
    reader.nonces[alice.address] = 1  # a nonce 0 the pool never saw was mined
    pool.drop(outdated, "nonce too low")
    assert pool.stats() == (0, 1)

    pool.on_new_head([], reader)

    assert pool.stats() == (1, 0)


def test_new_head_drops_what_the_balance_no_longer_covers_and_queues_later_nonces(
    pool, reader, alice
):
    reader.balances[alice.address] = 100
    pool.add(alice.tx(0), reader)
    unaffordable = pool.add(alice.tx(1, value=100), reader)
    pool.add(alice.tx(2), reader)
    reader.balances[alice.address] = 99

    pool.on_new_head([], reader)

    assert unaffordable not in pool
    assert pool.stats() == (1, 1)


def test_add_after_a_missed_head_forgets_mined_transactions(pool, reader, alice):
    mined = pool.add(alice.tx(0), reader)
    reader.nonces[alice.address] = 1

    pool.add(alice.tx(1), reader)

    assert mined not in pool
    assert pool.stats() == (1, 0)


def test_drop_makes_the_senders_later_nonces_queued(pool, reader, alice):
    pool.add(alice.tx(0), reader)
    failed = pool.add(alice.tx(1), reader)
    pool.add(alice.tx(2), reader)

    pool.drop(failed, "execution failed")

    assert failed not in pool
    assert pool.stats() == (1, 1)
    assert nonces(pool.pending(30_000_000)) == [(alice.address, 0)]


def test_dropping_an_unknown_hash_changes_nothing(pool, reader, alice):
    pool.add(alice.tx(0), reader)

    pool.drop(b"\x00" * 32, "not here")

    assert len(pool) == 1


def test_pending_nonce_follows_the_executable_run(pool, reader, alice):
    reader.nonces[alice.address] = 2
    pool.add(alice.tx(2), reader)
    pool.add(alice.tx(3), reader)
    pool.add(alice.tx(5), reader)

    assert pool.pending_nonce(alice.address, reader) == 4


def test_pending_nonce_of_an_account_without_transactions_is_its_state_nonce(pool, reader, alice):
    reader.nonces[alice.address] = 7

    assert pool.pending_nonce(alice.address, reader) == 7


def test_pending_interleaves_senders_one_transaction_per_turn(pool, reader, alice, bob):
    for nonce in range(3):
        pool.add(alice.tx(nonce), reader)
    for nonce in range(2):
        pool.add(bob.tx(nonce), reader)

    assert nonces(pool.pending(30_000_000)) == [
        (alice.address, 0),
        (bob.address, 0),
        (alice.address, 1),
        (bob.address, 1),
        (alice.address, 2),
    ]


def test_within_a_turn_the_earlier_arrival_goes_first(pool, reader, alice, bob):
    pool.add(alice.tx(1), reader)
    pool.add(bob.tx(0), reader)
    pool.add(alice.tx(0), reader)
    pool.add(bob.tx(1), reader)

    assert nonces(pool.pending(30_000_000)) == [
        (bob.address, 0),
        (alice.address, 0),
        (alice.address, 1),
        (bob.address, 1),
    ]


def test_pending_skips_a_sender_whose_next_transaction_does_not_fit(pool, reader, alice, bob):
    pool.add(alice.tx(0), reader)
    pool.add(alice.tx(1, gas=70_000, data=b"\x01" * 1000), reader)  # uses at least 61000
    pool.add(alice.tx(2), reader)
    pool.add(bob.tx(0), reader)
    pool.add(bob.tx(1), reader)

    assert nonces(pool.pending(84_000)) == [
        (alice.address, 0),
        (bob.address, 0),
        (bob.address, 1),
    ]


def test_pending_counts_the_least_gas_of_each_transaction_not_its_declared_gas(
    pool, reader, alice, bob
):
    pool.add(bob.tx(0), reader)
    pool.add(alice.tx(0, gas=BLOCK_GAS_LIMIT), reader)
    for nonce in range(1, 65):
        pool.add(bob.tx(nonce), reader)

    assert nonces(pool.pending(BLOCK_GAS_LIMIT)) == [
        (bob.address, 0),
        (alice.address, 0),
        *((bob.address, nonce) for nonce in range(1, 65)),
    ]


def test_pending_skips_a_transaction_declaring_more_gas_than_the_block_has(
    pool, reader, alice, bob
):
    pool.add(alice.tx(0, gas=50_000), reader)
    pool.add(alice.tx(1), reader)
    pool.add(bob.tx(0), reader)

    assert nonces(pool.pending(40_000)) == [(bob.address, 0)]


def test_least_gas_of_a_pooled_transaction_is_its_eip_7623_floor_when_higher(pool, reader, alice):
    tx_hash = pool.add(alice.tx(0, gas=70_000, data=b"\x01" * 1000), reader)

    assert pool.get(tx_hash).least_gas == 21_000 + 10 * 4 * 1000


def test_pending_stops_at_max_count(pool, reader, alice, bob):
    pool.add(alice.tx(0), reader)
    pool.add(bob.tx(0), reader)
    pool.add(alice.tx(1), reader)

    assert nonces(pool.pending(30_000_000, max_count=2)) == [
        (alice.address, 0),
        (bob.address, 0),
    ]


def test_replacement_with_a_price_bump_replaces_the_old_transaction(pool, reader, alice):
    reader.balances[alice.address] = 10**18
    old = pool.add(alice.tx(0), reader)

    new = pool.add(alice.tx(0, maxFeePerGas=1, maxPriorityFeePerGas=1), reader)

    assert old not in pool
    assert new in pool
    assert len(pool) == 1


def test_replacement_of_zero_fees_by_zero_fees_is_underpriced(pool, reader, alice):
    pool.add(alice.tx(0), reader)

    with pytest.raises(ReplaceUnderpriced) as error:
        pool.add(alice.tx(0, to="0x" + "33" * 20), reader)

    assert str(error.value) == "replacement transaction underpriced"


def test_replacement_below_a_ten_percent_bump_is_underpriced(pool, reader, alice):
    reader.balances[alice.address] = 10**18
    pool.add(alice.tx(0, maxFeePerGas=100, maxPriorityFeePerGas=100), reader)

    with pytest.raises(ReplaceUnderpriced):
        pool.add(alice.tx(0, maxFeePerGas=109, maxPriorityFeePerGas=109), reader)


def test_replacement_at_exactly_ten_percent_is_accepted(pool, reader, alice):
    reader.balances[alice.address] = 10**18
    pool.add(alice.tx(0, maxFeePerGas=100, maxPriorityFeePerGas=100), reader)

    pool.add(alice.tx(0, maxFeePerGas=110, maxPriorityFeePerGas=110), reader)

    assert pool.stats() == (1, 0)


def test_replacement_must_raise_the_tip_as_well_as_the_fee_cap(pool, reader, alice):
    reader.balances[alice.address] = 10**18
    pool.add(alice.tx(0, maxFeePerGas=100, maxPriorityFeePerGas=0), reader)

    with pytest.raises(ReplaceUnderpriced):
        pool.add(alice.tx(0, maxFeePerGas=200, maxPriorityFeePerGas=0), reader)


def test_queued_transaction_can_be_replaced_with_a_bump(pool, reader, alice):
    reader.balances[alice.address] = 10**18
    pool.add(alice.tx(4), reader)

    pool.add(alice.tx(4, maxFeePerGas=1, maxPriorityFeePerGas=1), reader)

    assert pool.stats() == (0, 1)


def test_full_pool_evicts_the_newest_queued_transaction_for_an_executable_one(
    reader, alice, bob, carol
):
    pool = with_rules(max_slots=3)
    pool.add(alice.tx(0), reader)
    older_queued = pool.add(bob.tx(5), reader)
    newer_queued = pool.add(bob.tx(6), reader)

    executable = pool.add(carol.tx(0), reader)

    assert executable in pool
    assert newer_queued not in pool
    assert older_queued in pool


def test_full_pool_refuses_a_queued_arrival(reader, alice, bob, carol):
    pool = with_rules(max_slots=2)
    pool.add(alice.tx(0), reader)
    pool.add(bob.tx(5), reader)

    with pytest.raises(TxPoolOverflow) as error:
        pool.add(carol.tx(1), reader)

    assert str(error.value) == "txpool is full"


def test_full_pool_of_executable_transactions_refuses_another(reader, alice, bob):
    pool = with_rules(max_slots=1)
    pool.add(alice.tx(0), reader)

    with pytest.raises(TxPoolOverflow):
        pool.add(bob.tx(0), reader)


def test_full_pool_accepts_a_same_size_replacement(reader, alice):
    pool = with_rules(max_slots=1)
    reader.balances[alice.address] = 10**18
    pool.add(alice.tx(0), reader)

    pool.add(alice.tx(0, maxFeePerGas=1, maxPriorityFeePerGas=1), reader)

    assert len(pool) == 1


def test_capacity_counts_32_kib_slots(reader, alice, bob):
    pool = with_rules(max_slots=2)
    pool.add(alice.tx(0, data=bytes(40_000), gas=1_000_000), reader)

    with pytest.raises(TxPoolOverflow):
        pool.add(bob.tx(0), reader)
