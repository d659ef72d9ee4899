"""Networks of real consensus cores on a fake clock: agreement, liveness and safety.

Block period 1 s, request timeout 1 s, round timeout cap 4 s; messages take 50 ms.
"""

from __future__ import annotations

from node.chain.extra_data import decode_extra_data
from node.consensus.proposer import select_proposer
from node.consensus.round_id import RoundId
from node.consensus.validation.reasons import Reason
from tests.support.qbft_network import SimulatedNetwork


def assert_one_chain(network: SimulatedNetwork) -> list[bytes]:
    """Every live validator finalized the same blocks; returns the common chain."""
    chains = [network.finalized_hashes(i) for i in network.validators]
    shortest = min(len(chain) for chain in chains)
    assert all(chain[:shortest] == chains[0][:shortest] for chain in chains)
    assert max(len(chain) for chain in chains) - shortest <= 1
    return chains[0][:shortest]


def round_zero_proposers(network: SimulatedNetwork, index: int) -> list[bytes]:
    chain = network.validators[index].chain
    return [
        select_proposer(RoundId(h, 0), bytes(chain.canonical[h - 1].coinbase), network.addresses)
        for h in range(1, len(chain.canonical))
    ]


def test_four_validators_finalize_the_same_block_every_period() -> None:
    network = SimulatedNetwork(4)
    network.run_until(10.0)
    assert network.heights() == {0: 9, 1: 9, 2: 9, 3: 9}
    assert len(assert_one_chain(network)) == 9
    assert network.committed_rounds(0) == [0] * 9


def test_four_validators_take_turns_proposing_in_address_order() -> None:
    network = SimulatedNetwork(4)
    network.run_until(10.0)
    coinbases = [bytes(b.header.coinbase) for b in network.chain_of(0)]
    assert coinbases == [network.addresses[h % 4] for h in range(9)]


def test_every_finalized_block_carries_a_quorum_of_seals_for_its_round() -> None:
    network = SimulatedNetwork(4)
    network.run_until(5.0)
    for block in network.chain_of(2):
        assert len(decode_extra_data(block.header.extra_data).seals) >= 3


def test_one_silent_validator_of_four_costs_a_round_change_on_its_turns() -> None:
    network = SimulatedNetwork(4, silent=[2])
    network.run_until(20.0)
    assert len(assert_one_chain(network)) >= 10
    silent = network.addresses[2]
    blocks = network.chain_of(0)
    for block, proposer in zip(blocks, round_zero_proposers(network, 0), strict=False):
        extra = decode_extra_data(block.header.extra_data)
        if proposer == silent:
            assert extra.round == 1
            assert bytes(block.header.coinbase) != silent
        else:
            assert extra.round == 0
    assert any(p == silent for p in round_zero_proposers(network, 0))


def test_two_silent_validators_of_four_finalize_nothing_and_fork_nothing() -> None:
    network = SimulatedNetwork(4, silent=[1, 2])
    network.run_until(30.0)
    assert network.heights() == {0: 0, 3: 0}
    for node in network.validators.values():
        manager = node.controller.height_manager
        assert manager is not None and manager.current_round is not None
        assert manager.current_round.round_id.round >= 3


def test_a_second_validator_waking_up_restores_progress() -> None:
    network = SimulatedNetwork(4, silent=[1, 2])
    network.run_until(30.0)
    network.wake(2)
    network.run_until(60.0)
    assert len(assert_one_chain(network)) >= 10
    assert network.heights()[2] >= 10


def test_twenty_four_validators_with_seven_adjacent_silent_keep_finalizing() -> None:
    network = SimulatedNetwork(24, silent=range(3, 10))
    network.run_until(60.0)
    chain = assert_one_chain(network)
    assert len(chain) >= 10
    assert max(network.committed_rounds(0)) == 7, "the run of silent proposers was crossed"


def test_twenty_four_validators_with_seven_silent_spread_out_keep_finalizing() -> None:
    network = SimulatedNetwork(24, silent=[0, 3, 7, 10, 14, 17, 21])
    network.run_until(20.0)
    assert len(assert_one_chain(network)) >= 10
    assert set(network.committed_rounds(1)) == {0, 1}


def test_an_equivocating_validator_cannot_make_honest_validators_diverge() -> None:
    network = SimulatedNetwork(4, equivocating=[0])
    network.run_until(20.0)
    honest = [i for i in network.validators if i != 0]
    chains = [network.finalized_hashes(i) for i in honest]
    shortest = min(len(chain) for chain in chains)
    assert shortest >= 10
    assert all(chain[:shortest] == chains[0][:shortest] for chain in chains)
    refused = [r.reason for i in honest for r in network.validators[i].rejections]
    assert Reason.WRONG_DIGEST in refused
