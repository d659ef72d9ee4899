"""The verifier's own QBFT header code agrees with the node's byte for byte: extraData of
Besu's vectors, both header hashes, seal recovery and the quorum rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rlp

from client.certificate.qbft import (
    HeaderError,
    check_seals,
    decode_extra_data,
    decode_header,
    quorum,
    recover_sealer,
)
from node.chain.extra_data import QbftExtraData, encode_extra_data
from node.chain.header import BFT_MIX_HASH, QbftBlockHeader, block_hash, commit_seal_digest
from node.chain.header_rules import quorum as node_quorum
from node.chain.seals import SECP256K1_N, address_of, recover_signer, sign_digest

VECTORS = Path(__file__).resolve().parents[2] / "fixtures" / "qbft" / "extra_data_vectors.json"
KEYS = [bytes([i]) * 32 for i in range(1, 6)]
VALIDATORS = tuple(sorted(address_of(key) for key in KEYS[:4]))


def sealed_header(round_number: int = 3, keys: list[bytes] = KEYS[:3]) -> QbftBlockHeader:
    extra = QbftExtraData(b"\x07" * 32, VALIDATORS, None, round_number, ())
    header = QbftBlockHeader(
        difficulty=1,
        block_number=12,
        gas_limit=30_000_000,
        timestamp=1_700_000_024,
        coinbase=VALIDATORS[0],
        extra_data=encode_extra_data(extra),
        mix_hash=BFT_MIX_HASH,
        base_fee_per_gas=0,
    )
    digest = commit_seal_digest(header)
    seals = tuple(sign_digest(key, digest) for key in keys)
    return header.copy(extra_data=encode_extra_data(extra.with_seals(seals)))


@pytest.mark.parametrize(
    "vector", json.loads(VECTORS.read_text())["vectors"], ids=lambda vector: vector["name"]
)
def test_extra_data_of_besus_vectors_decodes_to_their_fields(vector: dict[str, object]) -> None:
    raw = bytes.fromhex(str(vector["rlp"])[2:])
    decoded = vector["decoded"]
    assert isinstance(decoded, dict)
    extra = decode_extra_data(raw)
    assert ["0x" + v.hex() for v in extra.validators] == decoded["validators"]
    assert int.from_bytes(extra.round, "big") == decoded["round"]
    assert ["0x" + s.hex() for s in extra.seals] == decoded["seals"]
    assert extra.encoded(round_bytes=extra.round, seals=extra.seals) == raw


def test_the_block_hash_is_the_nodes() -> None:
    header = sealed_header()
    assert decode_header(rlp.encode(header)).hash == block_hash(header) == header.hash


def test_the_commit_seal_digest_is_the_nodes_and_covers_the_round() -> None:
    header = sealed_header(round_number=3)
    decoded = decode_header(rlp.encode(header))
    assert decoded.commit_seal_digest == commit_seal_digest(header)
    assert (
        decoded.commit_seal_digest != decode_header(rlp.encode(sealed_header(0))).commit_seal_digest
    )


def test_the_header_fields_a_verifier_reads() -> None:
    header = sealed_header()
    decoded = decode_header(rlp.encode(header))
    assert (decoded.number, decoded.state_root) == (12, header.state_root)
    assert (decoded.transactions_root, decoded.receipts_root) == (
        header.transaction_root,
        header.receipt_root,
    )


def test_a_seal_recovers_the_same_address_as_the_node() -> None:
    digest = commit_seal_digest(sealed_header())
    seal = sign_digest(KEYS[0], digest)
    assert recover_sealer(digest, seal) == recover_signer(digest, seal) == address_of(KEYS[0])


def test_a_high_s_seal_is_refused() -> None:
    digest = commit_seal_digest(sealed_header())
    seal = sign_digest(KEYS[0], digest)
    s = SECP256K1_N - int.from_bytes(seal[32:64], "big")
    high = seal[:32] + s.to_bytes(32, "big") + bytes([seal[64] ^ 1])
    with pytest.raises(HeaderError, match="lower half order"):
        recover_sealer(digest, high)


def test_a_recovery_id_above_one_is_refused() -> None:
    digest = commit_seal_digest(sealed_header())
    seal = sign_digest(KEYS[0], digest)
    with pytest.raises(HeaderError, match="recovery id must be 0 or 1, got 27"):
        recover_sealer(digest, seal[:64] + b"\x1b")


def test_three_of_four_validators_are_a_quorum() -> None:
    header = decode_header(rlp.encode(sealed_header(keys=KEYS[:3])))
    assert sorted(check_seals(header, VALIDATORS)) == sorted(address_of(k) for k in KEYS[:3])


def test_two_of_four_validators_are_not_a_quorum() -> None:
    header = decode_header(rlp.encode(sealed_header(keys=KEYS[:2])))
    with pytest.raises(HeaderError, match=r"^2 commit seals, quorum is 3$"):
        check_seals(header, VALIDATORS)


def test_a_seal_of_a_non_validator_is_refused() -> None:
    header = decode_header(rlp.encode(sealed_header(keys=[KEYS[4], *KEYS[:3]])))
    with pytest.raises(HeaderError, match=f"seal by 0x{address_of(KEYS[4]).hex()}"):
        check_seals(header, VALIDATORS)


@pytest.mark.parametrize("count", range(1, 25))
def test_the_quorum_is_the_nodes(count: int) -> None:
    assert quorum(count) == node_quorum(count)


def test_a_header_with_trailing_bytes_is_refused() -> None:
    with pytest.raises(HeaderError, match="header is not RLP"):
        decode_header(rlp.encode(sealed_header()) + b"\x00")


def test_a_header_of_another_field_count_is_refused() -> None:
    fields = list(rlp.decode(rlp.encode(sealed_header())))
    with pytest.raises(HeaderError, match="list of 21 byte strings"):
        decode_header(rlp.encode(fields[:20]))


def test_a_number_with_a_leading_zero_is_refused() -> None:
    fields = list(rlp.decode(rlp.encode(sealed_header())))
    fields[8] = b"\x00\x0c"
    with pytest.raises(HeaderError, match="leading zero"):
        decode_header(rlp.encode(fields))
