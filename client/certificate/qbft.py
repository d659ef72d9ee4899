"""QBFT headers as an offline verifier needs them: decode, hash, recover commit seals.

This is a small implementation of its own, independent of the node's (``node/chain/header.py``,
``extra_data.py`` and ``seals.py``): a verifier that shares no code with the node it checks
catches a node bug instead of repeating it, and the client installs without the node. The
tests check both agree byte for byte.

A Prague header is an RLP list of 21 fields; extraData is
``RLP([vanity32, [validators], vote, round, [seals]])`` (Besu's QBFT). The on-chain block hash
covers extraData with round 0 and no seals, a commit seal signs it with the actual round and no
seals; a seal is 65 bytes ``r || s || v`` with v in {0, 1} and a low s (EIP-2).
"""

from __future__ import annotations

from dataclasses import dataclass

import rlp
from coincurve import PublicKey
from eth_utils import keccak
from rlp.exceptions import DecodingError

HEADER_FIELDS = 21
STATE_ROOT, TRANSACTIONS_ROOT, RECEIPTS_ROOT, NUMBER, EXTRA_DATA = 3, 4, 5, 8, 12
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


class HeaderError(ValueError):
    """The bytes are not a well-formed QBFT header or extraData, or a seal is malformed."""


@dataclass(frozen=True)
class ExtraData:
    vanity: bytes
    validators: tuple[bytes, ...]
    vote: list[bytes]
    round: bytes
    seals: tuple[bytes, ...]

    def encoded(self, *, round_bytes: bytes, seals: tuple[bytes, ...]) -> bytes:
        return rlp.encode([self.vanity, list(self.validators), self.vote, round_bytes, list(seals)])


@dataclass(frozen=True)
class Header:
    fields: tuple[bytes, ...]
    extra: ExtraData

    @property
    def number(self) -> int:
        return int.from_bytes(self.fields[NUMBER], "big")

    @property
    def state_root(self) -> bytes:
        return self.fields[STATE_ROOT]

    @property
    def transactions_root(self) -> bytes:
        return self.fields[TRANSACTIONS_ROOT]

    @property
    def receipts_root(self) -> bytes:
        return self.fields[RECEIPTS_ROOT]

    def _hash_with_extra(self, extra_data: bytes) -> bytes:
        fields = list(self.fields)
        fields[EXTRA_DATA] = extra_data
        return keccak(rlp.encode(fields))

    @property
    def hash(self) -> bytes:
        """The on-chain block hash: round 0, no seals."""
        return self._hash_with_extra(self.extra.encoded(round_bytes=b"", seals=()))

    @property
    def commit_seal_digest(self) -> bytes:
        """What each commit seal signs: the actual round, no seals."""
        return self._hash_with_extra(self.extra.encoded(round_bytes=self.extra.round, seals=()))


def _byte_list(item: object, what: str, length: int) -> tuple[bytes, ...]:
    if not isinstance(item, list) or not all(
        isinstance(entry, bytes) and len(entry) == length for entry in item
    ):
        raise HeaderError(f"extraData {what} must be a list of {length}-byte strings")
    return tuple(item)


def decode_extra_data(data: bytes) -> ExtraData:
    try:
        items = rlp.decode(data, strict=True)
    except DecodingError as error:
        raise HeaderError(f"extraData is not RLP: {error}") from error
    if not isinstance(items, list) or len(items) != 5:
        raise HeaderError("extraData must be an RLP list of 5 items")
    vanity, validators, vote, round_bytes, seals = items
    if not isinstance(vanity, bytes) or len(vanity) != 32:
        raise HeaderError("extraData vanity must be 32 bytes")
    if not isinstance(vote, list) or not all(isinstance(part, bytes) for part in vote):
        raise HeaderError("extraData vote must be a list of byte strings")
    if not isinstance(round_bytes, bytes) or len(round_bytes) > 4 or round_bytes[:1] == b"\0":
        raise HeaderError("extraData round must be a minimal 32-bit scalar")
    return ExtraData(
        vanity=vanity,
        validators=_byte_list(validators, "validators", 20),
        vote=vote,
        round=round_bytes,
        seals=_byte_list(seals, "seals", 65),
    )


def decode_header(raw: bytes) -> Header:
    """A sealed Prague QBFT header from its RLP; only the canonical encoding is accepted."""
    try:
        fields = rlp.decode(raw, strict=True)
    except DecodingError as error:
        raise HeaderError(f"header is not RLP: {error}") from error
    if (
        not isinstance(fields, list)
        or len(fields) != HEADER_FIELDS
        or not all(isinstance(field, bytes) for field in fields)
    ):
        raise HeaderError(f"header must be an RLP list of {HEADER_FIELDS} byte strings")
    if rlp.encode(fields) != raw:
        raise HeaderError("header is not canonically encoded")
    if fields[NUMBER][:1] == b"\0":
        raise HeaderError("header number has leading zero bytes")
    return Header(tuple(fields), decode_extra_data(fields[EXTRA_DATA]))


def recover_sealer(digest: bytes, seal: bytes) -> bytes:
    """The address whose key produced ``seal`` over ``digest``."""
    r = int.from_bytes(seal[:32], "big")
    s = int.from_bytes(seal[32:64], "big")
    if not (0 < r < SECP256K1_N and 0 < s <= SECP256K1_N // 2):
        raise HeaderError("seal r or s out of range (s must be in the lower half order)")
    if seal[64] not in (0, 1):
        raise HeaderError(f"seal recovery id must be 0 or 1, got {seal[64]}")
    try:
        public_key = PublicKey.from_signature_and_message(seal, digest, hasher=None)
    except Exception as error:  # coincurve raises a bare Exception when nothing recovers
        raise HeaderError(f"seal does not recover a public key: {error}") from error
    return keccak(public_key.format(compressed=False)[1:])[12:]


def quorum(validator_count: int) -> int:
    """ceil(2n/3), Besu's BftHelpers quorum."""
    return -(-2 * validator_count // 3)


def check_seals(header: Header, validators: tuple[bytes, ...]) -> tuple[bytes, ...]:
    """The sealers, after checking a quorum of distinct members of ``validators`` sealed."""
    digest = header.commit_seal_digest
    sealers: list[bytes] = []
    for seal in header.extra.seals:
        sealer = recover_sealer(digest, seal)
        if sealer not in validators:
            raise HeaderError(f"seal by 0x{sealer.hex()}, which is not a validator")
        if sealer in sealers:
            raise HeaderError(f"0x{sealer.hex()} sealed twice")
        sealers.append(sealer)
    needed = quorum(len(validators))
    if len(sealers) < needed:
        raise HeaderError(f"{len(sealers)} commit seals, quorum is {needed}")
    return tuple(sealers)
