"""Peer URLs name the key a peer must prove, and nothing malformed gets through."""

from __future__ import annotations

import pytest

from node.chain.seals import address_of
from node.p2p.peer_url import PeerUrl, PeerUrlError, node_public_key, parse_peer_url

KEY = b"\x07" * 32
PUBLIC = node_public_key(KEY)


def test_a_peer_url_round_trips_through_its_text() -> None:
    url = PeerUrl(PUBLIC, "127.0.0.1", 30303)
    assert str(url) == f"dcl://{PUBLIC.hex()}@127.0.0.1:30303"
    assert parse_peer_url(str(url)) == url


def test_a_peer_url_address_is_the_account_address_of_its_key() -> None:
    assert parse_peer_url(f"dcl://{PUBLIC.hex()}@10.0.0.2:1").address == address_of(KEY)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"enode://{PUBLIC.hex()}@127.0.0.1:30303", "expected dcl://"),
        (f"dcl://{PUBLIC.hex()}@127.0.0.1", "expected dcl://"),
        ("dcl://127.0.0.1:30303", "expected dcl://"),
        (f"dcl://{PUBLIC.hex()[:-2]}@127.0.0.1:30303", "must be 64 bytes, got 63"),
        (f"dcl://{'zz' * 64}@127.0.0.1:30303", "not hex"),
        (f"dcl://{'00' * 64}@127.0.0.1:30303", "not a point on secp256k1"),
        (f"dcl://{PUBLIC.hex()}@127.0.0.1:99999", "expected dcl://"),
    ],
)
def test_a_malformed_peer_url_is_refused_with_the_rule_it_breaks(text: str, message: str) -> None:
    with pytest.raises(PeerUrlError, match=message):
        parse_peer_url(text)
