"""QBFT messages, byte-compatible with Hyperledger Besu 25.x.

Every message is built from signed payloads ``RLP([payload, signature])``; the signature is
65 bytes ``r || s || recovery_id`` over ``keccak(RLP([code, payload]))``. The wire layouts
(the data of a devp2p message with the given code):

- PREPARE 0x13: ``[[height, round, digest], sig]``
- COMMIT 0x14: ``[[height, round, digest, commitSeal], sig]``
- ROUND_CHANGE 0x15: ``[[[height, round, [] | [preparedRound, preparedHash]], sig],
  preparedBlock | [], [signedPrepare...]]``
- PROPOSAL 0x12: ``[[[height, round, block], sig], [[signedRoundChange...], [signedPrepare...]]]``

Besu 26.1 appended a block-access-list field to PROPOSAL and ROUND_CHANGE; this is the layout
before it, and a message carrying that field is refused rather than half-read. Decoding is
strict (canonical RLP, minimal scalars, exact lengths), recovers each author from its
signature and accepts only low-s signatures, so one message has exactly one encoding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Generic, TypeVar

import rlp
from eth_utils import keccak
from rlp.codec import encode_raw

from node.chain.extra_data import InvalidExtraData, decode_extra_data
from node.chain.header import QbftBlock
from node.chain.seals import InvalidSeal, recover_signer
from node.consensus.interfaces import Signer
from node.consensus.round_id import MAX_HEIGHT, MAX_ROUND, RoundId

HASH_LENGTH = 32
SIGNATURE_LENGTH = 65


class MessageCode(IntEnum):
    PROPOSAL = 0x12
    PREPARE = 0x13
    COMMIT = 0x14
    ROUND_CHANGE = 0x15


class MessageDecodingError(ValueError):
    """The bytes are not a well-formed, validly signed QBFT message."""


@dataclass(frozen=True)
class PreparePayload:
    round_id: RoundId
    digest: bytes


@dataclass(frozen=True)
class CommitPayload:
    round_id: RoundId
    digest: bytes
    commit_seal: bytes


@dataclass(frozen=True)
class PreparedRoundMetadata:
    """What a round change says its author prepared: the round and the block's hash."""

    round: int
    block_hash: bytes


@dataclass(frozen=True)
class RoundChangePayload:
    round_id: RoundId
    prepared: PreparedRoundMetadata | None


@dataclass(frozen=True)
class ProposalPayload:
    round_id: RoundId
    block: QbftBlock

    def __eq__(self, other: object) -> bool:
        """py-evm blocks compare by identity; two proposals of the same round compare by the
        block's bytes."""
        if not isinstance(other, ProposalPayload):
            return NotImplemented
        return self.round_id == other.round_id and rlp.encode(self.block) == rlp.encode(other.block)

    def __hash__(self) -> int:
        return hash((self.round_id, self.block.hash))


Payload = PreparePayload | CommitPayload | RoundChangePayload | ProposalPayload
P = TypeVar("P", PreparePayload, CommitPayload, RoundChangePayload, ProposalPayload)


@dataclass(frozen=True)
class SignedPayload(Generic[P]):
    """Besu's ``SignedData``: a payload, its signature and the author recovered from it."""

    payload: P
    signature: bytes
    author: bytes

    @property
    def round_id(self) -> RoundId:
        return self.payload.round_id


@dataclass(frozen=True)
class Proposal:
    signed: SignedPayload[ProposalPayload]
    round_changes: tuple[SignedPayload[RoundChangePayload], ...] = ()
    prepares: tuple[SignedPayload[PreparePayload], ...] = ()
    code = MessageCode.PROPOSAL

    @property
    def author(self) -> bytes:
        return self.signed.author

    @property
    def round_id(self) -> RoundId:
        return self.signed.payload.round_id

    @property
    def block(self) -> QbftBlock:
        return self.signed.payload.block


@dataclass(frozen=True)
class Prepare:
    signed: SignedPayload[PreparePayload]
    code = MessageCode.PREPARE

    @property
    def author(self) -> bytes:
        return self.signed.author

    @property
    def round_id(self) -> RoundId:
        return self.signed.payload.round_id

    @property
    def digest(self) -> bytes:
        return self.signed.payload.digest


@dataclass(frozen=True)
class Commit:
    signed: SignedPayload[CommitPayload]
    code = MessageCode.COMMIT

    @property
    def author(self) -> bytes:
        return self.signed.author

    @property
    def round_id(self) -> RoundId:
        return self.signed.payload.round_id

    @property
    def digest(self) -> bytes:
        return self.signed.payload.digest

    @property
    def commit_seal(self) -> bytes:
        return self.signed.payload.commit_seal


@dataclass(frozen=True)
class RoundChange:
    signed: SignedPayload[RoundChangePayload]
    prepared_block: QbftBlock | None = None
    prepares: tuple[SignedPayload[PreparePayload], ...] = ()
    code = MessageCode.ROUND_CHANGE

    @property
    def author(self) -> bytes:
        return self.signed.author

    @property
    def round_id(self) -> RoundId:
        return self.signed.payload.round_id

    @property
    def prepared(self) -> PreparedRoundMetadata | None:
        return self.signed.payload.prepared


QbftMessage = Proposal | Prepare | Commit | RoundChange

_PAYLOAD_CODES: dict[type, MessageCode] = {
    ProposalPayload: MessageCode.PROPOSAL,
    PreparePayload: MessageCode.PREPARE,
    CommitPayload: MessageCode.COMMIT,
    RoundChangePayload: MessageCode.ROUND_CHANGE,
}

# -- encoding ---------------------------------------------------------------------------------


def _scalar(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""


def _round_items(round_id: RoundId) -> list[bytes]:
    return [_scalar(round_id.height), _scalar(round_id.round)]


def payload_items(payload: Payload) -> list[Any]:
    """The payload as an RLP structure (nested lists of byte strings)."""
    head: list[Any] = _round_items(payload.round_id)
    if isinstance(payload, PreparePayload):
        return [*head, payload.digest]
    if isinstance(payload, CommitPayload):
        return [*head, payload.digest, payload.commit_seal]
    if isinstance(payload, RoundChangePayload):
        prepared = payload.prepared
        metadata = [] if prepared is None else [_scalar(prepared.round), prepared.block_hash]
        return [*head, metadata]
    return [*head, QbftBlock.serialize(payload.block)]


def signing_digest(payload: Payload) -> bytes:
    """What an author signs: keccak(RLP([code, payload]))."""
    code = _PAYLOAD_CODES[type(payload)]
    return keccak(encode_raw([_scalar(code), payload_items(payload)]))


def sign_payload(payload: P, signer: Signer) -> SignedPayload[P]:
    return SignedPayload(payload, signer.sign(signing_digest(payload)), signer.address)


def _signed_items(signed: SignedPayload[Any]) -> list[Any]:
    return [payload_items(signed.payload), signed.signature]


def message_items(message: QbftMessage) -> list[Any]:
    if isinstance(message, Prepare | Commit):
        return _signed_items(message.signed)
    if isinstance(message, RoundChange):
        block = (
            [] if message.prepared_block is None else QbftBlock.serialize(message.prepared_block)
        )
        return [
            _signed_items(message.signed),
            block,
            [_signed_items(prepare) for prepare in message.prepares],
        ]
    return [
        _signed_items(message.signed),
        [
            [_signed_items(rc) for rc in message.round_changes],
            [_signed_items(prepare) for prepare in message.prepares],
        ],
    ]


def encode_message(message: QbftMessage) -> bytes:
    """The message data, as Besu puts it in a devp2p message of code ``message.code``."""
    return encode_raw(message_items(message))


# -- decoding ---------------------------------------------------------------------------------


def _list(item: object, what: str, length: int | None = None) -> list[Any]:
    if not isinstance(item, list):
        raise MessageDecodingError(f"{what} must be an RLP list")
    if length is not None and len(item) != length:
        raise MessageDecodingError(f"{what} must have {length} items, got {len(item)}")
    return item


def _bytes(item: object, what: str, length: int) -> bytes:
    if not isinstance(item, bytes) or len(item) != length:
        raise MessageDecodingError(f"{what} must be {length} bytes")
    return item


def _decode_scalar(item: object, what: str, maximum: int) -> int:
    if not isinstance(item, bytes):
        raise MessageDecodingError(f"{what} must be a scalar")
    if item[:1] == b"\x00":
        raise MessageDecodingError(f"{what} has leading zero bytes")
    value = int.from_bytes(item, "big")
    if value > maximum:
        raise MessageDecodingError(f"{what} out of range: {value}")
    return value


def _decode_round_id(items: list[Any]) -> RoundId:
    return RoundId(
        _decode_scalar(items[0], "height", MAX_HEIGHT),
        _decode_scalar(items[1], "round", MAX_ROUND),
    )


def decode_block(item: object) -> QbftBlock:
    if not isinstance(item, list):
        raise MessageDecodingError("block must be an RLP list")
    try:
        block = QbftBlock.deserialize(item)
        decode_extra_data(block.header.extra_data)
    except InvalidExtraData as error:
        raise MessageDecodingError(f"block extraData: {error}") from error
    except Exception as error:  # rlp and py-evm raise several unrelated types
        raise MessageDecodingError(f"block: {error}") from error
    return block


def _decode_prepare_payload(items: object) -> PreparePayload:
    fields = _list(items, "prepare payload", 3)
    return PreparePayload(_decode_round_id(fields), _bytes(fields[2], "digest", HASH_LENGTH))


def _decode_commit_payload(items: object) -> CommitPayload:
    fields = _list(items, "commit payload", 4)
    return CommitPayload(
        _decode_round_id(fields),
        _bytes(fields[2], "digest", HASH_LENGTH),
        _bytes(fields[3], "commit seal", SIGNATURE_LENGTH),
    )


def _decode_round_change_payload(items: object) -> RoundChangePayload:
    fields = _list(items, "round change payload", 3)
    metadata = _list(fields[2], "prepared round metadata")
    prepared = None
    if metadata:
        _list(metadata, "prepared round metadata", 2)
        prepared = PreparedRoundMetadata(
            _decode_scalar(metadata[0], "prepared round", MAX_ROUND),
            _bytes(metadata[1], "prepared block hash", HASH_LENGTH),
        )
    return RoundChangePayload(_decode_round_id(fields), prepared)


def _decode_proposal_payload(items: object) -> ProposalPayload:
    fields = _list(items, "proposal payload", 3)
    return ProposalPayload(_decode_round_id(fields), decode_block(fields[2]))


def _decode_signed(
    item: object, code: MessageCode, decode_payload: Callable[[object], P]
) -> SignedPayload[P]:
    payload_rlp, signature = _list(item, "signed payload", 2)
    payload = decode_payload(payload_rlp)
    signature = _bytes(signature, "signature", SIGNATURE_LENGTH)
    digest = keccak(encode_raw([_scalar(code), payload_rlp]))
    try:
        author = recover_signer(digest, signature)
    except InvalidSeal as error:
        raise MessageDecodingError(f"signature: {error}") from error
    return SignedPayload(payload, signature, author)


def _decode_prepares(item: object) -> tuple[SignedPayload[PreparePayload], ...]:
    entries = _list(item, "prepares")
    return tuple(
        _decode_signed(entry, MessageCode.PREPARE, _decode_prepare_payload) for entry in entries
    )


def _decode_items(code: MessageCode, items: object) -> QbftMessage:
    if code is MessageCode.PREPARE:
        return Prepare(_decode_signed(items, code, _decode_prepare_payload))
    if code is MessageCode.COMMIT:
        return Commit(_decode_signed(items, code, _decode_commit_payload))
    if code is MessageCode.ROUND_CHANGE:
        signed, block, prepares = _list(items, "round change", 3)
        return RoundChange(
            _decode_signed(signed, code, _decode_round_change_payload),
            None if block == [] else decode_block(block),
            _decode_prepares(prepares),
        )
    signed, justification = _list(items, "proposal", 2)
    round_changes, prepares = _list(justification, "proposal justification", 2)
    return Proposal(
        _decode_signed(signed, code, _decode_proposal_payload),
        tuple(
            _decode_signed(entry, MessageCode.ROUND_CHANGE, _decode_round_change_payload)
            for entry in _list(round_changes, "round changes")
        ),
        _decode_prepares(prepares),
    )


def _rlp_items(data: bytes) -> object:
    try:
        return rlp.decode(data, strict=True)
    except rlp.exceptions.DecodingError as error:
        raise MessageDecodingError(f"not valid RLP: {error}") from error


def decode_message(code: int, data: bytes) -> QbftMessage:
    """Decode the data of a devp2p message with the given code."""
    try:
        message_code = MessageCode(code)
    except ValueError:
        raise MessageDecodingError(f"unknown QBFT message code 0x{code:02x}") from None
    return _decode_items(message_code, _rlp_items(data))


def infer_message_code(data: bytes) -> MessageCode:
    """The code of a message from its shape alone, for tools given bare message data.

    The four layouts differ at the top: ROUND_CHANGE has three items; PROPOSAL two, the second
    a list; PREPARE and COMMIT are one signed payload of three or four fields.
    """
    items = _rlp_items(data)
    if isinstance(items, list) and len(items) == 3:
        return MessageCode.ROUND_CHANGE
    if isinstance(items, list) and len(items) == 2:
        if isinstance(items[1], list):
            return MessageCode.PROPOSAL
        if isinstance(items[0], list) and len(items[0]) == 3:
            return MessageCode.PREPARE
        if isinstance(items[0], list) and len(items[0]) == 4:
            return MessageCode.COMMIT
    raise MessageDecodingError("data has the shape of no QBFT message")
