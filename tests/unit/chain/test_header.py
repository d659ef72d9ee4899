"""A QBFT header hashes as Besu's: the block hash ignores round and seals, the commit-seal
digest covers the round but not the seals."""

from __future__ import annotations

from collections.abc import Callable

import rlp
from eth.vm.forks.prague.blocks import PragueBlockHeader

from node.chain.extra_data import (
    QbftExtraData,
    encode_extra_data,
    encode_for_block_hash,
    encode_for_commit_seal,
)
from node.chain.header import (
    BFT_DIFFICULTY,
    BFT_MIX_HASH,
    BFT_NONCE,
    QbftBlockHeader,
    block_hash,
    commit_seal_digest,
)

MakeHeader = Callable[..., QbftBlockHeader]

VALIDATORS = (b"\x01" * 20, b"\x02" * 20, b"\x03" * 20, b"\x04" * 20)
EXTRA = QbftExtraData(b"\x07" * 32, VALIDATORS, None, 0, ())
SEALS = (b"\x0a" * 65, b"\x0b" * 65, b"\x0c" * 65)


def stock_prague_hash(header: QbftBlockHeader, extra_data: bytes) -> bytes:
    """keccak(RLP(header)) as py-evm's own Prague header computes it, with ``extra_data``."""
    fields = {name: getattr(header, name) for name, _ in PragueBlockHeader._meta.fields}
    fields["extra_data"] = extra_data
    return PragueBlockHeader(**fields).hash


def test_the_bft_mix_hash_is_besus_constant() -> None:
    mix_hash = bytes(BFT_MIX_HASH)
    assert mix_hash.hex() == "63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365"
    assert mix_hash.decode("ascii") == "ctical byzantine fault tolerance"


def test_bft_headers_carry_difficulty_1_and_a_zero_nonce() -> None:
    assert BFT_DIFFICULTY == 1
    assert BFT_NONCE == b"\x00" * 8


def test_the_block_hash_is_keccak_of_the_header_with_extra_data_in_block_hash_form(
    make_header: MakeHeader,
) -> None:
    header = make_header(EXTRA.with_round(3).with_seals(SEALS))
    assert header.hash == stock_prague_hash(header, encode_for_block_hash(EXTRA))
    assert block_hash(header) == header.hash


def test_the_block_hash_is_unchanged_by_seals(make_header: MakeHeader) -> None:
    unsealed = make_header(EXTRA)
    assert make_header(EXTRA.with_seals(SEALS)).hash == unsealed.hash
    assert make_header(EXTRA.with_seals(SEALS[:1])).hash == unsealed.hash


def test_the_block_hash_is_unchanged_by_the_round(make_header: MakeHeader) -> None:
    assert make_header(EXTRA.with_round(5)).hash == make_header(EXTRA).hash


def test_the_block_hash_changes_with_the_validators(make_header: MakeHeader) -> None:
    fewer = QbftExtraData(EXTRA.vanity, VALIDATORS[:3], None, 0, ())
    assert make_header(fewer).hash != make_header(EXTRA).hash


def test_the_commit_seal_digest_is_keccak_of_the_header_with_the_round_and_no_seals(
    make_header: MakeHeader,
) -> None:
    with_round = EXTRA.with_round(3)
    header = make_header(with_round.with_seals(SEALS))
    assert commit_seal_digest(header) == stock_prague_hash(
        header, encode_for_commit_seal(with_round)
    )


def test_the_commit_seal_digest_changes_with_the_round(make_header: MakeHeader) -> None:
    assert commit_seal_digest(make_header(EXTRA.with_round(1))) != commit_seal_digest(
        make_header(EXTRA)
    )


def test_the_commit_seal_digest_is_unchanged_by_seals(make_header: MakeHeader) -> None:
    header = make_header(EXTRA.with_round(2))
    sealed = make_header(EXTRA.with_round(2).with_seals(SEALS))
    assert commit_seal_digest(sealed) == commit_seal_digest(header)


def test_at_round_zero_the_commit_seal_digest_is_the_block_hash(make_header: MakeHeader) -> None:
    header = make_header(EXTRA.with_seals(SEALS))
    assert commit_seal_digest(header) == header.hash


def test_a_header_survives_rlp_encoding_with_its_class_and_hash(make_header: MakeHeader) -> None:
    header = make_header(EXTRA.with_round(9).with_seals(SEALS))
    decoded = rlp.decode(rlp.encode(header), sedes=QbftBlockHeader)
    assert type(decoded) is QbftBlockHeader
    assert decoded == header
    assert decoded.hash == header.hash
    assert decoded.extra_data == encode_extra_data(EXTRA.with_round(9).with_seals(SEALS))


def test_a_copied_header_does_not_keep_the_hash_of_the_original(make_header: MakeHeader) -> None:
    header = make_header(EXTRA)
    original_hash = header.hash
    assert header.copy(timestamp=header.timestamp + 1).hash != original_hash


def test_the_qbft_extra_property_decodes_the_extra_data(make_header: MakeHeader) -> None:
    assert make_header(EXTRA.with_round(4).with_seals(SEALS)).qbft_extra == EXTRA.with_round(
        4
    ).with_seals(SEALS)


def test_copying_a_header_changes_only_the_given_fields(make_header: MakeHeader) -> None:
    header = make_header(EXTRA)
    copied = header.copy(gas_used=21_000)
    assert copied.gas_used == 21_000
    assert header.gas_used != 21_000
    assert rlp.encode(copied) == rlp.encode(
        rlp.sedes.Serializable.copy(header, gas_used=21_000)  # rlp's own deep copy
    )
