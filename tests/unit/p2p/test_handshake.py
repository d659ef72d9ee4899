"""The handshake transcript binds nonces, keys and genesis; signatures cannot be moved."""

from __future__ import annotations

import dataclasses

import pytest

from node.chain.seals import SECP256K1_N
from node.p2p.handshake import HandshakeError, HandshakeRefusal, Role, Transcript
from node.p2p.peer_url import node_public_key

INITIATOR_KEY = b"\x01" * 32
RESPONDER_KEY = b"\x02" * 32
TRANSCRIPT = Transcript(
    genesis_hash=b"\xaa" * 32,
    initiator_nonce=b"\x10" * 32,
    responder_nonce=b"\x20" * 32,
    initiator_key=node_public_key(INITIATOR_KEY),
    responder_key=node_public_key(RESPONDER_KEY),
)


def test_each_side_verifies_the_others_signature_of_the_transcript() -> None:
    TRANSCRIPT.verify(Role.INITIATOR, TRANSCRIPT.sign(Role.INITIATOR, INITIATOR_KEY))
    TRANSCRIPT.verify(Role.RESPONDER, TRANSCRIPT.sign(Role.RESPONDER, RESPONDER_KEY))


def test_a_signature_by_another_key_is_refused() -> None:
    with pytest.raises(HandshakeError) as refused:
        TRANSCRIPT.verify(Role.INITIATOR, TRANSCRIPT.sign(Role.INITIATOR, b"\x03" * 32))
    assert refused.value.refusal is HandshakeRefusal.BAD_SIGNATURE


def test_the_responders_signature_cannot_be_reflected_as_the_initiators() -> None:
    reflected = Transcript(
        TRANSCRIPT.genesis_hash, TRANSCRIPT.initiator_nonce, TRANSCRIPT.responder_nonce,
        TRANSCRIPT.responder_key, TRANSCRIPT.initiator_key,
    )  # fmt: skip
    with pytest.raises(HandshakeError):
        reflected.verify(Role.INITIATOR, TRANSCRIPT.sign(Role.RESPONDER, RESPONDER_KEY))


@pytest.mark.parametrize("field", ["genesis_hash", "initiator_nonce", "responder_nonce"])
def test_a_signature_from_another_session_or_chain_is_refused(field: str) -> None:
    signature = TRANSCRIPT.sign(Role.INITIATOR, INITIATOR_KEY)
    other = dataclasses.replace(TRANSCRIPT, **{field: b"\x55" * 32})
    with pytest.raises(HandshakeError) as refused:
        other.verify(Role.INITIATOR, signature)
    assert refused.value.refusal is HandshakeRefusal.BAD_SIGNATURE


def test_a_high_s_form_of_a_valid_signature_is_refused() -> None:
    signature = TRANSCRIPT.sign(Role.INITIATOR, INITIATOR_KEY)
    s = int.from_bytes(signature[32:64], "big")
    flipped = signature[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([signature[64] ^ 1])
    with pytest.raises(HandshakeError, match="high-s"):
        TRANSCRIPT.verify(Role.INITIATOR, flipped)


def test_a_signature_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(HandshakeError, match="not a 65-byte signature"):
        TRANSCRIPT.verify(Role.INITIATOR, b"\x01" * 64)
