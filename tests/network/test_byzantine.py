"""A byzantine validator among four real processes, and messages from outside the validator set.

The byzantine process (``tests/support/byzantine_validator.py``) runs the node with a shell
that equivocates: two valid proposals at each of its round-0 turns, prepares and commits
backing each to a different half of its peers, and in every other round three commits (its
own, a second valid seal of the same block, another digest). Honest validators count one
message per author and kind in a round, refuse the others with the reason in their logs, and
finalize a single chain. Messages signed by keys outside the validator set are refused and
not relayed.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from node.consensus.messages import QbftMessage
from node.consensus.round_id import RoundId
from node.datadir import read_key
from tests.support.byzantine_validator import SENDER_KEY_VARIABLE
from tests.support.node_process import wait_for
from tests.support.p2p_client import send_as
from tests.support.qbft import Peer
from tests.support.qbft_processes import Member, QbftNetwork, block_hash, head_number
from tests.support.registry_network import address, committers, header, url_of
from tests.support.rpc import rpc

pytestmark = [pytest.mark.network, pytest.mark.slow]
HEIGHTS = 12
"""Three turns of each of the four proposers."""
QUORUM = 3


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QbftNetwork]:
    """Validator 1 is byzantine; an observer's key is allowlisted but nothing runs it."""
    qbft = QbftNetwork.create(Path(tmp_path_factory.mktemp("byzantine")), 4)
    qbft.add_observer()
    try:
        qbft.start_many(qbft.validators[1:], log_level="debug")
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv(SENDER_KEY_VARIABLE, qbft.dev_account(0).key.hex())
            qbft.start(qbft.validators[0], module="tests.support.byzantine_validator")
        yield qbft
    finally:
        qbft.stop_all()


def byzantine(network: QbftNetwork) -> Member:
    return network.validators[0]


def honest(network: QbftNetwork) -> list[Member]:
    return network.validators[1:]


def log_of(member: Member) -> list[str]:
    assert member.process is not None
    return member.process.log_lines


def refusals(member: Member, reason: str, author: bytes) -> list[str]:
    return [
        line
        for line in log_of(member)
        if f"reason={reason} " in line and f"author=0x{author.hex()} " in line
    ]


def transaction_count(member: Member, number: int) -> int:
    block = rpc(url_of(member), "eth_getBlockByNumber", hex(number), False)
    assert isinstance(block, dict)
    return len(block["transactions"])


def test_an_equivocating_validator_is_refused_and_honest_validators_finalize_one_chain(
    network: QbftNetwork,
) -> None:
    liar = address(byzantine(network))
    wait_for(lambda: min(head_number(m) for m in honest(network)) >= HEIGHTS, timeout=120)

    for number in range(1, HEIGHTS + 1):
        assert len({block_hash(m, number) for m in honest(network)}) == 1, f"fork at {number}"
        sealers = committers(honest(network)[0], number)  # distinct validators, each seal valid
        assert len(sealers) >= QUORUM
    # At its turns only the second proposal (one more transaction) can be prepared: by the two
    # honest validators that got it first, with the liar's own vote. It is committed in that
    # round or, if the round times out, re-proposed in the next.
    reference = honest(network)[0]
    turns = [n for n in range(1, HEIGHTS + 1) if header(reference, n).coinbase == liar]
    assert turns, "no block of the byzantine validator's was finalized"
    assert [transaction_count(reference, number) for number in turns] == [1] * len(turns)

    for member in honest(network):
        (second_proposal, *_) = refusals(member, "SECOND_PROPOSAL_FOR_ROUND", liar)
        assert "conflicting consensus message refused" in second_proposal
        assert "level=warning" in second_proposal and "code=0x12" in second_proposal
        (second_commit, *_) = [
            line
            for line in refusals(member, "ALREADY_RECEIVED_FROM_AUTHOR", liar)
            if "code=0x14" in line
        ]
        assert "level=warning" in second_commit


def test_messages_signed_by_keys_outside_the_validator_set_are_refused_and_not_relayed(
    network: QbftNetwork,
) -> None:
    witness, *others = honest(network)
    observer_key = read_key(network.observers[0].datadir / "key")
    outsider_key = secrets.token_bytes(32)
    genesis = header(witness, 0).hash
    height = head_number(witness) + 1
    block = header(witness, height - 1)
    messages: list[QbftMessage] = [
        Peer(key).prepare(RoundId(h, 0), bytes(block.hash))
        for key in (observer_key, outsider_key)
        for h in (height, height + 1)
    ]
    # The observer's key is allowlisted: it gets past the handshake; its own messages and an
    # outsider's that it forwards reach the witness's consensus core.
    wait_for(lambda: asyncio.run(send_as(observer_key, witness, genesis, messages)), timeout=30)

    authors = [Peer(key).address for key in (observer_key, outsider_key)]
    for author in authors:
        wait_for(lambda a=author: refusals(witness, "NOT_FROM_VALIDATOR", a), timeout=30)
    resumed = head_number(witness)
    wait_for(lambda: min(head_number(m) for m in honest(network)) >= resumed + 2, timeout=60)
    for member in others:
        assert not [line for line in log_of(member) for a in authors if a.hex() in line]
    assert len({block_hash(m, resumed + 2) for m in honest(network)}) == 1
