"""Commit seals: 65-byte ``r || s || recovery_id`` secp256k1 signatures, low-s only."""

from __future__ import annotations

import pytest
from eth_account import Account
from hypothesis import given, settings
from hypothesis import strategies as st

from node.chain.seals import (
    SECP256K1_N,
    InvalidSeal,
    address_of,
    recover_signer,
    sign_digest,
)

KEY = b"\x11" * 32
DIGEST = bytes.fromhex("5c" * 32)


def split(seal: bytes) -> tuple[int, int, int]:
    return int.from_bytes(seal[:32], "big"), int.from_bytes(seal[32:64], "big"), seal[64]


def join(r: int, s: int, recovery_id: int) -> bytes:
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([recovery_id])


def test_the_address_of_a_key_is_the_one_eth_account_derives() -> None:
    assert address_of(KEY) == bytes.fromhex(Account.from_key(KEY).address[2:])
    assert address_of(KEY) == bytes.fromhex("19e7e376e7c213b7e7e7e46cc70a5dd086daff2a")


def test_a_seal_is_65_bytes_with_recovery_id_0_or_1() -> None:
    seal = sign_digest(KEY, DIGEST)
    assert len(seal) == 65
    assert seal[64] in (0, 1)


def test_a_seal_recovers_to_the_signers_address() -> None:
    assert recover_signer(DIGEST, sign_digest(KEY, DIGEST)) == address_of(KEY)


def test_a_seal_matches_an_eth_account_signature_of_the_same_digest() -> None:
    signed = Account.unsafe_sign_hash(DIGEST, KEY)
    assert sign_digest(KEY, DIGEST) == join(signed.r, signed.s, signed.v - 27)


def test_a_seal_over_another_digest_recovers_another_address() -> None:
    seal = sign_digest(KEY, bytes(32))
    assert recover_signer(DIGEST, seal) != address_of(KEY)


@settings(max_examples=25)
@given(digest=st.binary(min_size=32, max_size=32))
def test_signing_always_produces_a_low_s_seal(digest: bytes) -> None:
    _, s, _ = split(sign_digest(KEY, digest))
    assert 0 < s <= SECP256K1_N // 2


def test_the_high_s_twin_of_a_valid_seal_is_refused() -> None:
    r, s, recovery_id = split(sign_digest(KEY, DIGEST))
    twin = join(r, SECP256K1_N - s, recovery_id ^ 1)
    with pytest.raises(InvalidSeal, match=r"s must be in the lower half order"):
        recover_signer(DIGEST, twin)


def test_recovery_id_2_is_refused() -> None:
    r, s, _ = split(sign_digest(KEY, DIGEST))
    with pytest.raises(InvalidSeal, match="seal recovery id must be 0 or 1, got 2"):
        recover_signer(DIGEST, join(r, s, 2))


@pytest.mark.parametrize("length", [0, 64, 66])
def test_a_seal_of_the_wrong_length_is_refused(length: int) -> None:
    seal = (sign_digest(KEY, DIGEST) + b"\x00")[:length]
    with pytest.raises(InvalidSeal, match=f"seal must be 65 bytes, got {length}"):
        recover_signer(DIGEST, seal)


@pytest.mark.parametrize(
    ("r", "s"),
    [(0, 1), (1, 0), (SECP256K1_N, 1)],
    ids=["r zero", "s zero", "r equal to the group order"],
)
def test_a_seal_with_r_or_s_out_of_range_is_refused(r: int, s: int) -> None:
    with pytest.raises(InvalidSeal, match="seal r or s out of range"):
        recover_signer(DIGEST, join(r, s, 0))
