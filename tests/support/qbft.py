"""A header-only QBFT chain for consensus tests, and signed messages from peer validators.

Blocks are real :class:`QbftBlock`s without transactions; they are checked with the node's
own header rules (py-evm's header checks of the QBFT VM, the validator list, the vanity, the
proposer, and at import a quorum of real commit seals). Messages are signed with real keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from eth.abc import BlockHeaderAPI
from eth.constants import BLANK_ROOT_HASH, EMPTY_SHA256, EMPTY_UNCLE_HASH, ZERO_HASH32
from eth_typing import Address, BlockNumber
from eth_utils import ValidationError

from genesis.dev_keys import dev_validator_key
from node.chain.extra_data import QbftExtraData, encode_extra_data
from node.chain.header import BFT_DIFFICULTY, BFT_MIX_HASH, BFT_NONCE, QbftBlock, QbftBlockHeader
from node.chain.header_rules import (
    HeaderRuleViolation,
    check_commit_seals,
    check_proposer,
    check_validators_listed,
    check_vanity,
    decoded_extra,
)
from node.chain.seals import address_of
from node.chain.vm import QbftPragueVM, create_qbft_header_from_parent, next_vanity
from node.consensus.config import QbftConfig
from node.consensus.controller import QbftController
from node.consensus.effects import Broadcast, Effect, ImportBlock, Rejected
from node.consensus.events import (
    BlockTimerExpired,
    MessageReceived,
    NewChainHead,
    RoundTimerExpired,
)
from node.consensus.messages import (
    Commit,
    CommitPayload,
    Prepare,
    PreparedRoundMetadata,
    PreparePayload,
    Proposal,
    ProposalPayload,
    QbftMessage,
    RoundChange,
    RoundChangePayload,
    SignedPayload,
    decode_message,
    encode_message,
    sign_payload,
)
from node.consensus.round_id import RoundId
from node.consensus.sealing import seal_digest
from node.consensus.signer import PrivateKeySigner
from node.consensus.validation.reasons import Reason

GENESIS_TIMESTAMP = 1_700_000_000
GAS_LIMIT = 30_000_000


def validator_keys(count: int) -> list[bytes]:
    """``count`` validator keys ordered by address, so index i is the i-th validator of the
    sorted set (the proposer order)."""
    keys = [dev_validator_key(i) for i in range(count)]
    return sorted(keys, key=address_of)


def genesis_header(validators: Sequence[bytes]) -> QbftBlockHeader:
    extra = QbftExtraData(b"\x00" * 32, tuple(sorted(validators)), None, 0, ())
    return QbftBlockHeader(
        parent_hash=ZERO_HASH32,
        uncles_hash=EMPTY_UNCLE_HASH,
        coinbase=Address(b"\x00" * 20),
        state_root=BLANK_ROOT_HASH,
        transaction_root=BLANK_ROOT_HASH,
        receipt_root=BLANK_ROOT_HASH,
        bloom=0,
        difficulty=BFT_DIFFICULTY,
        block_number=BlockNumber(0),
        gas_limit=GAS_LIMIT,
        gas_used=0,
        timestamp=GENESIS_TIMESTAMP,
        extra_data=encode_extra_data(extra),
        mix_hash=BFT_MIX_HASH,
        nonce=BFT_NONCE,
        base_fee_per_gas=0,
        withdrawals_root=BLANK_ROOT_HASH,
        blob_gas_used=0,
        excess_blob_gas=0,
        parent_beacon_block_root=ZERO_HASH32,
        requests_hash=EMPTY_SHA256,
    )


def build_block(
    parent: BlockHeaderAPI,
    validators: Sequence[bytes],
    proposer: bytes,
    round_number: int,
    timestamp: int,
) -> QbftBlock:
    extra = QbftExtraData(next_vanity(parent), tuple(sorted(validators)), None, round_number, ())
    header = create_qbft_header_from_parent(
        parent,
        coinbase=Address(proposer),
        timestamp=timestamp,
        extra_data=encode_extra_data(extra),
    )
    return QbftBlock(header=header, transactions=(), uncles=(), withdrawals=())


class HeaderChain:
    """One node's chain: headers by hash, the canonical blocks by number, a fixed validator
    set. Implements the core's ``ValidatorProvider`` and ``BlockValidator``."""

    def __init__(self, genesis: QbftBlockHeader, validators: Sequence[bytes]) -> None:
        self.validators = tuple(sorted(validators))
        self.headers: dict[bytes, BlockHeaderAPI] = {bytes(genesis.hash): genesis}
        self.canonical: list[BlockHeaderAPI] = [genesis]
        self.blocks: list[QbftBlock] = []

    @property
    def head(self) -> BlockHeaderAPI:
        return self.canonical[-1]

    def validators_after(self, parent: BlockHeaderAPI) -> Sequence[bytes]:
        return self.validators

    def validate_block(self, block: QbftBlock) -> str | None:
        parent = self.headers.get(bytes(block.header.parent_hash))
        if parent is None:
            return "unknown parent"
        try:
            extra = decoded_extra(block.header)
            check_validators_listed(extra, self.validators_after(parent))
            check_vanity(extra, next_vanity(parent))
            check_proposer(block.header, self.validators_after(parent))
            QbftPragueVM.validate_header(block.header, parent)
        except (HeaderRuleViolation, ValidationError) as error:
            return str(error)
        if block.transactions:
            return "header-only chain: blocks carry no transactions"
        return None

    def import_block(self, block: QbftBlock) -> str | None:
        """Append a sealed block that extends the head; the reason if it may not."""
        if block.header.parent_hash != self.head.hash:
            return "does not extend the head"
        reason = self.validate_block(block)
        if reason is not None:
            return reason
        try:
            check_commit_seals(block.header, self.validators_after(self.head))
        except HeaderRuleViolation as error:
            return str(error)
        self.headers[bytes(block.hash)] = block.header
        self.canonical.append(block.header)
        self.blocks.append(block)
        return None


class HeaderOnlyBlockCreator:
    """Builds empty blocks with ``coinbase`` as proposer."""

    def __init__(self, chain: HeaderChain, coinbase: bytes) -> None:
        self._chain = chain
        self._coinbase = coinbase

    def create_block(self, parent: BlockHeaderAPI, round_number: int, timestamp: int) -> QbftBlock:
        validators = self._chain.validators_after(parent)
        return build_block(parent, validators, self._coinbase, round_number, timestamp)


class Peer:
    """A validator the test speaks for: signs messages with its real key."""

    def __init__(self, key: bytes) -> None:
        self.signer = PrivateKeySigner(key)
        self.address = self.signer.address

    def proposal(
        self,
        round_id: RoundId,
        block: QbftBlock,
        round_changes: Sequence[SignedPayload[RoundChangePayload]] = (),
        prepares: Sequence[SignedPayload[PreparePayload]] = (),
    ) -> Proposal:
        signed = sign_payload(ProposalPayload(round_id, block), self.signer)
        return Proposal(signed, tuple(round_changes), tuple(prepares))

    def prepare(self, round_id: RoundId, block_hash: bytes) -> Prepare:
        return Prepare(sign_payload(PreparePayload(round_id, block_hash), self.signer))

    def commit(self, round_id: RoundId, block: QbftBlock, seal: bytes | None = None) -> Commit:
        if seal is None:
            seal = self.signer.sign(seal_digest(block, round_id.round))
        payload = CommitPayload(round_id, bytes(block.hash), seal)
        return Commit(sign_payload(payload, self.signer))

    def round_change(
        self,
        round_id: RoundId,
        prepared_block: QbftBlock | None = None,
        prepared_round: int | None = None,
        prepares: Sequence[SignedPayload[PreparePayload]] = (),
    ) -> RoundChange:
        metadata = None
        if prepared_block is not None and prepared_round is not None:
            metadata = PreparedRoundMetadata(prepared_round, bytes(prepared_block.hash))
        signed = sign_payload(RoundChangePayload(round_id, metadata), self.signer)
        return RoundChange(signed, prepared_block, tuple(prepares))


def wire(message: QbftMessage) -> tuple[int, bytes]:
    return int(message.code), encode_message(message)


class LocalValidator:
    """One consensus core under test, with the other validators played by :class:`Peer`s.

    Validators are ordered by address; after genesis (zero coinbase) round r of height 1 is
    proposed by validator r. Time is whatever each call says.
    """

    def __init__(
        self, local_index: int, size: int = 4, config: QbftConfig | None = None, member: bool = True
    ) -> None:
        keys = validator_keys(size + (0 if member else 1))
        self.peers = [Peer(key) for key in keys]
        local_key = keys[local_index]
        self.local = Peer(local_key)
        members = keys if member else [k for k in keys if k != local_key]
        self.validators = [address_of(k) for k in sorted(members, key=address_of)]
        self.genesis = genesis_header(self.validators)
        self.chain = HeaderChain(self.genesis, self.validators)
        self.config = config or QbftConfig(
            block_period_seconds=1, request_timeout_seconds=1, max_round_timeout_seconds=4
        )
        self.controller = QbftController(
            self.config,
            self.local.signer,
            HeaderOnlyBlockCreator(self.chain, self.local.address),
            self.chain,
            self.chain,
        )
        self.start_effects = self.controller.start(self.genesis, float(GENESIS_TIMESTAMP))

    def at(self, offset: float) -> float:
        return GENESIS_TIMESTAMP + offset

    def block(self, proposer: int, round_number: int = 0, offset: int = 1) -> QbftBlock:
        return build_block(
            self.chain.head,
            self.validators,
            self.validators[proposer],
            round_number,
            self.chain.head.timestamp + offset,
        )

    def receive(self, message: QbftMessage, offset: float = 1.0) -> list[Effect]:
        code, data = wire(message)
        return self.controller.handle(MessageReceived(code, data, self.at(offset)))

    def receive_all(self, messages: Sequence[QbftMessage], offset: float = 1.0) -> list[Effect]:
        return [effect for message in messages for effect in self.receive(message, offset)]

    def block_timer(self, offset: float = 1.0, height: int = 1) -> list[Effect]:
        return self.controller.handle(BlockTimerExpired(RoundId(height, 0), self.at(offset)))

    def round_timer(self, round_number: int, offset: float = 2.0, height: int = 1) -> list[Effect]:
        event = RoundTimerExpired(RoundId(height, round_number), self.at(offset))
        return self.controller.handle(event)

    def import_and_announce(self, block: QbftBlock, offset: float = 1.5) -> list[Effect]:
        assert self.chain.import_block(block) is None
        return self.controller.handle(NewChainHead(block.header, self.at(offset)))


def sent(effects: Sequence[Effect]) -> list[QbftMessage]:
    """The messages a node broadcast, decoded."""
    return [decode_message(e.code, e.data) for e in effects if isinstance(e, Broadcast)]


def rejections(effects: Sequence[Effect]) -> list[Reason]:
    return [e.reason for e in effects if isinstance(e, Rejected)]


def imported(effects: Sequence[Effect]) -> list[QbftBlock]:
    return [e.block for e in effects if isinstance(e, ImportBlock)]
