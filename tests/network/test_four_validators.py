"""Four validator processes on loopback reach consensus through the peer network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from genesis.generator import DEFAULT_CHAIN_ID
from tests.support.node_process import wait_for
from tests.support.qbft_processes import (
    QbftNetwork,
    hashes_up_to,
    head_number,
    receipt,
    send_transfer,
)

pytestmark = [pytest.mark.network, pytest.mark.slow]


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QbftNetwork]:
    qbft = QbftNetwork.create(Path(tmp_path_factory.mktemp("four")), 4)
    try:
        qbft.start_all()
        yield qbft
    finally:
        qbft.stop_all()


def test_four_validators_finalize_blocks_with_the_same_hash_at_every_height(
    network: QbftNetwork,
) -> None:
    wait_for(lambda: min(head_number(m) for m in network.validators) >= 6, timeout=90)
    reference = hashes_up_to(network.validators[0], 6)
    for member in network.validators[1:]:
        assert hashes_up_to(member, 6) == reference


def test_a_transaction_sent_to_any_validator_is_included_and_seen_by_all(
    network: QbftNetwork,
) -> None:
    sent = [
        (member, send_transfer(member, network.dev_account(index), 0, DEFAULT_CHAIN_ID))
        for index, member in enumerate(network.validators)
    ]
    wait_for(lambda: all(receipt(m, h) for m, h in sent), timeout=60)
    for _, tx_hash in sent:
        wait_for(lambda h=tx_hash: all(receipt(m, h) for m in network.validators), timeout=30)
        found = [receipt(member, tx_hash) for member in network.validators]
        assert all(r is not None and r["status"] == "0x1" for r in found)
        assert len({(r["blockNumber"], r["blockHash"]) for r in found if r}) == 1
