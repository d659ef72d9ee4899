"""The messages peers exchange, one per WebSocket binary frame: a kind byte, then an RLP list.

Pure encoding and decoding; anything malformed raises :class:`FrameError` so the connection
can drop the peer with a reason. QBFT messages travel as their unchanged Besu bytes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import rlp
from rlp.exceptions import DecodingError

MAX_BLOCKS_PER_REQUEST = 64
MAX_PEERS_LISTED = 1024
ADDRESS_BYTES = 20


class FrameError(ValueError):
    """A frame that does not decode to a known message."""


class Kind(enum.IntEnum):
    HELLO = 0x01
    HELLO_REPLY = 0x02
    AUTH = 0x03
    STATUS = 0x10
    TRANSACTIONS = 0x11
    CONSENSUS = 0x12
    GET_BLOCKS = 0x13
    BLOCKS = 0x14
    PEERS = 0x15


@dataclass(frozen=True)
class Hello:
    public_key: bytes
    nonce: bytes
    genesis_hash: bytes


@dataclass(frozen=True)
class HelloReply:
    public_key: bytes
    nonce: bytes
    signature: bytes


@dataclass(frozen=True)
class Auth:
    signature: bytes


@dataclass(frozen=True)
class Status:
    """The sender's head; sent after the handshake and after every new head."""

    head_number: int
    head_hash: bytes


@dataclass(frozen=True)
class Transactions:
    raw: tuple[bytes, ...]


@dataclass(frozen=True)
class Consensus:
    code: int
    data: bytes


@dataclass(frozen=True)
class GetBlocks:
    start: int
    count: int


@dataclass(frozen=True)
class Blocks:
    """RLP-encoded sealed blocks, consecutive from the requested number (fewer at the head)."""

    encoded: tuple[bytes, ...]


@dataclass(frozen=True)
class Peers:
    """The addresses of the sender's linked peers; sent after connecting and when its links
    change, so that its peers need not relay it what it gets from their authors directly."""

    addresses: tuple[bytes, ...]


Frame = Hello | HelloReply | Auth | Status | Transactions | Consensus | GetBlocks | Blocks | Peers


def encode_frame(frame: Frame) -> bytes:
    kind, fields = _fields(frame)
    return bytes([kind]) + rlp.encode(fields)


def _fields(frame: Frame) -> tuple[Kind, list[object]]:
    if isinstance(frame, Hello):
        return Kind.HELLO, [frame.public_key, frame.nonce, frame.genesis_hash]
    if isinstance(frame, HelloReply):
        return Kind.HELLO_REPLY, [frame.public_key, frame.nonce, frame.signature]
    if isinstance(frame, Auth):
        return Kind.AUTH, [frame.signature]
    if isinstance(frame, Status):
        return Kind.STATUS, [frame.head_number, frame.head_hash]
    if isinstance(frame, Transactions):
        return Kind.TRANSACTIONS, list(frame.raw)
    if isinstance(frame, Consensus):
        return Kind.CONSENSUS, [frame.code, frame.data]
    if isinstance(frame, GetBlocks):
        return Kind.GET_BLOCKS, [frame.start, frame.count]
    if isinstance(frame, Peers):
        return Kind.PEERS, list(frame.addresses)
    return Kind.BLOCKS, list(frame.encoded)


def decode_frame(data: bytes) -> Frame:
    if not data:
        raise FrameError("empty frame")
    try:
        kind = Kind(data[0])
    except ValueError:
        raise FrameError(f"unknown frame kind 0x{data[0]:02x}") from None
    try:
        fields = rlp.decode(data[1:], strict=True)
    except DecodingError as error:
        raise FrameError(f"{kind.name}: not RLP ({error})") from None
    if not isinstance(fields, list):
        raise FrameError(f"{kind.name}: expected an RLP list")
    return _decode_fields(kind, fields)


def _decode_fields(kind: Kind, fields: list[object]) -> Frame:
    if kind in (Kind.TRANSACTIONS, Kind.BLOCKS):
        items = tuple(_bytes(kind, item) for item in fields)
        return Transactions(items) if kind is Kind.TRANSACTIONS else Blocks(items)
    if kind is Kind.PEERS:
        return _peers(fields)
    expected = {Kind.HELLO: 3, Kind.HELLO_REPLY: 3, Kind.AUTH: 1}.get(kind, 2)
    if len(fields) != expected:
        raise FrameError(f"{kind.name}: expected {expected} fields, got {len(fields)}")
    values = [_bytes(kind, item) for item in fields]
    if kind is Kind.HELLO:
        return Hello(*values)
    if kind is Kind.HELLO_REPLY:
        return HelloReply(*values)
    if kind is Kind.AUTH:
        return Auth(values[0])
    if kind is Kind.STATUS:
        return Status(_int(kind, values[0]), values[1])
    if kind is Kind.CONSENSUS:
        return Consensus(_int(kind, values[0]), values[1])
    start, count = _int(kind, values[0]), _int(kind, values[1])
    if not 1 <= count <= MAX_BLOCKS_PER_REQUEST:
        raise FrameError(f"GET_BLOCKS: count must be 1..{MAX_BLOCKS_PER_REQUEST}, got {count}")
    return GetBlocks(start, count)


def _peers(fields: list[object]) -> Peers:
    if len(fields) > MAX_PEERS_LISTED:
        raise FrameError(f"PEERS: at most {MAX_PEERS_LISTED} addresses, got {len(fields)}")
    addresses = tuple(_bytes(Kind.PEERS, item) for item in fields)
    if any(len(address) != ADDRESS_BYTES for address in addresses):
        raise FrameError(f"PEERS: an address must be {ADDRESS_BYTES} bytes")
    return Peers(addresses)


def _bytes(kind: Kind, item: object) -> bytes:
    if not isinstance(item, bytes):
        raise FrameError(f"{kind.name}: expected a byte string, got a list")
    return item


def _int(kind: Kind, item: bytes) -> int:
    if item[:1] == b"\x00":
        raise FrameError(f"{kind.name}: integer with leading zero")
    return int.from_bytes(item, "big")
