"""Blob transactions in network form: the sidecar is checked (KZG) and the canonical form kept.

One transaction is the execution-apis fixture's ``send-blob-tx`` (an all-zero blob); the others
carry a blob of non-zero field elements, committed and proven with the KZG trusted setup."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import ckzg
import pytest
import rlp
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth_keys import keys

from node.txpool.blobs import BlobSidecar, split_network_form, trusted_setup, versioned_hash
from node.txpool.encoding import decode_raw_transaction
from node.txpool.errors import InvalidSidecar, MissingSidecar

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "rpc-compat"
    / "eth_sendRawTransaction"
    / "send-blob-tx.io"
)
_request, _response = (
    json.loads(line[3:]) for line in FIXTURE.read_text().splitlines() if line[:3] in (">> ", "<< ")
)
NETWORK_FORM = bytes.fromhex(_request["params"][0][2:])
EXPECTED_HASH = _response["result"]


def decode(raw: bytes) -> object:
    return decode_raw_transaction(
        raw, PragueTransactionBuilder, blobs_enabled=True, require_blob_sidecar=True
    )


def network_form(canonical: bytes, sidecar: BlobSidecar) -> bytes:
    body = rlp.decode(canonical[1:])
    fields = [body, list(sidecar.blobs), list(sidecar.commitments), list(sidecar.proofs)]
    return b"\x03" + rlp.encode(fields)


def blob(seed: int) -> bytes:
    """A blob whose field elements are small non-zero numbers (each below the modulus)."""
    return b"".join((seed + index).to_bytes(32, "big") for index in range(4096))


def signed_with(sidecar: BlobSidecar) -> bytes:
    """A signed blob transaction committing to ``sidecar``'s commitments, in network form."""
    unsigned = PragueTransactionBuilder.new_unsigned_blob_transaction(
        chain_id=1337,
        nonce=0,
        max_priority_fee_per_gas=1,
        max_fee_per_gas=10**9,
        gas=21_000,
        to=b"\x22" * 20,
        value=0,
        data=b"",
        access_list=[],
        max_fee_per_blob_gas=1,
        blob_versioned_hashes=[versioned_hash(c) for c in sidecar.commitments],
    )
    canonical = unsigned.as_signed_transaction(keys.PrivateKey(b"\xa1" * 32)).encode()
    return network_form(canonical, sidecar)


@cache
def proven(data: bytes) -> BlobSidecar:
    setup = trusted_setup()
    commitment = ckzg.blob_to_kzg_commitment(data, setup)
    return BlobSidecar(
        (data,), (commitment,), (ckzg.compute_blob_kzg_proof(data, commitment, setup),)
    )


@cache
def parts() -> tuple[bytes, BlobSidecar]:
    canonical, sidecar = split_network_form(signed_with(proven(blob(1))))
    assert sidecar is not None
    return canonical, sidecar


def test_the_fixture_blob_transaction_decodes_to_its_recorded_hash() -> None:
    tx = decode_raw_transaction(
        NETWORK_FORM, PragueTransactionBuilder, blobs_enabled=True, require_blob_sidecar=True
    )
    assert "0x" + tx.hash.hex() == EXPECTED_HASH


def test_a_blob_transaction_with_a_valid_sidecar_decodes_to_its_canonical_form() -> None:
    canonical, sidecar = parts()
    tx = decode_raw_transaction(
        network_form(canonical, sidecar),
        PragueTransactionBuilder,
        blobs_enabled=True,
        require_blob_sidecar=True,
    )
    assert tx.encode() == canonical


def test_the_fixture_network_form_carries_one_blob_with_its_commitment_and_proof() -> None:
    _, sidecar = split_network_form(NETWORK_FORM)
    assert sidecar is not None
    assert [len(sidecar.blobs[0]), len(sidecar.commitments[0]), len(sidecar.proofs[0])] == [
        131_072,
        48,
        48,
    ]


def test_a_blob_transaction_without_its_sidecar_is_refused_over_rpc() -> None:
    with pytest.raises(MissingSidecar) as error:
        decode(parts()[0])
    assert str(error.value) == "missing sidecar in blob transaction"


def test_a_proof_that_does_not_open_the_commitment_is_refused() -> None:
    canonical, sidecar = parts()
    wrong = BlobSidecar(sidecar.blobs, sidecar.commitments, proven(blob(2)).proofs)
    with pytest.raises(InvalidSidecar) as error:
        decode(network_form(canonical, wrong))
    assert str(error.value) == "invalid blob sidecar: invalid blob 0: can't verify opening proof"


def test_a_blob_that_does_not_match_its_commitment_is_refused() -> None:
    canonical, sidecar = parts()
    wrong = BlobSidecar((blob(2),), sidecar.commitments, sidecar.proofs)
    with pytest.raises(InvalidSidecar) as error:
        decode(network_form(canonical, wrong))
    assert str(error.value) == "invalid blob sidecar: invalid blob 0: can't verify opening proof"


def test_a_commitment_that_does_not_hash_to_the_versioned_hash_is_refused() -> None:
    canonical, sidecar = parts()
    tx = decode_raw_transaction(canonical, PragueTransactionBuilder, blobs_enabled=True)
    other = bytes([sidecar.commitments[0][0] ^ 1]) + sidecar.commitments[0][1:]
    wrong = BlobSidecar(sidecar.blobs, (other,), sidecar.proofs)
    with pytest.raises(InvalidSidecar) as error:
        decode(network_form(canonical, wrong))
    assert str(error.value).startswith("invalid blob sidecar: blob 0: computed hash 0x01")
    assert str(error.value).endswith(
        f"mismatches transaction one 0x{tx.blob_versioned_hashes[0].hex()}"
    )


def test_more_blobs_than_versioned_hashes_are_refused() -> None:
    canonical, sidecar = parts()
    wrong = BlobSidecar(sidecar.blobs * 2, sidecar.commitments, sidecar.proofs)
    with pytest.raises(InvalidSidecar) as error:
        decode(network_form(canonical, wrong))
    assert str(error.value) == (
        "invalid blob sidecar: invalid number of 2 blobs compared to 1 blob hashes"
    )
