"""The messages of one round: one per author, prepared and committed at a quorum."""

from __future__ import annotations

from node.consensus.round_id import RoundId
from node.consensus.round_state import RoundState
from node.consensus.validation.proposal import ProposalValidator
from node.consensus.validation.reasons import Reason
from node.consensus.validation.round_messages import RoundMessageValidator
from tests.support.qbft import HeaderChain, Peer, build_block, genesis_header, validator_keys

PEERS = [Peer(key) for key in validator_keys(4)]
VALIDATORS = [peer.address for peer in PEERS]
GENESIS = genesis_header(VALIDATORS)
R0 = RoundId(1, 0)
BLOCK = build_block(GENESIS, VALIDATORS, VALIDATORS[0], 0, GENESIS.timestamp + 1)
HASH = bytes(BLOCK.hash)


def round_state() -> RoundState:
    chain = HeaderChain(GENESIS, VALIDATORS)
    proposals = ProposalValidator(VALIDATORS, R0, VALIDATORS[0], 3, chain)
    return RoundState(R0, 3, RoundMessageValidator(VALIDATORS, R0, proposals))


def test_a_round_is_prepared_with_a_proposal_and_a_quorum_of_prepares() -> None:
    state = round_state()
    assert state.set_proposal(PEERS[0].proposal(R0, BLOCK)) is None
    for peer in PEERS[:2]:
        state.add_prepare(peer.prepare(R0, HASH))
    assert not state.is_prepared
    state.add_prepare(PEERS[2].prepare(R0, HASH))
    assert state.is_prepared


def test_a_quorum_of_prepares_without_a_proposal_is_not_prepared() -> None:
    state = round_state()
    for peer in PEERS[:3]:
        assert state.add_prepare(peer.prepare(R0, HASH)) is None
    assert not state.is_prepared


def test_a_second_prepare_from_an_author_is_refused() -> None:
    state = round_state()
    state.add_prepare(PEERS[1].prepare(R0, HASH))
    assert state.add_prepare(PEERS[1].prepare(R0, bytes(32))) is Reason.ALREADY_RECEIVED_FROM_AUTHOR


def test_a_commit_before_the_proposal_has_nothing_to_be_checked_against() -> None:
    state = round_state()
    assert state.add_commit(PEERS[1].commit(R0, BLOCK)) is None
    assert state.commit_seals() == (PEERS[1].commit(R0, BLOCK).commit_seal,)


def test_the_seals_are_those_of_the_commits_in_arrival_order() -> None:
    state = round_state()
    state.set_proposal(PEERS[0].proposal(R0, BLOCK))
    commits = [PEERS[i].commit(R0, BLOCK) for i in (2, 0, 3)]
    for commit in commits:
        assert state.add_commit(commit) is None
    assert state.is_committed
    assert state.commit_seals() == tuple(c.commit_seal for c in commits)


def test_the_prepared_certificate_holds_the_block_the_prepares_and_the_round() -> None:
    state = round_state()
    assert state.prepared_certificate() is None
    state.set_proposal(PEERS[0].proposal(R0, BLOCK))
    prepares = [PEERS[i].prepare(R0, HASH) for i in (1, 2, 3)]
    for prepare in prepares:
        state.add_prepare(prepare)
    certificate = state.prepared_certificate()
    assert certificate is not None
    assert (certificate.block, certificate.round) == (BLOCK, 0)
    assert certificate.prepares == tuple(p.signed for p in prepares)
