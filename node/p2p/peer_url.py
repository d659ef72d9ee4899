"""Peer addresses: ``dcl://<node public key, 128 hex digits>@<host>:<port>``.

Like an enode URL, the address names the key the peer must prove it holds, so a node never
talks to an impostor at a known address.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from coincurve import PrivateKey, PublicKey
from eth_utils import keccak

SCHEME = "dcl"


class PeerUrlError(ValueError):
    """A peer URL that is not ``dcl://<pubkey hex>@host:port``."""


@dataclass(frozen=True)
class PeerUrl:
    public_key: bytes  # 64 bytes, uncompressed without the 0x04 prefix
    host: str
    port: int

    def __str__(self) -> str:
        return f"{SCHEME}://{self.public_key.hex()}@{self.host}:{self.port}"

    @property
    def address(self) -> bytes:
        return public_key_address(self.public_key)


def public_key_address(public_key: bytes) -> bytes:
    """The account address of a 64-byte public key (what genesis lists for validators)."""
    return keccak(public_key)[12:]


def node_public_key(private_key: bytes) -> bytes:
    return PrivateKey(private_key).public_key.format(compressed=False)[1:]


def parse_public_key(text: str) -> bytes:
    text = text.strip().removeprefix("0x")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise PeerUrlError(f"node public key is not hex: {text!r}") from None
    if len(key) != 64:
        raise PeerUrlError(f"node public key must be 64 bytes, got {len(key)}")
    try:
        PublicKey(b"\x04" + key)
    except Exception:  # coincurve raises a bare Exception for a point off the curve
        raise PeerUrlError("node public key is not a point on secp256k1") from None
    return key


def parse_peer_url(text: str) -> PeerUrl:
    parts = urlsplit(text)
    if parts.scheme != SCHEME or not parts.username or parts.password is not None:
        raise PeerUrlError(f"expected {SCHEME}://<pubkey hex>@HOST:PORT, got {text!r}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None or parts.path not in ("", "/"):
        raise PeerUrlError(f"expected {SCHEME}://<pubkey hex>@HOST:PORT, got {text!r}")
    return PeerUrl(parse_public_key(parts.username), parts.hostname, port)
