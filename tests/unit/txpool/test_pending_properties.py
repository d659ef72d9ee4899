"""Whatever happens to the pool, a block candidate has each nonce once and fits the block; it
is gapless from the account nonce whenever the pool has read every nonce that moved."""

import contextlib
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from node.txpool import PoolRules, TxPool, TxPoolError

SENDERS = 3
NONCES = 6
HUGE_GAS = 10**9

adds = st.tuples(
    st.just("add"),
    st.integers(0, SENDERS - 1),
    st.integers(0, NONCES - 1),
    st.integers(0, 1),
)
drops = st.tuples(st.just("drop"), st.integers(0, SENDERS - 1), st.integers(0, NONCES - 1))
heads = st.tuples(st.just("head"), st.integers(0, 4), st.integers(0, SENDERS - 1))
operations = st.lists(st.one_of(adds, adds, adds, drops, heads), min_size=20, max_size=60)


@pytest.fixture(scope="module")
def signed(alice, bob, carol):
    """Per sender, nonce and fee variant (0: free, 1: a price bump that replaces it)."""
    wallets = [alice, bob, carol]
    return {
        (sender, nonce, variant): wallets[sender].tx(
            nonce,
            gas=21_000 + 29_000 * (nonce % 2),
            maxFeePerGas=variant,
            maxPriorityFeePerGas=variant,
        )
        for sender in range(SENDERS)
        for nonce in range(NONCES)
        for variant in (0, 1)
    }


def assert_fits(candidates, gas_limit):
    keys = [(entry.sender, entry.nonce) for entry in candidates]
    assert len(keys) == len(set(keys))
    assert sum(entry.least_gas for entry in candidates) <= gas_limit
    assert all(entry.gas <= gas_limit for entry in candidates)


def assert_gapless(reader, candidates):
    keys = [(entry.sender, entry.nonce) for entry in candidates]
    for sender, count in Counter(sender for sender, _ in keys).items():
        first = reader.nonce(sender)
        assert [nonce for s, nonce in keys if s == sender] == list(range(first, first + count))


def build(block, reader):
    """The block builder's verdicts: a transaction whose nonce is not the account's is
    rejected and its sender's later ones deferred; the rest are included."""
    included, rejected, blocked = [], [], set()
    for entry in block:
        if entry.sender in blocked:
            continue
        if entry.nonce != reader.nonce(entry.sender):
            rejected.append(entry.hash)
            blocked.add(entry.sender)
            continue
        reader.nonces[entry.sender] = entry.nonce + 1
        included.append(entry.hash)
    return included, rejected


@settings(max_examples=150, deadline=None)
@given(
    steps=operations,
    gas_limit=st.integers(21_000, 200_000),
    max_slots=st.sampled_from([1, 3, 8, 8192]),
    refresh_interval=st.sampled_from([1, 2, 64]),
)
def test_pending_never_has_a_nonce_gap_or_a_repeated_sender_nonce(
    signed, new_reader, steps, gas_limit, max_slots, refresh_interval
):
    rules = PoolRules(
        chain_id=1337,
        block_gas_limit=30_000_000,
        max_slots=max_slots,
        full_refresh_interval=refresh_interval,
    )
    pool = TxPool(rules)
    reader = new_reader()
    senders = sorted({tx_key[0] for tx_key in signed})
    addresses = [signed[(sender, 0, 0)].sender for sender in senders]
    for address in addresses:
        reader.balances[address] = 10**18
    heads = 0
    synced = True  # False from a nonce moving behind the pool's back to the next full refresh

    for step in steps:
        if step[0] == "add":
            _, sender, nonce, variant = step
            with contextlib.suppress(TxPoolError):
                pool.add(signed[(sender, nonce, variant)], reader)
        elif step[0] == "drop":
            _, sender, nonce = step
            for variant in (0, 1):
                pool.drop(signed[(sender, nonce, variant)].hash, "failed in execution")
        else:
            _, mined, bystander = step
            included, rejected = build(pool.pending(HUGE_GAS, max_count=mined), reader)
            if not included and not rejected:  # a transaction the pool never saw
                address = addresses[bystander]
                reader.nonces[address] = reader.nonce(address) + 1
                synced = False
            pool.on_new_head(included, reader)
            for tx_hash in rejected:
                pool.drop(tx_hash, "nonce too low")
            heads += 1
            synced = synced or heads % refresh_interval == 0

        assert_fits(pool.pending(gas_limit), gas_limit)
        everything = pool.pending(HUGE_GAS)
        assert_fits(everything, HUGE_GAS)
        assert pool.stats() == (len(everything), len(pool) - len(everything))
        if synced:
            assert_gapless(reader, everything)
            for address in addresses:
                mine = sum(1 for entry in everything if entry.sender == address)
                assert pool.pending_nonce(address, reader) == reader.nonce(address) + mine
