"""QBFT extraData is byte-compatible with Hyperledger Besu's codec.

Vectors: tests/fixtures/qbft/extra_data_vectors.json (Besu's tests and docs, see
tests/fixtures/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rlp
from hypothesis import given
from hypothesis import strategies as st

from node.chain.extra_data import (
    InvalidExtraData,
    QbftExtraData,
    Vote,
    decode_extra_data,
    encode_extra_data,
    encode_for_block_hash,
    encode_for_commit_seal,
)

VECTORS_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "qbft" / "extra_data_vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text())["vectors"]

# Pieces of the besu_codec_test_full vector, in RLP.
FULL_VANITY = "a0" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
FULL_VALIDATORS = "ea" + "94" + "00" * 19 + "01" + "94" + "00" * 19 + "02"
FULL_VOTE = "d7" + "94" + "00" * 19 + "01" + "81ff"
FULL_ROUND = "83fedcba"
ZERO_ADDRESS_VANITY = b"\x00" * 32


def unhex(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


def expected_extra(decoded: dict[str, Any]) -> QbftExtraData:
    vote = decoded["vote"]
    return QbftExtraData(
        vanity=unhex(decoded["vanity"]),
        validators=tuple(unhex(address) for address in decoded["validators"]),
        vote=None if vote is None else Vote(unhex(vote["recipient"]), add=vote["add"]),
        round=decoded["round"],
        seals=tuple(unhex(seal) for seal in decoded["seals"]),
    )


def full_vector() -> QbftExtraData:
    (vector,) = (v for v in VECTORS if v["name"] == "besu_codec_test_full")
    return decode_extra_data(unhex(vector["rlp"]))


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_each_besu_vector_decodes_to_its_listed_fields(vector: dict[str, Any]) -> None:
    assert decode_extra_data(unhex(vector["rlp"])) == expected_extra(vector["decoded"])


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_each_besu_vector_re_encodes_byte_for_byte(vector: dict[str, Any]) -> None:
    assert encode_extra_data(expected_extra(vector["decoded"])) == unhex(vector["rlp"])


def test_the_block_hash_form_has_round_zero_and_an_empty_seal_list() -> None:
    payload = FULL_VANITY + FULL_VALIDATORS + FULL_VOTE + "80" + "c0"
    assert encode_for_block_hash(full_vector()) == unhex("f866" + payload)


def test_the_commit_seal_form_keeps_the_real_round_and_an_empty_seal_list() -> None:
    payload = FULL_VANITY + FULL_VALIDATORS + FULL_VOTE + FULL_ROUND + "c0"
    assert encode_for_commit_seal(full_vector()) == unhex("f869" + payload)


@pytest.mark.parametrize("encode", [encode_for_block_hash, encode_for_commit_seal])
def test_both_reduced_forms_stay_five_item_lists_ending_in_an_empty_list(
    encode: Any,
) -> None:
    items = rlp.decode(encode(full_vector()))
    assert len(items) == 5
    assert items[4] == []


def test_the_reduced_forms_of_round_zero_without_seals_equal_the_full_encoding() -> None:
    extra = QbftExtraData(ZERO_ADDRESS_VANITY, (b"\x01" * 20,), None, 0, ())
    assert encode_for_block_hash(extra) == encode_extra_data(extra)
    assert encode_for_commit_seal(extra) == encode_extra_data(extra)


def test_an_add_vote_encodes_its_type_as_0xff() -> None:
    extra = QbftExtraData(ZERO_ADDRESS_VANITY, (), Vote(b"\x01" * 20, add=True), 0, ())
    assert encode_extra_data(extra) == unhex(
        "f83c" + "a0" + "00" * 32 + "c0" + "d7" + "94" + "01" * 20 + "81ff" + "80" + "c0"
    )


def test_a_drop_vote_encodes_its_type_as_0x80() -> None:
    extra = QbftExtraData(ZERO_ADDRESS_VANITY, (), Vote(b"\x01" * 20, add=False), 0, ())
    assert encode_extra_data(extra) == unhex(
        "f83b" + "a0" + "00" * 32 + "c0" + "d6" + "94" + "01" * 20 + "80" + "80" + "c0"
    )


def test_a_drop_vote_decodes_as_a_drop() -> None:
    encoded = unhex("f83b" + "a0" + "00" * 32 + "c0" + "d6" + "94" + "01" * 20 + "80" + "80" + "c0")
    assert decode_extra_data(encoded).vote == Vote(b"\x01" * 20, add=False)


def test_with_round_and_with_seals_change_only_that_field() -> None:
    extra = full_vector()
    assert extra.with_round(7) == QbftExtraData(
        extra.vanity, extra.validators, extra.vote, 7, extra.seals
    )
    assert extra.with_seals(()) == QbftExtraData(
        extra.vanity, extra.validators, extra.vote, extra.round, ()
    )


VANITY = b"\x00" * 32
VALIDATOR = b"\x01" * 20
SEAL = b"\x02" * 65

MALFORMED: list[tuple[str, bytes, str]] = [
    ("not RLP: a truncated list", unhex("f866a00102"), "extraData is not valid RLP"),
    (
        "not RLP: a trailing byte",
        rlp.encode([VANITY, [], [], b"", []]) + b"\x00",
        "extraData is not valid RLP",
    ),
    (
        "not RLP: round 5 as a one-byte string 0x8105",
        unhex("f83b" + "a0" + "00" * 32 + "d5" + "94" + "01" * 20 + "c0" + "8105" + "c0"),
        "extraData is not valid RLP",
    ),
    ("a byte string, not a list", rlp.encode(VANITY), "extraData must be an RLP list of 5 items"),
    (
        "4 items",
        rlp.encode([VANITY, [VALIDATOR], [], b""]),
        "extraData must be an RLP list of 5 items",
    ),
    (
        "6 items",
        rlp.encode([VANITY, [VALIDATOR], [], b"", [], []]),
        "extraData must be an RLP list of 5 items",
    ),
    (
        "vanity of 31 bytes",
        rlp.encode([b"\x00" * 31, [VALIDATOR], [], b"", []]),
        "vanity must be 32 bytes, got 31",
    ),
    ("vanity a list", rlp.encode([[], [VALIDATOR], [], b"", []]), "vanity must be a byte string"),
    (
        "validator of 19 bytes",
        rlp.encode([VANITY, [b"\x01" * 19], [], b"", []]),
        "validator address must be 20 bytes: 0x" + "01" * 19,
    ),
    (
        "validators not a list",
        rlp.encode([VANITY, VALIDATOR, [], b"", []]),
        "validators must be a list of byte strings",
    ),
    (
        "round with a leading zero",
        rlp.encode([VANITY, [VALIDATOR], [], b"\x00\x01", []]),
        "round has leading zero bytes",
    ),
    (
        "round zero written as 0x00",
        rlp.encode([VANITY, [VALIDATOR], [], b"\x00", []]),
        "round has leading zero bytes",
    ),
    (
        "round above 32 bits",
        rlp.encode([VANITY, [VALIDATOR], [], b"\x01\x00\x00\x00\x00", []]),
        "round does not fit in 32 bits",
    ),
    ("round a list", rlp.encode([VANITY, [VALIDATOR], [], [], []]), "round must be a scalar"),
    (
        "seal of 64 bytes",
        rlp.encode([VANITY, [VALIDATOR], [], b"", [b"\x02" * 64]]),
        "commit seal must be 65 bytes, got 64",
    ),
    (
        "seals not a list",
        rlp.encode([VANITY, [VALIDATOR], [], b"", SEAL]),
        "seals must be a list of byte strings",
    ),
    (
        "vote type 0x01",
        rlp.encode([VANITY, [VALIDATOR], [VALIDATOR, b"\x01"], b"", []]),
        "vote type must be 0xff or 0x80, got 0x01",
    ),
    (
        "vote a byte string (IBFT 2.0 style)",
        rlp.encode([VANITY, [VALIDATOR], b"", b"\x00\x00\x00\x00", []]),
        "vote must be a list",
    ),
    (
        "vote of one item",
        rlp.encode([VANITY, [VALIDATOR], [VALIDATOR], b"", []]),
        "vote must be [recipient, type]",
    ),
    (
        "vote recipient of 19 bytes",
        rlp.encode([VANITY, [VALIDATOR], [b"\x01" * 19, b"\xff"], b"", []]),
        "vote recipient must be 20 bytes",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_extra_data_is_refused_with_the_rule_it_breaks(data: bytes, message: str) -> None:
    with pytest.raises(InvalidExtraData) as refused:
        decode_extra_data(data)
    assert str(refused.value).startswith(message)


def test_a_round_of_2_to_the_32_cannot_be_built() -> None:
    with pytest.raises(InvalidExtraData, match="round out of range: 4294967296"):
        QbftExtraData(VANITY, (VALIDATOR,), None, 2**32, ())


def test_the_largest_32_bit_round_round_trips() -> None:
    extra = QbftExtraData(VANITY, (VALIDATOR,), None, 2**32 - 1, ())
    encoded = encode_extra_data(extra)
    assert rlp.decode(encoded)[3] == b"\xff\xff\xff\xff"
    assert decode_extra_data(encoded) == extra


addresses = st.binary(min_size=20, max_size=20)
extras = st.builds(
    QbftExtraData,
    vanity=st.binary(min_size=32, max_size=32),
    validators=st.lists(addresses, max_size=5).map(tuple),
    vote=st.none() | st.builds(Vote, addresses, st.booleans()),
    round=st.integers(min_value=0, max_value=2**32 - 1),
    seals=st.lists(st.binary(min_size=65, max_size=65), max_size=4).map(tuple),
)


@given(extras)
def test_any_extra_data_survives_encoding_and_decoding(extra: QbftExtraData) -> None:
    assert decode_extra_data(encode_extra_data(extra)) == extra


@given(extras)
def test_the_block_hash_form_ignores_round_and_seals(extra: QbftExtraData) -> None:
    assert encode_for_block_hash(extra) == encode_extra_data(extra.with_round(0).with_seals(()))
