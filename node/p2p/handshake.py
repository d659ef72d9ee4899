"""The handshake that proves each side holds its node key (pure: no sockets, no clock).

The initiator sends its public key and a fresh nonce; the responder answers with its own and
a signature; the initiator signs last. Both sign one transcript that binds both nonces, both
public keys and the chain's genesis hash, each with its role prefixed, so a signature cannot be
replayed in another session, against another node, on another chain, or reflected back to
the side that made it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from coincurve import PublicKey
from eth_utils import keccak

from node.chain.seals import SECP256K1_N, sign_digest

DOMAIN = b"dcl-p2p-handshake-v1"
NONCE_BYTES = 32
_HALF_N = SECP256K1_N // 2


class Role(enum.Enum):
    INITIATOR = b"initiator"
    RESPONDER = b"responder"


class HandshakeRefusal(enum.Enum):
    """Why a handshake failed; sent to the other side as the WebSocket close message."""

    MALFORMED = "malformed handshake message"
    WRONG_CHAIN = "peer is on another chain (genesis hash differs)"
    NOT_ALLOWLISTED = "node key is not allowlisted"
    UNEXPECTED_KEY = "peer presented another node key than its URL names"
    BAD_SIGNATURE = "transcript signature does not verify"
    SELF = "connection to self"
    TIMEOUT = "handshake timed out"


class HandshakeError(Exception):
    def __init__(self, refusal: HandshakeRefusal, detail: str = "") -> None:
        super().__init__(refusal.value + (f": {detail}" if detail else ""))
        self.refusal = refusal


@dataclass(frozen=True)
class Transcript:
    genesis_hash: bytes
    initiator_nonce: bytes
    responder_nonce: bytes
    initiator_key: bytes
    responder_key: bytes

    def digest(self, role: Role) -> bytes:
        """What the side playing ``role`` signs."""
        return keccak(
            DOMAIN
            + role.value
            + self.genesis_hash
            + self.initiator_nonce
            + self.responder_nonce
            + self.initiator_key
            + self.responder_key
        )

    def sign(self, role: Role, private_key: bytes) -> bytes:
        return sign_digest(private_key, self.digest(role))

    def verify(self, role: Role, signature: bytes) -> None:
        """Raise unless ``signature`` is the low-s signature of the ``role`` side's key."""
        key = self.initiator_key if role is Role.INITIATOR else self.responder_key
        if len(signature) != 65 or signature[64] not in (0, 1):
            raise HandshakeError(HandshakeRefusal.BAD_SIGNATURE, "not a 65-byte signature")
        if int.from_bytes(signature[32:64], "big") > _HALF_N:
            raise HandshakeError(HandshakeRefusal.BAD_SIGNATURE, "high-s signature")
        try:
            recovered = PublicKey.from_signature_and_message(
                signature, self.digest(role), hasher=None
            ).format(compressed=False)[1:]
        except Exception:  # coincurve raises a bare Exception when recovery fails
            raise HandshakeError(HandshakeRefusal.BAD_SIGNATURE) from None
        if recovered != key:
            raise HandshakeError(
                HandshakeRefusal.BAD_SIGNATURE, f"signed by another key ({role.name})"
            )
