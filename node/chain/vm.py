"""The Prague VM with QBFT header rules (Besu's BFT headers instead of proof of stake).

What changes from py-evm's Prague: headers hash the QBFT way; extraData may exceed 32 bytes;
the base fee is always 0 (gas is metered, not paid); difficulty 1, nonce 0 and the BFT mixHash
replace the post-merge constants; a block follows its parent by at least the block period and
keeps the genesis gas limit. Commit seals are checked before execution by
:mod:`node.chain.header_rules`, so the VM's own seal hook has nothing to do.
"""

from __future__ import annotations

from typing import Any, ClassVar

from eth.abc import BlockHeaderAPI, SignedTransactionAPI
from eth.consensus.noproof import NoProofConsensus
from eth.constants import BLANK_ROOT_HASH, EMPTY_SHA256, EMPTY_UNCLE_HASH, ZERO_HASH32
from eth.vm.forks.prague import PragueVM
from eth_utils import ValidationError

from node.chain.extra_data import QbftExtraData, decode_extra_data, encode_extra_data
from node.chain.header import (
    BFT_DIFFICULTY,
    BFT_MIX_HASH,
    BFT_NONCE,
    QbftBlock,
    QbftBlockHeader,
)

MAX_EXTRA_DATA_BYTES = 64 * 1024


def next_vanity(parent: BlockHeaderAPI) -> bytes:
    """Every block after genesis carries the genesis hash as vanity, so seals made for one
    network cannot be replayed on another that reuses validator keys."""
    if parent.block_number == 0:
        return bytes(parent.hash)
    return decode_extra_data(parent.extra_data).vanity


def create_qbft_header_from_parent(parent: BlockHeaderAPI, **params: Any) -> QbftBlockHeader:
    """A new header on ``parent`` with QBFT constants; callers override coinbase, timestamp
    and extraData."""
    if "extra_data" not in params:
        parent_extra = decode_extra_data(parent.extra_data)
        params["extra_data"] = encode_extra_data(
            QbftExtraData(next_vanity(parent), parent_extra.validators, None, 0, ())
        )
    fields: dict[str, Any] = {
        "parent_hash": parent.hash,
        "uncles_hash": EMPTY_UNCLE_HASH,
        "state_root": parent.state_root,
        "transaction_root": BLANK_ROOT_HASH,
        "receipt_root": BLANK_ROOT_HASH,
        "bloom": 0,
        "difficulty": BFT_DIFFICULTY,
        "block_number": parent.block_number + 1,
        "gas_limit": parent.gas_limit,
        "gas_used": 0,
        "timestamp": parent.timestamp + 1,
        "mix_hash": BFT_MIX_HASH,
        "nonce": BFT_NONCE,
        "base_fee_per_gas": 0,
        "withdrawals_root": BLANK_ROOT_HASH,
        "blob_gas_used": 0,
        "excess_blob_gas": 0,
        "parent_beacon_block_root": ZERO_HASH32,
        "requests_hash": EMPTY_SHA256,
    }
    fields.update(params)
    return QbftBlockHeader(**fields)


class QbftPragueVM(PragueVM):
    fork = "prague-qbft"
    block_class = QbftBlock
    extra_data_max_bytes = MAX_EXTRA_DATA_BYTES
    consensus_class = NoProofConsensus
    block_period_seconds: ClassVar[int] = 1

    create_header_from_parent = staticmethod(create_qbft_header_from_parent)

    def validate_transaction_against_header(
        self, base_header: BlockHeaderAPI, transaction: SignedTransactionAPI
    ) -> None:
        """py-evm leaves the chain id of a transaction unchecked; Besu refuses a transaction
        signed for another chain (a replay), so this chain's blocks must not hold one."""
        chain_id = self.chain_context.chain_id
        if transaction.chain_id is not None and transaction.chain_id != chain_id:
            raise ValidationError(
                f"transaction is signed for chain {transaction.chain_id}, this is chain {chain_id}"
            )
        super().validate_transaction_against_header(base_header, transaction)

    @classmethod
    def validate_gas(cls, header: BlockHeaderAPI, parent_header: BlockHeaderAPI) -> None:
        if header.base_fee_per_gas != 0:
            raise ValidationError(f"baseFeePerGas must be 0, got {header.base_fee_per_gas}")
        if header.gas_limit != parent_header.gas_limit:
            raise ValidationError(
                f"gas limit must stay {parent_header.gas_limit}, got {header.gas_limit}"
            )
        if header.gas_used > header.gas_limit:
            raise ValidationError(f"gas used {header.gas_used} exceeds limit {header.gas_limit}")

    @classmethod
    def validate_header(cls, header: BlockHeaderAPI, parent_header: BlockHeaderAPI) -> None:
        if parent_header is None:
            raise ValidationError("Must have access to parent header to validate current header")
        if len(header.extra_data) > cls.extra_data_max_bytes:
            raise ValidationError(f"extraData longer than {cls.extra_data_max_bytes} bytes")
        cls.validate_gas(header, parent_header)
        if header.block_number != parent_header.block_number + 1:
            raise ValidationError(
                f"block #{header.block_number} does not follow parent #{parent_header.block_number}"
            )
        earliest = parent_header.timestamp + cls.block_period_seconds
        if header.timestamp < earliest:
            raise ValidationError(
                f"timestamp {header.timestamp} is before parent + block period ({earliest})"
            )
        if header.difficulty != BFT_DIFFICULTY:
            raise ValidationError(f"difficulty must be {BFT_DIFFICULTY}, got {header.difficulty}")
        if header.nonce != BFT_NONCE:
            raise ValidationError(f"nonce must be zero, got 0x{header.nonce.hex()}")
        if header.mix_hash != BFT_MIX_HASH:
            raise ValidationError("mixHash must be the BFT mixHash")
        if header.uncles_hash != EMPTY_UNCLE_HASH:
            raise ValidationError("a QBFT block has no ommers")
        if header.withdrawals_root != BLANK_ROOT_HASH:
            raise ValidationError("a QBFT block has no withdrawals")
