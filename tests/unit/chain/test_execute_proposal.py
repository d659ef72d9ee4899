"""A validator executes a proposed block once: to vote for it, and the same execution is
written when its commit seals arrive."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from eth.abc import SignedTransactionAPI
from eth_utils import ValidationError

from node.chain.header import QbftBlock
from node.chain.header_rules import HeaderRuleViolation
from node.chain.ledger import BuiltBlock, Ledger
from node.storage.leveldb import LevelDB

SignTx = Callable[..., SignedTransactionAPI]
Build = Callable[..., BuiltBlock]
Commit = Callable[[Ledger, BuiltBlock], QbftBlock]


def test_a_proposal_executed_then_committed_with_its_seals_is_the_proposers_block(
    ledger: Ledger, follower: Ledger, build: Build, commit: Commit, sign_tx: SignTx
) -> None:
    proposed = build(ledger, [sign_tx(b"\x42" * 32, 0, to=b"\x11" * 20)])
    executed = follower.execute_proposal(proposed.block, now=time.time())
    committed = commit(ledger, proposed)
    written = commit(follower, executed)
    assert written.hash == committed.hash
    assert follower.head().hash == ledger.head().hash
    assert follower.head().extra_data == ledger.head().extra_data
    assert [r.gas_used for r in executed.receipts] == [r.gas_used for r in proposed.receipts]


def test_executing_a_proposal_writes_nothing(
    ledger: Ledger,
    follower: Ledger,
    build: Build,
    sign_tx: SignTx,
    db_items: Callable[[LevelDB], dict[bytes, bytes]],
) -> None:
    before = db_items(follower.db)
    follower.execute_proposal(build(ledger, [sign_tx(b"\x42" * 32, 0)]).block, now=time.time())
    assert db_items(follower.db) == before
    assert follower.head().block_number == 0


def test_a_proposal_whose_state_root_differs_from_its_execution_is_refused(
    ledger: Ledger, follower: Ledger, build: Build, sign_tx: SignTx
) -> None:
    proposed = build(ledger, [sign_tx(b"\x42" * 32, 0)]).block
    forged = proposed.copy(header=proposed.header.copy(state_root=b"\x01" * 32))
    with pytest.raises(ValidationError, match="state_root"):
        follower.execute_proposal(forged, now=time.time())


def test_a_proposal_from_a_timestamp_ahead_of_the_clock_is_refused(
    ledger: Ledger, follower: Ledger, build: Build
) -> None:
    proposed = build(ledger).block
    with pytest.raises(HeaderRuleViolation, match="is ahead of the local clock"):
        follower.execute_proposal(proposed, now=proposed.header.timestamp - 3600)


def test_transactions_left_when_the_selection_time_runs_out_are_deferred(
    ledger: Ledger, build: Build, sign_tx: SignTx
) -> None:
    txs = [sign_tx(b"\x42" * 32, nonce, to=b"\x11" * 20) for nonce in range(3)]
    answers = iter([False, True, True])
    built = build(ledger, txs, out_of_time=lambda: next(answers))
    assert [tx.hash for tx in built.block.transactions] == [txs[0].hash]
    assert built.deferred == (txs[1].hash, txs[2].hash)
