"""Round-change quorums per target round, and the f+1 early change."""

from __future__ import annotations

from node.consensus.round_change import RoundChangeArtifacts, RoundChangeManager
from node.consensus.round_id import RoundId
from tests.support.qbft import Peer, build_block, genesis_header, validator_keys

PEERS = [Peer(key) for key in validator_keys(4)]
VALIDATORS = [peer.address for peer in PEERS]
GENESIS = genesis_header(VALIDATORS)


def test_the_quorum_of_a_round_is_returned_once_with_one_message_per_author() -> None:
    manager = RoundChangeManager(quorum=3, early_quorum=2)
    messages = [PEERS[i].round_change(RoundId(1, 1)) for i in (0, 0, 1, 2, 3)]
    results = [manager.append(m) for m in messages]
    assert results[:3] == [None, None, None]
    assert results[3] == (messages[0], messages[2], messages[3])
    assert results[4] is None


def test_f_plus_one_authors_ahead_give_the_lowest_of_their_rounds() -> None:
    manager = RoundChangeManager(quorum=3, early_quorum=2)
    manager.note_round_of_author(PEERS[0].round_change(RoundId(1, 4)))
    assert manager.early_round(0) is None
    manager.note_round_of_author(PEERS[1].round_change(RoundId(1, 2)))
    assert manager.early_round(0) == 2
    assert manager.early_round(2) is None


def test_an_authors_highest_round_is_remembered() -> None:
    manager = RoundChangeManager(quorum=3, early_quorum=2)
    manager.note_round_of_author(PEERS[0].round_change(RoundId(1, 3)))
    manager.note_round_of_author(PEERS[0].round_change(RoundId(1, 1)))
    manager.note_round_of_author(PEERS[1].round_change(RoundId(1, 3)))
    assert manager.early_round(2) == 3


def test_discarded_rounds_start_counting_afresh() -> None:
    manager = RoundChangeManager(quorum=2, early_quorum=1)
    manager.append(PEERS[0].round_change(RoundId(1, 1)))
    manager.discard_rounds_before(2)
    assert manager.append(PEERS[1].round_change(RoundId(1, 1))) is None


def test_the_artifacts_carry_the_highest_prepared_certificate() -> None:
    low = build_block(GENESIS, VALIDATORS, VALIDATORS[0], 0, GENESIS.timestamp + 1)
    high = build_block(GENESIS, VALIDATORS, VALIDATORS[1], 1, GENESIS.timestamp + 2)
    low_prepares = [p.prepare(RoundId(1, 0), bytes(low.hash)).signed for p in PEERS[:3]]
    high_prepares = [p.prepare(RoundId(1, 1), bytes(high.hash)).signed for p in PEERS[:3]]
    rcs = [
        PEERS[0].round_change(RoundId(1, 2), low, 0, low_prepares),
        PEERS[1].round_change(RoundId(1, 2)),
        PEERS[2].round_change(RoundId(1, 2), high, 1, high_prepares),
    ]
    artifacts = RoundChangeArtifacts.create(rcs)
    assert artifacts.round_changes == tuple(rc.signed for rc in rcs)
    assert artifacts.best_prepared is not None
    assert artifacts.best_prepared.block is high
    assert (artifacts.best_prepared.round, artifacts.best_prepared.prepares) == (
        1,
        tuple(high_prepares),
    )


def test_restored_round_changes_complete_a_quorum_with_the_next_message() -> None:
    manager = RoundChangeManager(quorum=3, early_quorum=2)
    for i in (0, 1):
        manager.note_round_of_author(PEERS[i].round_change(RoundId(1, 20)))
    manager.restore(20, 30)
    last = PEERS[2].round_change(RoundId(1, 20))
    certificate = manager.append(last)
    assert certificate is not None
    assert [rc.author for rc in certificate] == [PEERS[0].address, PEERS[1].address, last.author]


def test_round_changes_outside_the_window_are_not_restored() -> None:
    manager = RoundChangeManager(quorum=2, early_quorum=1)
    manager.note_round_of_author(PEERS[0].round_change(RoundId(1, 40)))
    manager.restore(20, 30)
    assert manager.append(PEERS[1].round_change(RoundId(1, 40))) is None
