"""Validators follow ExchangeRegistry on a network of real processes: four validators of the
sample consortium's first exchanges pass real signed proposals (ceil(2n/3) of the 24 exchanges'
operators approve), and the set changes from exactly the block after the executing one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from genesis.dev_keys import dev_validator_key
from node.chain.seals import address_of
from node.consensus.messages import QbftMessage
from node.consensus.round_id import RoundId
from node.datadir import read_key
from tests.support.node_process import wait_for
from tests.support.p2p_client import send_as
from tests.support.qbft import Peer
from tests.support.qbft_processes import Member, QbftNetwork, hashes_up_to, head_number
from tests.support.registry_network import (
    address,
    committers,
    consortium_network,
    extra,
    header,
    new_node,
    pass_vote,
    url_of,
)
from tests.support.registry_votes import propose_nodes, propose_remove, sample_consortium, vote
from tests.support.rpc import rpc

pytestmark = [pytest.mark.network, pytest.mark.slow]
AFTER_CHANGE_BLOCKS = 6


@pytest.fixture
def network(tmp_path: Path) -> Iterator[QbftNetwork]:
    qbft = consortium_network(tmp_path)
    try:
        qbft.start_all()
        wait_for(lambda: min(head_number(m) for m in qbft.validators) >= 1, timeout=90)
        yield qbft
    finally:
        qbft.stop_all()


def founders() -> list[bytes]:
    """The validators of the first four exchanges (genesis/dev_keys.py, DEV ONLY)."""
    return sorted(address_of(dev_validator_key(i)) for i in range(1, 5))


def validators_rpc(member: Member, number: int) -> list[str]:
    found = rpc(url_of(member), "qbft_getValidatorsByBlockNumber", hex(number))
    assert isinstance(found, list)
    return found


def hexes(addresses: list[bytes]) -> list[str]:
    return ["0x" + a.hex() for a in addresses]


def proposer(member: Member, number: int) -> bytes:
    block = rpc(url_of(member), "eth_getBlockByNumber", hex(number), False)
    assert isinstance(block, dict)
    return bytes.fromhex(str(block["miner"])[2:])


def signer_metrics_by_count(member: Member, first: int, end: int) -> dict[str, str]:
    """What ``qbft_getSignerMetrics(first, end)`` says each address proposed."""
    metrics = rpc(url_of(member), "qbft_getSignerMetrics", hex(first), hex(end))
    assert isinstance(metrics, list)
    return {
        m["address"]: m["proposedBlockCount"] for m in metrics if m["proposedBlockCount"] != "0x0"
    }


def test_an_exchange_given_a_validator_validates_from_the_block_after_the_vote(
    network: QbftNetwork,
) -> None:
    joining = new_node(network, "joining")
    network.validators.append(joining)
    network.start(joining)  # dials the founders, which refuse it until the registry lists it
    fifth_exchange = sample_consortium().exchanges[4].code
    founder = network.validators[0]

    changed_at = pass_vote(founder, vote(propose_nodes(fifth_exchange, address(joining)), 1))
    wait_for(lambda: head_number(founder) > changed_at, timeout=60)

    with_joining = sorted([*founders(), address(joining)])
    assert extra(founder, changed_at).validators == tuple(founders())
    assert extra(founder, changed_at + 1).validators == tuple(with_joining)
    assert validators_rpc(founder, changed_at) == hexes(founders())
    assert validators_rpc(founder, changed_at + 1) == hexes(with_joining)

    def joining_proposed_and_sealed() -> bool:
        head = head_number(founder)
        numbers = range(changed_at + 1, head + 1)
        proposed = any(proposer(founder, n) == address(joining) for n in numbers)
        sealed = any(address(joining) in committers(founder, n) for n in numbers)
        return proposed and sealed

    wait_for(joining_proposed_and_sealed, timeout=90, interval=1.0)
    # At least one block after the change, so the signer metrics' range is not empty.
    target = max(head_number(founder), changed_at + 2)
    wait_for(lambda: min(head_number(m) for m in network.running()) >= target, timeout=60)
    reference = hashes_up_to(founder, target)
    assert all(hashes_up_to(m, target) == reference for m in network.running())
    for number in range(changed_at + 1, target + 1):
        assert extra(founder, number).validators == tuple(with_joining)
    proposers = [proposer(founder, n) for n in range(changed_at + 1, target)]
    assert signer_metrics_by_count(founder, changed_at + 1, target) == {
        "0x" + a.hex(): hex(proposers.count(a)) for a in set(proposers)
    }
    assert founder.process is not None
    assert any(
        "NOT_ALLOWLISTED" in line and "handshake refused" in line
        for line in founder.process.log_lines
    )


def test_a_removed_exchanges_messages_are_ignored_and_the_chain_keeps_finalizing(
    tmp_path: Path,
) -> None:
    network = consortium_network(tmp_path)
    try:
        witness = network.validators[0]
        network.start(witness, log_level="debug")
        for member in network.validators[1:]:
            network.start(member)
        wait_for(lambda: min(head_number(m) for m in network.validators) >= 1, timeout=90)
        removed = network.validators[3]
        removed_address = address(removed)
        fourth_exchange = sample_consortium().exchanges[3].code

        changed_at = pass_vote(witness, vote(propose_remove(fourth_exchange), 1))

        remaining = [a for a in founders() if a != removed_address]
        assert extra(witness, changed_at).validators == tuple(founders())
        target = changed_at + AFTER_CHANGE_BLOCKS
        wait_for(lambda: min(head_number(m) for m in network.running()) >= target, timeout=90)
        reference = hashes_up_to(witness, target)
        assert all(hashes_up_to(m, target) == reference for m in network.running())
        for number in range(changed_at + 1, target + 1):
            assert extra(witness, number).validators == tuple(remaining)
            assert proposer(witness, number) != removed_address
            assert removed_address not in committers(witness, number)

        network.stop(removed)  # a stale copy of its key keeps speaking for it
        key = read_key(removed.datadir / "key")
        genesis = header(witness, 0).hash
        height = head_number(witness) + 1
        prepares: list[QbftMessage] = [
            Peer(key).prepare(RoundId(h, 0), b"\x01" * 32) for h in (height, height + 1)
        ]
        wait_for(lambda: asyncio.run(send_as(key, witness, genesis, prepares)), timeout=30)
        refusal = f'reason=NOT_FROM_VALIDATOR detail="" author=0x{removed_address.hex()}'
        assert witness.process is not None
        log = witness.process.log_lines
        wait_for(lambda: any(refusal in line for line in log), timeout=30)
        resumed = head_number(witness)
        wait_for(lambda: min(head_number(m) for m in network.running()) >= resumed + 3, timeout=60)
        assert hashes_up_to(network.validators[1], resumed + 3) == hashes_up_to(
            witness, resumed + 3
        )
    finally:
        network.stop_all()
