"""QBFT block-header extraData, byte-compatible with Hyperledger Besu.

``extraData = RLP([vanity32, [validators], vote, round, [seals]])`` where ``vote`` is ``[]`` or
``[recipient, 0xff]`` (add) / ``[recipient, 0x80]`` (drop), ``round`` a minimal RLP scalar and
each seal 65 bytes ``r || s || recovery_id``. Besu hashes a header with two reduced forms of
this list: round 0 and no seals for the on-chain block hash, the real round and no seals for the
commit-seal digest. Both keep five items, the last an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import rlp
from rlp.exceptions import DecodingError

VANITY_LENGTH = 32
ADDRESS_LENGTH = 20
SEAL_LENGTH = 65
_ADD = b"\xff"
_DROP = b""


class InvalidExtraData(ValueError):
    """The bytes are not a well-formed QBFT extraData list."""


@dataclass(frozen=True)
class Vote:
    """A validator vote carried in a header (unused by the registry-governed set, kept for
    byte compatibility)."""

    recipient: bytes
    add: bool


@dataclass(frozen=True)
class QbftExtraData:
    vanity: bytes
    validators: tuple[bytes, ...]
    vote: Vote | None
    round: int
    seals: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if len(self.vanity) != VANITY_LENGTH:
            raise InvalidExtraData(f"vanity must be {VANITY_LENGTH} bytes, got {len(self.vanity)}")
        for validator in self.validators:
            if len(validator) != ADDRESS_LENGTH:
                raise InvalidExtraData(f"validator address must be 20 bytes: 0x{validator.hex()}")
        if self.vote is not None and len(self.vote.recipient) != ADDRESS_LENGTH:
            raise InvalidExtraData("vote recipient must be 20 bytes")
        if not 0 <= self.round < 2**32:
            raise InvalidExtraData(f"round out of range: {self.round}")
        for seal in self.seals:
            if len(seal) != SEAL_LENGTH:
                raise InvalidExtraData(f"commit seal must be {SEAL_LENGTH} bytes, got {len(seal)}")

    def with_seals(self, seals: tuple[bytes, ...]) -> QbftExtraData:
        return replace(self, seals=seals)

    def with_round(self, round_number: int) -> QbftExtraData:
        return replace(self, round=round_number)


def _encode_vote(vote: Vote | None) -> list[bytes]:
    if vote is None:
        return []
    return [vote.recipient, _ADD if vote.add else _DROP]


def _encode_scalar(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""


def _encode(extra: QbftExtraData, round_number: int, seals: tuple[bytes, ...]) -> bytes:
    return rlp.encode(
        [
            extra.vanity,
            list(extra.validators),
            _encode_vote(extra.vote),
            _encode_scalar(round_number),
            list(seals),
        ]
    )


def encode_extra_data(extra: QbftExtraData) -> bytes:
    return _encode(extra, extra.round, extra.seals)


def encode_for_commit_seal(extra: QbftExtraData) -> bytes:
    """The form a commit seal signs over: the real round, no seals."""
    return _encode(extra, extra.round, ())


def encode_for_block_hash(extra: QbftExtraData) -> bytes:
    """The form the on-chain block hash covers: round 0, no seals, so the hash is fixed before
    the round that commits the block is known."""
    return _encode(extra, 0, ())


def _decode_vote(item: object) -> Vote | None:
    if not isinstance(item, list):
        raise InvalidExtraData("vote must be a list")
    if not item:
        return None
    if len(item) != 2 or not all(isinstance(part, bytes) for part in item):
        raise InvalidExtraData("vote must be [recipient, type]")
    recipient, kind = item
    if kind == _ADD:
        return Vote(recipient, add=True)
    if kind == _DROP:
        return Vote(recipient, add=False)
    raise InvalidExtraData(f"vote type must be 0xff or 0x80, got 0x{kind.hex()}")


def _decode_scalar(item: object) -> int:
    if not isinstance(item, bytes):
        raise InvalidExtraData("round must be a scalar")
    if item[:1] == b"\x00":
        raise InvalidExtraData("round has leading zero bytes")
    if len(item) > 4:
        raise InvalidExtraData("round does not fit in 32 bits")
    return int.from_bytes(item, "big")


def _decode_byte_list(item: object, what: str) -> tuple[bytes, ...]:
    if not isinstance(item, list) or not all(isinstance(entry, bytes) for entry in item):
        raise InvalidExtraData(f"{what} must be a list of byte strings")
    return tuple(item)


def decode_extra_data(data: bytes) -> QbftExtraData:
    try:
        items = rlp.decode(data, strict=True)
    except DecodingError as error:
        raise InvalidExtraData(f"extraData is not valid RLP: {error}") from error
    if not isinstance(items, list) or len(items) != 5:
        raise InvalidExtraData("extraData must be an RLP list of 5 items")
    vanity, validators, vote, round_item, seals = items
    if not isinstance(vanity, bytes):
        raise InvalidExtraData("vanity must be a byte string")
    return QbftExtraData(
        vanity=vanity,
        validators=_decode_byte_list(validators, "validators"),
        vote=_decode_vote(vote),
        round=_decode_scalar(round_item),
        seals=_decode_byte_list(seals, "seals"),
    )
