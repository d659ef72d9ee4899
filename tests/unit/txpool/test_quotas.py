"""Per-sender quotas: gas is free, so the pool bounds each sender's pooled transactions and the
rate at which it adds them (a token bucket on the pool's clock)."""

import pytest

from node.txpool import PoolRules, TxPool
from node.txpool.errors import NonceTooLow, SenderRateExceeded

CHAIN_ID = 1337


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pool_with(clock: Clock, **quotas) -> TxPool:
    rules = PoolRules(chain_id=CHAIN_ID, block_gas_limit=30_000_000, **quotas)
    return TxPool(rules, clock=clock)


def test_a_sender_may_add_its_burst_at_once_and_no_more(reader, alice):
    clock = Clock()
    pool = pool_with(clock, sender_rate=2, sender_burst=3)
    for nonce in range(3):
        pool.add(alice.tx(nonce), reader)
    with pytest.raises(SenderRateExceeded) as refused:
        pool.add(alice.tx(3), reader)
    assert str(refused.value) == (
        f"sender rate exceeded: {alice.checksum} may add 2 transactions a second, 3 at once"
    )
    assert len(pool) == 3


def test_the_bucket_refills_at_the_rate(reader, alice):
    clock = Clock()
    pool = pool_with(clock, sender_rate=2, sender_burst=3)
    for nonce in range(3):
        pool.add(alice.tx(nonce), reader)
    clock.now += 0.5
    pool.add(alice.tx(3), reader)
    with pytest.raises(SenderRateExceeded):
        pool.add(alice.tx(4), reader)
    clock.now += 0.5
    pool.add(alice.tx(4), reader)


def test_one_senders_flood_does_not_limit_another(reader, alice, bob):
    clock = Clock()
    pool = pool_with(clock, sender_rate=1, sender_burst=1)
    pool.add(alice.tx(0), reader)
    with pytest.raises(SenderRateExceeded):
        pool.add(alice.tx(1), reader)
    pool.add(bob.tx(0), reader)


def test_a_refused_transaction_spends_no_token(reader, alice):
    clock = Clock()
    pool = pool_with(clock, sender_rate=1, sender_burst=1)
    reader.nonces[alice.address] = 5
    with pytest.raises(NonceTooLow):
        pool.add(alice.tx(0), reader)
    pool.add(alice.tx(5), reader)
