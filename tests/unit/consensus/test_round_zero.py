"""Round 0 of a height, seen from one validator: timers, propose, prepare, commit, seal."""

from __future__ import annotations

from node.chain.extra_data import decode_extra_data
from node.chain.header_rules import check_commit_seals
from node.chain.seals import recover_signer
from node.consensus.effects import Broadcast, Gossip, ImportBlock, StartBlockTimer, StartRoundTimer
from node.consensus.events import NewChainHead
from node.consensus.messages import Commit, MessageCode, Prepare, Proposal
from node.consensus.round_id import RoundId
from node.consensus.sealing import seal_digest
from tests.support.qbft import LocalValidator, imported, rejections, sent, wire

R0 = RoundId(1, 0)


def test_starting_waits_for_the_block_period_after_the_parent() -> None:
    node = LocalValidator(0)
    assert node.start_effects == [StartBlockTimer(R0, node.genesis.timestamp + 1)]


def test_the_proposer_proposes_its_block_and_prepares_when_the_block_timer_expires() -> None:
    node = LocalValidator(0)
    effects = node.block_timer()
    assert effects[0] == StartRoundTimer(R0, 1.0)
    proposal, prepare = sent(effects)
    assert isinstance(proposal, Proposal) and isinstance(prepare, Prepare)
    assert proposal.round_id == R0 and proposal.author == node.local.address
    assert proposal.block.header.coinbase == node.local.address
    assert proposal.block.header.timestamp == node.genesis.timestamp + 1
    assert decode_extra_data(proposal.block.header.extra_data).round == 0
    assert prepare.digest == proposal.block.hash


def test_a_non_proposer_only_starts_the_round_timer_when_the_block_timer_expires() -> None:
    node = LocalValidator(1)
    assert node.block_timer() == [StartRoundTimer(R0, 1.0)]


def test_a_valid_proposal_is_gossiped_and_prepared() -> None:
    node = LocalValidator(1)
    node.block_timer()
    proposal = node.peers[0].proposal(R0, node.block(0))
    effects = node.receive(proposal)
    assert effects[0] == Gossip(MessageCode.PROPOSAL, wire(proposal)[1], node.peers[0].address)
    (prepare,) = sent(effects)
    assert isinstance(prepare, Prepare)
    assert (prepare.author, prepare.round_id, prepare.digest) == (
        node.local.address,
        R0,
        proposal.block.hash,
    )


def test_a_proposal_before_the_block_timer_starts_round_zero() -> None:
    node = LocalValidator(1)
    effects = node.receive(node.peers[0].proposal(R0, node.block(0)), offset=0.9)
    assert StartRoundTimer(R0, 1.0) in effects
    assert [type(m) for m in sent(effects)] == [Prepare]
    assert node.block_timer() == []


def test_a_round_change_before_the_block_timer_does_not_silence_the_proposer() -> None:
    node = LocalValidator(0)
    assert sent(node.receive(node.peers[1].round_change(RoundId(1, 1)), offset=0.5)) == []
    assert [type(m) for m in sent(node.block_timer())] == [Proposal, Prepare]


def test_a_repeated_block_timer_proposes_once() -> None:
    node = LocalValidator(0)
    node.block_timer()
    assert node.block_timer() == []


def test_a_quorum_of_prepares_sends_a_commit_sealed_for_this_round() -> None:
    node = LocalValidator(1)
    block = node.block(0)
    node.receive(node.peers[0].proposal(R0, block))
    assert sent(node.receive(node.peers[0].prepare(R0, bytes(block.hash)))) == []
    (commit,) = sent(node.receive(node.peers[2].prepare(R0, bytes(block.hash))))
    assert isinstance(commit, Commit)
    assert commit.digest == block.hash
    assert recover_signer(seal_digest(block, 0), commit.commit_seal) == node.local.address


def test_a_quorum_of_commits_imports_the_block_with_their_seals() -> None:
    node = LocalValidator(1)
    block = node.block(0)
    node.receive(node.peers[0].proposal(R0, block))
    effects = node.receive_all([node.peers[0].commit(R0, block), node.peers[2].commit(R0, block)])
    (sealed,) = imported(effects)
    assert effects[-1] == ImportBlock(sealed, R0)
    assert sealed.hash == block.hash
    extra = decode_extra_data(sealed.header.extra_data)
    assert extra.round == 0
    assert set(check_commit_seals(sealed.header, node.validators)) == {
        node.validators[0],
        node.validators[1],
        node.validators[2],
    }


def test_commits_that_arrive_before_the_proposal_count_once_it_is_valid() -> None:
    node = LocalValidator(1)
    block = node.block(0)
    node.receive_all([node.peers[0].commit(R0, block), node.peers[2].commit(R0, block)])
    (sealed,) = imported(node.receive(node.peers[0].proposal(R0, block)))
    assert sealed.hash == block.hash


def test_early_commits_for_another_block_are_discarded_when_the_proposal_comes() -> None:
    node = LocalValidator(1)
    block, other = node.block(0), node.block(0, offset=2)
    node.receive_all([node.peers[0].commit(R0, other), node.peers[2].commit(R0, other)])
    assert imported(node.receive(node.peers[0].proposal(R0, block))) == []


def test_the_local_proposal_alone_commits_in_a_single_validator_network() -> None:
    node = LocalValidator(0, size=1)
    (sealed,) = imported(node.block_timer())
    assert check_commit_seals(sealed.header, node.validators) == (node.local.address,)


def test_a_new_chain_head_starts_the_next_height() -> None:
    node = LocalValidator(1)
    block = node.block(0)
    node.receive(node.peers[0].proposal(R0, block))
    (sealed,) = imported(
        node.receive_all([node.peers[0].commit(R0, block), node.peers[2].commit(R0, block)])
    )
    effects = node.import_and_announce(sealed)
    assert effects == [StartBlockTimer(RoundId(2, 0), sealed.header.timestamp + 1)]
    assert node.controller.height == 2


def test_the_next_heights_proposer_follows_the_previous_blocks_proposer() -> None:
    node = LocalValidator(1)
    block = node.block(0)
    node.receive(node.peers[0].proposal(R0, block))
    (sealed,) = imported(
        node.receive_all([node.peers[0].commit(R0, block), node.peers[2].commit(R0, block)])
    )
    node.import_and_announce(sealed)
    effects = node.block_timer(offset=2, height=2)
    (proposal, _) = sent(effects)
    assert isinstance(proposal, Proposal) and proposal.round_id == RoundId(2, 0)


def test_a_chain_head_that_is_not_newer_changes_nothing() -> None:
    node = LocalValidator(1)
    effects = node.controller.handle(NewChainHead(node.genesis, node.at(1)))
    assert effects == []
    assert node.controller.height == 1


def test_messages_of_the_height_are_gossiped_only_once_accepted_for_routing() -> None:
    node = LocalValidator(1)
    prepare = node.peers[2].prepare(R0, bytes(32))
    effects = node.receive(prepare)
    assert effects == [Gossip(MessageCode.PREPARE, wire(prepare)[1], node.peers[2].address)]
    assert rejections(effects) == []
    assert [e for e in effects if isinstance(e, Broadcast)] == []
