"""Blob transactions as wallets send them (EIP-4844's network form) and their KZG checks.

Over JSON-RPC a blob transaction travels as ``0x03 || rlp([tx_payload_body, blobs,
commitments, proofs])``; its hash, and what a block holds, is the canonical
``0x03 || rlp(tx_payload_body)``. Before a blob transaction is pooled, every commitment must
hash to its versioned hash and every blob must match its commitment under its proof, as geth's
``validateBlobSidecar`` requires. The pool keeps the canonical form only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

import ckzg
import rlp
from eth.precompiles.point_evaluation import TRUSTED_SETUP_PATH
from eth.vm.forks.cancun.constants import BLOB_TX_TYPE, VERSIONED_HASH_VERSION_KZG
from rlp.exceptions import RLPException

from .errors import InvalidEncoding, InvalidSidecar

BYTES_PER_BLOB = 131_072
KZG_BYTES = 48
_NETWORK_FIELDS = 4


@dataclass(frozen=True)
class BlobSidecar:
    blobs: tuple[bytes, ...]
    commitments: tuple[bytes, ...]
    proofs: tuple[bytes, ...]


def split_network_form(raw: bytes) -> tuple[bytes, BlobSidecar | None]:
    """The canonical encoding of a blob transaction and its sidecar, or ``raw`` unchanged and
    None when it is already canonical (its first field is the chain id, not a list)."""
    try:
        fields = rlp.decode(raw[1:])
    except RLPException as error:
        raise InvalidEncoding("malformed RLP") from error
    if not isinstance(fields, list) or not fields or not isinstance(fields[0], list):
        return raw, None
    if len(fields) != _NETWORK_FIELDS:
        raise InvalidEncoding("a blob transaction with sidecar has 4 fields")
    body, blobs, commitments, proofs = fields
    if not all(isinstance(part, list) for part in (blobs, commitments, proofs)):
        raise InvalidEncoding("malformed blob sidecar")
    sidecar = BlobSidecar(tuple(blobs), tuple(commitments), tuple(proofs))
    return bytes([BLOB_TX_TYPE]) + rlp.encode(body), sidecar


def versioned_hash(commitment: bytes) -> bytes:
    return VERSIONED_HASH_VERSION_KZG + hashlib.sha256(commitment).digest()[1:]


def check_sidecar(versioned_hashes: tuple[bytes, ...], sidecar: BlobSidecar) -> None:
    """geth's sidecar checks, in its order and words."""
    count = len(versioned_hashes)
    if len(sidecar.blobs) != count:
        raise InvalidSidecar(
            f"invalid number of {len(sidecar.blobs)} blobs compared to {count} blob hashes"
        )
    if len(sidecar.commitments) != count:
        raise InvalidSidecar(
            f"invalid number of {len(sidecar.commitments)} blob commitments compared to"
            f" {count} blob hashes"
        )
    if len(sidecar.proofs) != count:
        raise InvalidSidecar(
            f"invalid number of {len(sidecar.proofs)} blob proofs compared to {count} blob hashes"
        )
    for index, (commitment, expected) in enumerate(
        zip(sidecar.commitments, versioned_hashes, strict=True)
    ):
        computed = versioned_hash(commitment)
        if computed != expected:
            raise InvalidSidecar(
                f"blob {index}: computed hash 0x{computed.hex()} mismatches transaction one"
                f" 0x{bytes(expected).hex()}"
            )
    for index, (blob, commitment, proof) in enumerate(
        zip(sidecar.blobs, sidecar.commitments, sidecar.proofs, strict=True)
    ):
        if len(blob) != BYTES_PER_BLOB or len(commitment) != KZG_BYTES or len(proof) != KZG_BYTES:
            raise InvalidSidecar(f"invalid blob {index}: wrong size")
        try:
            valid = ckzg.verify_blob_kzg_proof(blob, commitment, proof, trusted_setup())
        except RuntimeError as error:  # ckzg's refusal of malformed points
            raise InvalidSidecar(f"invalid blob {index}: {error}") from error
        if not valid:
            raise InvalidSidecar(f"invalid blob {index}: can't verify opening proof")


@cache
def trusted_setup() -> Any:
    """The KZG ceremony's setup (py-evm ships it for the point-evaluation precompile); loading
    it takes a while, so once per process."""
    return ckzg.load_trusted_setup(TRUSTED_SETUP_PATH, 0)
