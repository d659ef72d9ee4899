"""Block header and block classes of a QBFT chain.

py-evm hashes a header as keccak(RLP(header)). Besu's QBFT hashes it with the extraData
re-encoded for round 0 and without seals, so that neither the round that committed a block nor
its seals change the block's identity. Every place that decodes a stored or received header
must use this class, or the block would be known under a different hash.
"""

from __future__ import annotations

from typing import Any, cast

import rlp
from eth.abc import BlockHeaderAPI
from eth.vm.forks.prague.blocks import PragueBlock, PragueBlockHeader
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth.vm.forks.shanghai.withdrawals import Withdrawal
from eth_typing import Hash32
from eth_utils import keccak
from rlp.sedes import CountableList

from node.chain.extra_data import (
    QbftExtraData,
    decode_extra_data,
    encode_for_block_hash,
    encode_for_commit_seal,
)

# Besu's BFT mixHash: the ASCII tail "ctical byzantine fault tolerance".
BFT_MIX_HASH = Hash32(
    bytes.fromhex("63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365")
)
BFT_DIFFICULTY = 1
BFT_NONCE = b"\x00" * 8
_EXTRA_DATA_INDEX = 12


def _hash_with_extra_data(header: BlockHeaderAPI, extra_data: bytes) -> Hash32:
    fields = list(PragueBlockHeader.serialize(cast(PragueBlockHeader, header)))
    fields[_EXTRA_DATA_INDEX] = extra_data
    return Hash32(keccak(rlp.encode(fields)))


def _shallow_fields(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    fields = obj.as_dict()
    fields.update(zip(obj._meta.field_names, args, strict=False))
    fields.update(kwargs)
    return fields


class QbftBlockHeader(PragueBlockHeader):
    """A Prague header whose hash is Besu's on-chain QBFT block hash."""

    def copy(self, *args: Any, **kwargs: Any) -> QbftBlockHeader:
        """rlp's ``copy`` deep-copies every field it keeps; a header's fields are immutable
        bytes and integers, and the builder copies the header twice per transaction."""
        return type(self)(**_shallow_fields(self, args, kwargs))

    @property
    def hash(self) -> Hash32:
        if self._hash is None:
            self._hash = block_hash(self)
        return cast(Hash32, self._hash)

    @property
    def qbft_extra(self) -> QbftExtraData:
        return decode_extra_data(self.extra_data)

    def __str__(self) -> str:
        return f"<QbftBlockHeader #{self.block_number} {self.hash.hex()[:8]}>"


def block_hash(header: BlockHeaderAPI) -> Hash32:
    """The on-chain hash: extraData with round 0 and no seals."""
    return _hash_with_extra_data(
        header, encode_for_block_hash(decode_extra_data(header.extra_data))
    )


def commit_seal_digest(header: BlockHeaderAPI) -> Hash32:
    """What each validator's commit seal signs: extraData with the real round, no seals."""
    return _hash_with_extra_data(
        header, encode_for_commit_seal(decode_extra_data(header.extra_data))
    )


class QbftBlock(PragueBlock):
    def copy(self, *args: Any, **kwargs: Any) -> QbftBlock:
        """rlp's ``copy`` deep-copies every transaction each time py-evm swaps a block's header,
        four times per block built; transactions are immutable, so they are shared instead."""
        return type(self)(**_shallow_fields(self, args, kwargs))

    fields = [  # noqa: RUF012 (rlp.Serializable declares its layout as a class list)
        ("header", QbftBlockHeader),
        ("transactions", CountableList(PragueTransactionBuilder)),
        ("uncles", CountableList(None, max_length=0)),
        ("withdrawals", CountableList(Withdrawal)),
    ]
