"""Byzantine and stray messages: what the core drops, and that it never commits twice."""

from __future__ import annotations

from node.consensus.effects import Gossip, Rejected
from node.consensus.events import MessageReceived
from node.consensus.messages import Commit, MessageCode, Prepare
from node.consensus.round_id import RoundId
from node.consensus.validation.reasons import Reason
from tests.support.qbft import LocalValidator, Peer, imported, rejections, sent, wire

R0 = RoundId(1, 0)


def test_a_message_from_a_non_validator_is_dropped_without_gossip() -> None:
    node = LocalValidator(1)
    outsider = Peer(b"\x42" * 32)
    effects = node.receive(outsider.prepare(R0, bytes(32)))
    assert effects == [
        Rejected(Reason.NOT_FROM_VALIDATOR, MessageCode.PREPARE, outsider.address, R0)
    ]


def test_a_proposal_from_the_wrong_proposer_is_rejected_and_not_prepared() -> None:
    node = LocalValidator(2)
    node.block_timer()
    effects = node.receive(node.peers[1].proposal(R0, node.block(1)))
    assert rejections(effects) == [Reason.NOT_FROM_PROPOSER]
    assert sent(effects) == []


def test_a_second_proposal_for_the_round_is_rejected() -> None:
    node = LocalValidator(1)
    node.block_timer()
    first, second = node.block(0), node.block(0, offset=2)
    node.receive(node.peers[0].proposal(R0, first))
    effects = node.receive(node.peers[0].proposal(R0, second))
    assert rejections(effects) == [Reason.SECOND_PROPOSAL_FOR_ROUND]
    assert sent(effects) == []


def test_conflicting_commits_from_one_validator_count_once() -> None:
    node = LocalValidator(1)
    block = node.block(0)
    node.receive(node.peers[0].proposal(R0, block))
    byzantine = node.peers[2]
    first = byzantine.commit(R0, block)
    digest_seal = byzantine.signer.sign(b"\x01" * 32)  # a second, different valid signature
    effects = node.receive(first) + node.receive(byzantine.commit(R0, block, digest_seal))
    assert imported(effects) == []
    assert rejections(effects) == [Reason.ALREADY_RECEIVED_FROM_AUTHOR]


def test_conflicting_prepares_from_one_validator_count_once() -> None:
    node = LocalValidator(1)
    block = node.block(0)
    node.receive(node.peers[0].proposal(R0, block))
    byzantine = node.peers[2]
    effects = node.receive(byzantine.prepare(R0, bytes(32)))
    effects += node.receive(byzantine.prepare(R0, bytes(block.hash)))
    assert rejections(effects) == [Reason.WRONG_DIGEST]
    assert sent(effects) == [], "two prepares from one author must not reach the quorum"


def test_an_equivocating_proposer_cannot_make_a_node_commit_two_blocks_at_a_height() -> None:
    node = LocalValidator(1)
    a, b = node.block(0), node.block(0, offset=2)
    proposer = node.peers[0]
    node.receive(proposer.proposal(R0, a))
    effects = node.receive(proposer.proposal(R0, b))
    for peer in (node.peers[0], node.peers[2], node.peers[3]):
        effects += node.receive(peer.commit(R0, b))
    effects += node.receive_all([node.peers[2].commit(R0, a), node.peers[0].commit(R0, a)])
    (sealed,) = imported(effects)
    assert sealed.hash == a.hash
    assert rejections(effects).count(Reason.WRONG_DIGEST) == 3
    node.import_and_announce(sealed)
    late = node.receive(node.peers[3].commit(R0, a))
    assert rejections(late) == [Reason.PAST_HEIGHT]
    assert imported(late) == []


def test_the_same_message_bytes_twice_are_handled_once() -> None:
    node = LocalValidator(1)
    prepare = node.peers[2].prepare(R0, bytes(32))
    node.receive(prepare)
    assert node.receive(prepare) == [Rejected(Reason.DUPLICATE, MessageCode.PREPARE)]


def test_malformed_message_data_is_rejected_with_the_decoding_error() -> None:
    node = LocalValidator(1)
    effects = node.controller.handle(MessageReceived(MessageCode.COMMIT, b"\xc0", node.at(1)))
    assert effects == [
        Rejected(
            Reason.MALFORMED, MessageCode.COMMIT, detail="signed payload must have 2 items, got 0"
        )
    ]


def test_a_message_for_a_committed_height_is_rejected() -> None:
    node = LocalValidator(1)
    effects = node.receive(node.peers[0].prepare(RoundId(0, 0), bytes(32)))
    assert rejections(effects) == [Reason.PAST_HEIGHT]


def test_a_node_outside_the_validator_set_takes_no_part() -> None:
    node = LocalValidator(0, member=False)
    assert node.start_effects == []
    effects = node.receive(node.peers[1].prepare(R0, bytes(32)))
    assert rejections(effects) == [Reason.LOCAL_NODE_NOT_VALIDATOR]


def test_messages_for_a_later_height_wait_and_are_handled_at_that_height() -> None:
    node = LocalValidator(1)
    block = node.block(0)
    node.receive(node.peers[0].proposal(R0, block))
    next_prepare = node.peers[2].prepare(RoundId(2, 0), bytes(32))
    assert node.receive(next_prepare) == []
    (sealed,) = imported(
        node.receive_all([node.peers[0].commit(R0, block), node.peers[2].commit(R0, block)])
    )
    effects = node.import_and_announce(sealed)
    assert Gossip(MessageCode.PREPARE, wire(next_prepare)[1], node.peers[2].address) in effects


def test_a_message_too_far_ahead_is_rejected() -> None:
    node = LocalValidator(1)
    effects = node.receive(node.peers[2].prepare(RoundId(12, 0), bytes(32)))
    assert rejections(effects) == [Reason.TOO_FAR_AHEAD]


def test_prepares_for_a_round_without_a_proposal_wait_for_it() -> None:
    node = LocalValidator(1)
    node.block_timer()
    block = node.block(0)
    early = node.receive_all([node.peers[i].prepare(R0, bytes(block.hash)) for i in (0, 2)])
    assert rejections(early) == [] and sent(early) == []
    effects = node.receive(node.peers[0].proposal(R0, block))
    assert [type(m) for m in sent(effects)] == [Prepare, Commit]
