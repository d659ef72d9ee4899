"""Survival under stopped validators: f of 3f+1 may be down, more halts without forking."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from node.chain.extra_data import decode_extra_data
from tests.support.node_process import wait_for
from tests.support.qbft_processes import Member, QbftNetwork, hashes_up_to, head_number
from tests.support.rpc import rpc

pytestmark = [pytest.mark.network, pytest.mark.slow]
STALL_OBSERVATION_SECONDS = 8


@pytest.fixture
def network(tmp_path: Path) -> Iterator[QbftNetwork]:
    qbft = QbftNetwork.create(tmp_path, 4)
    try:
        qbft.start_all()
        wait_for(lambda: min(head_number(m) for m in qbft.validators) >= 2, timeout=90)
        yield qbft
    finally:
        qbft.stop_all()


def block(member: Member, number: int) -> dict[str, object]:
    assert member.process is not None
    found = rpc(member.process.rpc_url, "eth_getBlockByNumber", hex(number), False)
    assert isinstance(found, dict)
    return found


def assert_one_history(members: list[Member], height: int) -> None:
    reference = hashes_up_to(members[0], height)
    for member in members[1:]:
        assert hashes_up_to(member, height) == reference


def test_with_one_of_four_stopped_blocks_finalize_with_round_changes_on_its_turns_and_it_rejoins(
    network: QbftNetwork,
) -> None:
    stopped = network.validators[1]
    network.stop(stopped)
    live = network.running()
    start = min(head_number(m) for m in live)
    wait_for(lambda: min(head_number(m) for m in live) >= start + 5, timeout=90)
    assert_one_history(live, start + 5)
    finalized = [block(live[0], number) for number in range(start + 1, start + 6)]
    assert "0x" + stopped.url.address.hex() not in {b["miner"] for b in finalized}
    assert (
        max(decode_extra_data(bytes.fromhex(str(b["extraData"])[2:])).round for b in finalized) >= 1
    )

    network.start(stopped)
    target = max(head_number(m) for m in live)
    wait_for(lambda: head_number(stopped) >= target, timeout=90)
    rejoined = head_number(stopped)
    wait_for(lambda: min(head_number(m) for m in network.running()) >= rejoined + 3, timeout=90)
    assert_one_history(network.running(), rejoined + 3)


def test_with_two_of_four_stopped_nothing_is_finalized_and_restarting_one_restores_progress(
    network: QbftNetwork,
) -> None:
    first, second = network.validators[0], network.validators[2]
    network.stop(first)
    network.stop(second)
    live = network.running()
    time.sleep(2)  # a block whose commits were in flight at the stop may still land
    stalled = {head_number(m) for m in live}
    time.sleep(STALL_OBSERVATION_SECONDS)
    assert {head_number(m) for m in live} == stalled
    assert len(stalled) <= 2 and max(stalled) - min(stalled) <= 1
    height = min(stalled)
    assert_one_history(live, height)

    network.start(first)
    wait_for(
        lambda: min(head_number(m) for m in network.running()) >= max(stalled) + 3, timeout=120
    )
    assert_one_history(network.running(), max(stalled) + 3)
