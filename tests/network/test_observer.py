"""A new observer syncs the chain from genesis, verifying every seal, and follows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from genesis.generator import DEFAULT_CHAIN_ID
from node.chain.genesis import load_genesis
from node.chain.header_rules import check_commit_seals, decoded_extra
from node.chain.ledger import Ledger
from node.storage.leveldb import LevelDB
from tests.support.node_process import wait_for
from tests.support.qbft_processes import (
    QbftNetwork,
    hashes_up_to,
    head_number,
    receipt,
    send_transfer,
)

pytestmark = [pytest.mark.network, pytest.mark.slow]


def test_a_new_observer_syncs_from_genesis_verifying_seals_and_relays_transactions_it_is_sent(
    tmp_path: Path,
) -> None:
    network = QbftNetwork.create(tmp_path, 4)
    observer = network.add_observer()
    try:
        network.start_all()
        wait_for(lambda: head_number(network.validators[0]) >= 8, timeout=120)
        network.start(observer)
        wait_for(lambda: head_number(observer) >= 10, timeout=90)
        assert hashes_up_to(observer, 10) == hashes_up_to(network.validators[0], 10)
        tx_hash = send_transfer(observer, network.dev_account(), 0, DEFAULT_CHAIN_ID)
        wait_for(lambda: receipt(network.validators[2], tx_hash) is not None, timeout=60)
        wait_for(lambda: receipt(observer, tx_hash) is not None, timeout=30)
        assert not any('"validator": true' in line for line in observer.process.log_lines)  # type: ignore[union-attr]
        network.stop(observer)
    finally:
        network.stop_all()

    db = LevelDB(observer.datadir / "chaindata")
    try:
        ledger = Ledger(db, load_genesis(observer.datadir / "genesis.json"))
        head = ledger.head()
        parent = ledger.header_by_number(0)
        for number in range(1, head.block_number + 1):
            header = ledger.header_by_number(number)
            assert header is not None and parent is not None
            validators = ledger.validators_after(parent)
            check_commit_seals(header, validators)
            assert len(decoded_extra(header).seals) >= 3
            parent = header
    finally:
        db.close()
