"""A validator set that changes between heights (as ExchangeRegistry changes it): the core asks
for the set after each new head, so a removed validator's messages are refused from the first
height without it, an added one counts from the first height with it, and the proposer of that
height is counted from the previous proposer over the new set (Besu's BftProposerSelector)."""

from __future__ import annotations

from collections.abc import Sequence

from eth.abc import BlockHeaderAPI

from node.chain.extra_data import decode_extra_data, encode_extra_data
from node.chain.header import QbftBlock, commit_seal_digest
from node.chain.seals import address_of, sign_digest
from node.consensus.config import QbftConfig
from node.consensus.controller import QbftController
from node.consensus.effects import Gossip
from node.consensus.events import BlockTimerExpired, MessageReceived, NewChainHead
from node.consensus.messages import Proposal
from node.consensus.proposer import select_proposer
from node.consensus.round_id import RoundId
from node.consensus.validation.reasons import Reason
from tests.support.qbft import (
    GENESIS_TIMESTAMP,
    HeaderChain,
    HeaderOnlyBlockCreator,
    Peer,
    build_block,
    genesis_header,
    rejections,
    sent,
    validator_keys,
    wire,
)

KEYS = validator_keys(5)
ADDRESSES = [address_of(key) for key in KEYS]
FIRST_SET = ADDRESSES[:4]
"""Height 1: the four lowest addresses."""
LEAVING = ADDRESSES[3]
JOINING = ADDRESSES[4]
SECOND_SET = sorted([*ADDRESSES[:3], JOINING])
"""From height 2: the fourth left, the fifth joined (both by the registry, in block 1)."""
CONFIG = QbftConfig(block_period_seconds=1, request_timeout_seconds=1, max_round_timeout_seconds=4)


class ChangingSetChain(HeaderChain):
    """A header chain whose set after block 1 is :data:`SECOND_SET`."""

    def validators_after(self, parent: BlockHeaderAPI) -> Sequence[bytes]:
        return FIRST_SET if parent.block_number == 0 else SECOND_SET


def sealed_block_one(chain: ChangingSetChain, proposer: bytes) -> QbftBlock:
    block = build_block(chain.head, FIRST_SET, proposer, 0, GENESIS_TIMESTAMP + 1)
    digest = commit_seal_digest(block.header)
    seals = tuple(sign_digest(KEYS[i], digest) for i in range(3))
    extra = decode_extra_data(block.header.extra_data).with_seals(seals)
    return block.copy(header=block.header.copy(extra_data=encode_extra_data(extra)))


def node_at_height_two(local: int, block_one_proposer: bytes) -> tuple[QbftController, float]:
    """The controller of validator ``local`` after block 1 (proposed by ``block_one_proposer``)
    became its head; the time it did."""
    genesis = genesis_header(FIRST_SET)
    chain = ChangingSetChain(genesis, FIRST_SET)
    signer = Peer(KEYS[local]).signer
    controller = QbftController(
        CONFIG, signer, HeaderOnlyBlockCreator(chain, signer.address), chain, chain
    )
    controller.start(genesis, float(GENESIS_TIMESTAMP))
    block = sealed_block_one(chain, block_one_proposer)
    assert chain.import_block(block) is None
    now = GENESIS_TIMESTAMP + 1.5
    controller.handle(NewChainHead(block.header, now))
    return controller, now


def test_the_core_takes_the_set_of_the_new_height_from_the_new_head() -> None:
    controller, _ = node_at_height_two(0, ADDRESSES[0])
    assert controller.height == 2
    assert list(controller.validators) == SECOND_SET


def test_a_removed_validators_message_is_refused_from_the_first_height_without_it() -> None:
    controller, now = node_at_height_two(0, ADDRESSES[0])
    prepare = Peer(KEYS[3]).prepare(RoundId(2, 0), b"\x01" * 32)
    effects = controller.handle(MessageReceived(*wire(prepare), now))
    assert rejections(effects) == [Reason.NOT_FROM_VALIDATOR]
    assert not any(isinstance(effect, Gossip) for effect in effects)


def test_an_added_validators_message_counts_from_the_first_height_with_it() -> None:
    controller, now = node_at_height_two(0, ADDRESSES[0])
    prepare = Peer(KEYS[4]).prepare(RoundId(2, 0), b"\x01" * 32)
    effects = controller.handle(MessageReceived(*wire(prepare), now))
    assert rejections(effects) == []
    assert [effect for effect in effects if isinstance(effect, Gossip)] == [
        Gossip(*wire(prepare), prepare.author)
    ]


def test_a_removed_validator_stops_voting_at_the_first_height_without_it() -> None:
    controller, now = node_at_height_two(3, ADDRESSES[0])
    prepare = Peer(KEYS[0]).prepare(RoundId(2, 0), b"\x01" * 32)
    assert controller.height_manager is None
    effects = controller.handle(MessageReceived(*wire(prepare), now))
    assert rejections(effects) == [Reason.LOCAL_NODE_NOT_VALIDATOR]


def test_an_added_validator_proposes_at_the_first_height_with_it_when_its_turn_comes() -> None:
    """Block 1 was proposed by the validator just below the joining one in the new order, so
    round 0 of height 2 is the joining validator's."""
    before_joining = SECOND_SET[SECOND_SET.index(JOINING) - 1]
    assert select_proposer(RoundId(2, 0), before_joining, SECOND_SET) == JOINING
    controller, _ = node_at_height_two(4, before_joining)
    effects = controller.handle(BlockTimerExpired(RoundId(2, 0), GENESIS_TIMESTAMP + 2.0))
    proposals = [m for m in sent(effects) if isinstance(m, Proposal)]
    assert [(p.author, p.round_id) for p in proposals] == [(JOINING, RoundId(2, 0))]
    assert decode_extra_data(proposals[0].block.header.extra_data).validators == tuple(SECOND_SET)


def test_when_the_previous_proposer_left_the_next_address_in_the_new_set_proposes() -> None:
    """Besu's rule for a proposer that left: the first validator above it, without the
    per-block step."""
    following = next(a for a in SECOND_SET if a > LEAVING)
    assert select_proposer(RoundId(2, 0), LEAVING, SECOND_SET) == following
