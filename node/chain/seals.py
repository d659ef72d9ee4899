"""Commit seals: secp256k1 signatures of validators over a header's commit-seal digest.

A seal is 65 bytes ``r || s || recovery_id`` (recovery id 0 or 1), as Besu encodes
``SECPSignature``. Only low-s signatures are accepted (EIP-2), so a seal cannot be re-encoded
into a second valid form.
"""

from __future__ import annotations

from coincurve import PrivateKey, PublicKey
from eth_utils import keccak

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_HALF_N = SECP256K1_N // 2


class InvalidSeal(ValueError):
    """A seal that is malformed or does not recover to a public key."""


def sign_digest(private_key: bytes, digest: bytes) -> bytes:
    """Sign a 32-byte digest; coincurve always produces a low-s signature."""
    return bytes(PrivateKey(private_key).sign_recoverable(digest, hasher=None))


def public_key_to_address(public_key: PublicKey) -> bytes:
    return keccak(public_key.format(compressed=False)[1:])[12:]


def address_of(private_key: bytes) -> bytes:
    return public_key_to_address(PrivateKey(private_key).public_key)


def recover_signer(digest: bytes, seal: bytes) -> bytes:
    """The address that produced ``seal`` over ``digest``."""
    if len(seal) != 65:
        raise InvalidSeal(f"seal must be 65 bytes, got {len(seal)}")
    r = int.from_bytes(seal[0:32], "big")
    s = int.from_bytes(seal[32:64], "big")
    if not (0 < r < SECP256K1_N and 0 < s <= _HALF_N):
        raise InvalidSeal("seal r or s out of range (s must be in the lower half order)")
    if seal[64] not in (0, 1):
        raise InvalidSeal(f"seal recovery id must be 0 or 1, got {seal[64]}")
    try:
        public_key = PublicKey.from_signature_and_message(seal, digest, hasher=None)
    except Exception as error:  # coincurve raises a bare Exception on failure
        raise InvalidSeal(f"seal does not recover a public key: {error}") from error
    return public_key_to_address(public_key)
