"""Leaving a round: timeouts, round changes, prepared certificates, justified proposals."""

from __future__ import annotations

from node.chain.extra_data import decode_extra_data
from node.consensus.effects import StartRoundTimer
from node.consensus.messages import Prepare, Proposal, RoundChange
from node.consensus.round_id import RoundId
from node.consensus.sealing import with_round
from node.consensus.validation.reasons import Reason
from tests.support.qbft import LocalValidator, imported, rejections, sent

R0, R1, R2 = RoundId(1, 0), RoundId(1, 1), RoundId(1, 2)


def prepared_node(local: int) -> tuple[LocalValidator, Proposal]:
    """A node that saw validator 0's round-0 proposal and a quorum prepare it."""
    node = LocalValidator(local)
    node.block_timer()
    proposal = node.peers[0].proposal(R0, node.block(0))
    digest = bytes(proposal.block.hash)
    node.receive(proposal)
    others = [p for p in node.peers[:3] if p.address != node.local.address][:2]
    node.receive_all([peer.prepare(R0, digest) for peer in others])
    return node, proposal


def test_round_timeout_moves_to_the_next_round_with_a_round_change() -> None:
    node = LocalValidator(1)
    node.block_timer()
    effects = node.round_timer(0)
    assert effects[0] == StartRoundTimer(R1, 2.0)
    (rc,) = sent(effects)
    assert isinstance(rc, RoundChange)
    assert (rc.round_id, rc.prepared, rc.prepared_block, rc.prepares) == (R1, None, None, ())


def test_each_timeout_doubles_until_the_cap() -> None:
    node = LocalValidator(3)
    node.block_timer()
    timers = []
    for r in range(4):
        timers += [e for e in node.round_timer(r) if isinstance(e, StartRoundTimer)]
    assert [(t.round_id.round, t.seconds) for t in timers] == [
        (1, 2.0),
        (2, 4.0),
        (3, 4.0),
        (4, 4.0),
    ]


def test_the_timer_of_a_round_already_left_is_ignored() -> None:
    node = LocalValidator(1)
    node.block_timer()
    node.round_timer(0)
    assert node.round_timer(0) == []


def test_a_prepared_node_carries_its_certificate_into_the_round_change() -> None:
    node, proposal = prepared_node(3)
    (rc,) = sent(node.round_timer(0))
    assert isinstance(rc, RoundChange)
    assert rc.prepared is not None
    assert (rc.prepared.round, rc.prepared.block_hash) == (0, bytes(proposal.block.hash))
    assert rc.prepared_block is not None and rc.prepared_block.hash == proposal.block.hash
    assert len(rc.prepares) == 3


def test_the_next_proposer_proposes_a_new_block_on_a_quorum_of_unprepared_round_changes() -> None:
    node = LocalValidator(1)
    node.block_timer()
    effects = node.round_timer(0)
    effects += node.receive_all([node.peers[i].round_change(R1) for i in (0, 2)], offset=2.1)
    proposals = [m for m in sent(effects) if isinstance(m, Proposal)]
    (proposal,) = proposals
    assert proposal.round_id == R1
    assert proposal.block.header.coinbase == node.local.address
    assert decode_extra_data(proposal.block.header.extra_data).round == 1
    assert len(proposal.round_changes) == 3 and proposal.prepares == ()


def test_the_next_proposer_re_proposes_the_prepared_block_of_the_round_changes() -> None:
    node = LocalValidator(1)
    node.block_timer()
    block = node.block(0)
    prepares = [p.prepare(R0, bytes(block.hash)).signed for p in node.peers[:3]]
    certified = node.peers[0].round_change(R1, block, 0, prepares)
    effects = node.round_timer(0)
    effects += node.receive_all([certified, node.peers[2].round_change(R1)], offset=2.1)
    (proposal,) = [m for m in sent(effects) if isinstance(m, Proposal)]
    assert proposal.block.hash == block.hash
    assert proposal.block.header.coinbase == node.validators[0]
    assert decode_extra_data(proposal.block.header.extra_data).round == 1
    assert proposal.prepares == tuple(prepares)


def test_f_plus_one_round_changes_for_a_higher_round_move_the_node_early() -> None:
    node = LocalValidator(3)
    node.block_timer()
    assert sent(node.receive(node.peers[0].round_change(R2))) == []
    (rc,) = sent(node.receive(node.peers[1].round_change(R2)))
    assert isinstance(rc, RoundChange) and rc.round_id == R2


def test_round_changes_from_f_validators_do_not_move_the_node() -> None:
    node = LocalValidator(3, size=7)
    node.block_timer()
    effects = node.receive_all([node.peers[i].round_change(R1) for i in (0, 1)])
    assert sent(effects) == []
    assert node.controller.height_manager is not None
    current = node.controller.height_manager.current_round
    assert current is not None and current.round_id == R0


def test_a_justified_proposal_for_a_future_round_moves_the_node_to_it() -> None:
    node = LocalValidator(3)
    node.block_timer()
    rcs = [node.peers[i].round_change(R1).signed for i in (0, 1, 2)]
    proposal = node.peers[1].proposal(R1, node.block(1, 1), rcs)
    effects = node.receive(proposal)
    assert StartRoundTimer(R1, 2.0) in effects
    (prepare,) = sent(effects)
    assert isinstance(prepare, Prepare) and prepare.round_id == R1


def test_an_unjustified_proposal_for_a_future_round_is_rejected_and_the_round_kept() -> None:
    node = LocalValidator(3)
    node.block_timer()
    effects = node.receive(node.peers[1].proposal(R1, node.block(1, 1)))
    assert rejections(effects) == [Reason.INSUFFICIENT_ROUND_CHANGES]
    assert sent(effects) == []
    assert node.controller.height_manager is not None
    current = node.controller.height_manager.current_round
    assert current is not None and current.round_id == R0


def test_a_new_block_proposed_over_a_prepared_certificate_is_rejected() -> None:
    node = LocalValidator(3)
    node.block_timer()
    prepared = node.block(0)
    prepares = [p.prepare(R0, bytes(prepared.hash)).signed for p in node.peers[:3]]
    certified = node.peers[0].round_change(R1, prepared, 0, prepares).signed
    rcs = [certified, node.peers[1].round_change(R1).signed, node.peers[2].round_change(R1).signed]
    proposal = node.peers[1].proposal(R1, node.block(1, 1), rcs, prepares)
    assert rejections(node.receive(proposal)) == [Reason.PREPARED_BLOCK_NOT_REPROPOSED]


def test_messages_for_a_round_already_left_are_rejected() -> None:
    node = LocalValidator(1)
    node.block_timer()
    node.round_timer(0)
    effects = node.receive(node.peers[0].prepare(R0, bytes(32)))
    assert rejections(effects) == [Reason.PRIOR_ROUND]


def test_a_block_prepared_in_round_zero_commits_in_round_one_with_round_one_seals() -> None:
    node = LocalValidator(3)
    node.block_timer()
    prepared = node.block(0)
    prepares = [p.prepare(R0, bytes(prepared.hash)).signed for p in node.peers[:3]]
    certified = node.peers[0].round_change(R1, prepared, 0, prepares).signed
    rcs = [certified, node.peers[1].round_change(R1).signed, node.peers[2].round_change(R1).signed]
    reproposed = with_round(prepared, 1)
    node.receive(node.peers[1].proposal(R1, reproposed, rcs, prepares))
    commits = [node.peers[i].commit(R1, reproposed) for i in (1, 2)]
    (sealed,) = imported(node.receive_all(commits))
    assert sealed.hash == prepared.hash
    assert decode_extra_data(sealed.header.extra_data).round == 1


def test_prepares_for_rounds_beyond_the_window_are_rejected() -> None:
    node = LocalValidator(1)
    node.block_timer()
    far = node.receive(node.peers[2].prepare(RoundId(1, 11), bytes(32)))
    near = node.receive(node.peers[2].prepare(RoundId(1, 10), bytes(32)))
    assert rejections(far) == [Reason.ROUND_TOO_FAR_AHEAD]
    assert rejections(near) == []


def test_round_changes_beyond_the_window_still_move_the_node_early() -> None:
    node = LocalValidator(3)
    node.block_timer()
    effects = node.receive_all([node.peers[i].round_change(RoundId(1, 20)) for i in (0, 1)])
    assert rejections(effects) == [Reason.ROUND_TOO_FAR_AHEAD] * 2
    (rc,) = sent(effects)
    assert isinstance(rc, RoundChange) and rc.round_id == RoundId(1, 20)


def test_round_changes_refused_as_too_far_ahead_count_once_the_node_catches_up() -> None:
    node = LocalValidator(0)  # the proposer of round 20 (20 mod 4 = 0)
    node.block_timer()
    effects = node.receive_all([node.peers[i].round_change(RoundId(1, 20)) for i in (1, 2)])
    rc, proposal, prepare = sent(effects)
    assert isinstance(rc, RoundChange) and isinstance(proposal, Proposal)
    assert isinstance(prepare, Prepare)
    assert proposal.round_id == RoundId(1, 20)
    assert {s.author for s in proposal.round_changes} == set(node.validators[:3])
