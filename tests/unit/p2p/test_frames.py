"""Peer frames round-trip byte for byte; malformed frames raise FrameError."""

from __future__ import annotations

import pytest
import rlp

from node.p2p.frames import (
    Auth,
    Blocks,
    Consensus,
    Frame,
    FrameError,
    GetBlocks,
    Hello,
    HelloReply,
    Peers,
    Status,
    Transactions,
    decode_frame,
    encode_frame,
)

FRAMES: list[Frame] = [
    Hello(b"\x04" * 64, b"\x01" * 32, b"\x02" * 32),
    HelloReply(b"\x04" * 64, b"\x03" * 32, b"\x05" * 65),
    Auth(b"\x06" * 65),
    Status(0, b"\x07" * 32),
    Status(123_456, b"\x08" * 32),
    Transactions((b"\x02\xf8", b"\xf8\x6b")),
    Transactions(()),
    Consensus(0x14, b"\xf8\x01\x02"),
    GetBlocks(1, 64),
    Blocks((b"\xf9\x01", b"\xf9\x02")),
    Peers((b"\x0a" * 20, b"\x0b" * 20)),
    Peers(()),
]


@pytest.mark.parametrize("frame", FRAMES)
def test_every_frame_decodes_to_itself(frame: Frame) -> None:
    assert decode_frame(encode_frame(frame)) == frame


def test_a_status_frame_is_its_kind_byte_then_an_rlp_list() -> None:
    assert encode_frame(Status(1, b"\xab" * 32)) == b"\x10" + rlp.encode([1, b"\xab" * 32])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty frame"),
        (b"\x7f" + rlp.encode([]), "unknown frame kind 0x7f"),
        (b"\x10" + b"\xc3\x01", "STATUS: not RLP"),
        (b"\x10" + rlp.encode(b"x"), "STATUS: expected an RLP list"),
        (b"\x10" + rlp.encode([1]), "STATUS: expected 2 fields, got 1"),
        (b"\x10" + rlp.encode([[1], b"h"]), "STATUS: expected a byte string"),
        (b"\x13" + rlp.encode([1, 65]), "GET_BLOCKS: count must be 1..64, got 65"),
        (b"\x13" + rlp.encode([1, 0]), "GET_BLOCKS: count must be 1..64, got 0"),
        (b"\x12" + rlp.encode([b"\x00\x14", b""]), "CONSENSUS: integer with leading zero"),
        (b"\x15" + rlp.encode([b"\x0a" * 19]), "PEERS: an address must be 20 bytes"),
        (b"\x15" + rlp.encode([b"\x0a" * 20] * 1025), "PEERS: at most 1024 addresses, got 1025"),
    ],
)
def test_a_malformed_frame_is_refused_with_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        decode_frame(data)
