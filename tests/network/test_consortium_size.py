"""The real consortium size: 24 validator processes (one for each exchange of the sample
consortium), round timeouts of 1 s doubling up to a 4 s cap, keep finalizing with 7 of them
stopped, the most that 24 validators tolerate.

Both cases run on one network, one after the other (its start-up is not part of what is
measured): each stops 7 of the validators that would propose next, the 7 adjacent in proposer
order or 7 spread out over it; between the two, the first 7 restart and catch up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from node.chain.extra_data import decode_extra_data
from tests.support.node_process import wait_for
from tests.support.qbft_processes import Member, QbftNetwork, block_hash, head_number
from tests.support.registry_network import address, url_of
from tests.support.rpc import rpc

pytestmark = [pytest.mark.network, pytest.mark.slow]
CONSORTIUM = 24
STOPPED = 7
BLOCKS_AFTER_STOP = 10
WINDOW_SECONDS = 60
ADJACENT = tuple(range(1, 8))
"""Offsets after the current proposer: the next 7 proposers."""
SPREAD = (1, 4, 8, 11, 15, 18, 22)
"""Offsets after the current proposer: 7 of the next 24 proposers, 3 or 4 apart."""


@pytest.fixture(scope="module")
def consortium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QbftNetwork]:
    network = QbftNetwork.create(Path(tmp_path_factory.mktemp("consortium")), CONSORTIUM)
    assert network.max_round_timeout == "4"
    try:
        network.start_many(network.validators)
        wait_for(lambda: min(head_number(m) for m in network.validators) >= 2, timeout=180)
        yield network
    finally:
        network.stop_all()


def in_proposer_order(network: QbftNetwork) -> list[Member]:
    return sorted(network.validators, key=address)


def miner(member: Member, number: int) -> bytes:
    block = rpc(url_of(member), "eth_getBlockByNumber", hex(number), False)
    assert isinstance(block, dict)
    return bytes.fromhex(str(block["miner"])[2:])


def next_proposers(network: QbftNetwork, offsets: tuple[int, ...]) -> list[Member]:
    """The validators ``offsets`` places after the proposer of the head in proposer order:
    offset 1 proposes round 0 of the next height (Besu's round robin)."""
    order = in_proposer_order(network)
    witness = network.validators[0]
    last = [address(m) for m in order].index(miner(witness, head_number(witness)))
    return [order[(last + offset) % CONSORTIUM] for offset in offsets]


def blocks_after_stopping(network: QbftNetwork, stopped: list[Member]) -> list[dict[str, object]]:
    """Stop ``stopped``; the blocks the others finalize after the stop, once every live node
    holds ``BLOCKS_AFTER_STOP`` of them (within ``WINDOW_SECONDS``), checked to carry the same
    hash on every live node and to come from live proposers."""
    network.stop_many(stopped)
    live = network.running()
    start = max(head_number(m) for m in live)
    target = start + BLOCKS_AFTER_STOP
    wait_for(lambda: min(head_number(m) for m in live) >= target, timeout=WINDOW_SECONDS)
    for number in range(start, target + 1):
        assert len({block_hash(m, number) for m in live}) == 1, f"fork at {number}"
    blocks = [
        rpc(url_of(live[0]), "eth_getBlockByNumber", hex(n), False)
        for n in range(start + 1, target + 1)
    ]
    # One block may still come from the first stopped proposer, in flight at the stop.
    proposers = {miner(live[0], n) for n in range(start + 2, target + 1)}
    assert proposers.isdisjoint(address(m) for m in stopped)
    return [b for b in blocks if isinstance(b, dict)]


def restart(network: QbftNetwork, stopped: list[Member]) -> None:
    """Start ``stopped`` again and wait until they have caught up and the network finalizes
    a block past the one they synced to (with them voting again)."""
    network.start_many(stopped)
    head = max(head_number(m) for m in network.running())
    wait_for(lambda: min(head_number(m) for m in network.validators) >= head + 1, timeout=120)


def rounds(blocks: list[dict[str, object]]) -> list[int]:
    return [decode_extra_data(bytes.fromhex(str(b["extraData"])[2:])).round for b in blocks]


def test_24_validators_finalize_10_blocks_within_a_minute_of_stopping_7_adjacent_then_7_spread(
    consortium: QbftNetwork,
) -> None:
    adjacent = blocks_after_stopping(consortium, next_proposers(consortium, ADJACENT))
    assert len(adjacent) == BLOCKS_AFTER_STOP
    # The height whose round-0 proposer was stopped first waits out a round per stopped
    # proposer (one block may still come from the first of them, in flight at the stop).
    assert max(rounds(adjacent)) >= STOPPED - 1

    restart(consortium, [m for m in consortium.validators if m.process is None])
    spread = blocks_after_stopping(consortium, next_proposers(consortium, SPREAD))
    assert len(spread) == BLOCKS_AFTER_STOP
    # Each stopped proposer's turn is passed by a round change.
    assert max(rounds(spread)) >= 1
