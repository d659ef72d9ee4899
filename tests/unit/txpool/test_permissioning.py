"""The pool holds only what the next block may carry: a sender the permissioning rule refuses is
refused at admission, and a new head that changed who may transact drops what it no longer
may."""

import pytest

from node.txpool.errors import AccountNotPermitted, NonceTooLow

SUSPENDED = "0xAbc may not transact: it is a suspended participant"


def test_a_refused_sender_is_refused_at_admission_with_the_reason(pool, reader, alice):
    reader.refused[alice.address] = SUSPENDED
    with pytest.raises(AccountNotPermitted) as refused:
        pool.add(alice.tx(0), reader)
    assert str(refused.value) == f"account not permitted: {SUSPENDED}"
    assert len(pool) == 0


def test_permissioning_is_checked_before_the_nonce(pool, reader, alice):
    reader.nonces[alice.address] = 5
    reader.refused[alice.address] = SUSPENDED
    with pytest.raises(AccountNotPermitted):
        pool.add(alice.tx(0), reader)
    del reader.refused[alice.address]
    with pytest.raises(NonceTooLow):
        pool.add(alice.tx(0), reader)


def test_a_head_that_changed_permissions_drops_every_transaction_of_a_refused_sender(
    pool, reader, alice, bob
):
    for nonce in range(3):
        pool.add(alice.tx(nonce), reader)
    kept = pool.add(bob.tx(0), reader)
    reader.refused[alice.address] = SUSPENDED
    pool.on_new_head([], reader, permissions_changed=True)
    assert [entry.hash for entry in pool.pending(30_000_000)] == [kept]
    assert pool.stats() == (1, 0)


def test_a_head_that_changed_no_permissions_keeps_the_pool_without_asking(pool, reader, alice):
    pool.add(alice.tx(0), reader)
    reader.refused[alice.address] = SUSPENDED
    pool.on_new_head([], reader)
    assert pool.stats() == (1, 0)
