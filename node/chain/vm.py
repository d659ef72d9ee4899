"""The Prague VM with QBFT header rules (Besu's BFT headers instead of proof of stake).

What changes from py-evm's Prague: headers hash the QBFT way; extraData may exceed 32 bytes;
the base fee is always 0 (gas is metered, not paid); difficulty 1, nonce 0 and the BFT mixHash
replace the post-merge constants; a block follows its parent by at least the block period and
keeps the genesis gas limit. Commit seals are checked before execution by
:mod:`node.chain.header_rules`, so the VM's own seal hook has nothing to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from eth._utils.db import get_parent_header
from eth.abc import (
    BlockAPI,
    BlockHeaderAPI,
    ReceiptAPI,
    SignedTransactionAPI,
    WithdrawalAPI,
)
from eth.consensus.noproof import NoProofConsensus
from eth.constants import BLANK_ROOT_HASH, EMPTY_SHA256, EMPTY_UNCLE_HASH, ZERO_HASH32
from eth.vm.forks.cancun.constants import BLOB_TX_TYPE
from eth.vm.forks.prague import PragueVM
from eth.vm.forks.prague.constants import DEPOSIT_CONTRACT_ADDRESS, DEPOSIT_REQUEST_TYPE
from eth_typing import Address, Hash32
from eth_utils import ValidationError

from node.chain.extra_data import QbftExtraData, decode_extra_data, encode_extra_data
from node.chain.header import (
    BFT_DIFFICULTY,
    BFT_MIX_HASH,
    BFT_NONCE,
    QbftBlock,
    QbftBlockHeader,
)
from node.chain.ordered_trie import ordered_trie_root_and_nodes

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


def trie_root_and_nodes(items: Sequence[Any]) -> tuple[Hash32, dict[Hash32, bytes]]:
    return ordered_trie_root_and_nodes([item.encode() for item in items])


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

    def set_block_transactions_and_withdrawals(
        self,
        base_block: BlockAPI,
        new_header: BlockHeaderAPI,
        transactions: Sequence[SignedTransactionAPI],
        receipts: Sequence[ReceiptAPI],
        withdrawals: Sequence[WithdrawalAPI] | None = None,
    ) -> BlockAPI:
        """py-evm's method with the one-pass trie builder; a QBFT block has no withdrawals."""
        if withdrawals:
            raise ValidationError("a QBFT block has no withdrawals")
        tx_root, tx_nodes = trie_root_and_nodes(transactions)
        self.chaindb.persist_trie_data_dict(tx_nodes)
        receipt_root, receipt_nodes = trie_root_and_nodes(receipts)
        self.chaindb.persist_trie_data_dict(receipt_nodes)
        header = new_header.copy(transaction_root=tx_root, receipt_root=receipt_root)
        return base_block.copy(transactions=transactions, header=header)

    def validate_block(self, block: BlockAPI) -> None:
        """py-evm's block checks (without uncles, which a QBFT block never has), with the
        one-pass trie builder."""
        if not isinstance(block, self.get_block_class()):
            raise ValidationError(f"{self!r} cannot validate a block of type {type(block)!r}")
        if block.is_genesis:
            raise ValidationError("the genesis block is not validated as a child block")
        parent = get_parent_header(block.header, self.chaindb)
        self.validate_header(block.header, parent)
        if trie_root_and_nodes(block.transactions)[0] != block.header.transaction_root:
            raise ValidationError("transaction root does not match the transactions")
        if block.uncles:
            raise ValidationError("a QBFT block has no ommers")
        if any(getattr(tx, "type_id", None) == BLOB_TX_TYPE for tx in block.transactions):
            raise ValidationError("a QBFT block carries no blob transactions")
        if block.header.state_root not in self.chaindb.db and (
            self.state.make_state_root() != block.header.state_root
        ):
            raise ValidationError("state root does not match the executed state")
        self.validate_block_blobs(block)

    def process_deposit_request_data(self, block: BlockAPI) -> None:
        """Deposit requests come from logs of the deposit contract; without its code there can
        be none, and reading every receipt back from the trie to learn so cost a tenth of a
        block's build time."""
        if not self.state.get_code(Address(DEPOSIT_CONTRACT_ADDRESS)):
            block.block_requests.append(DEPOSIT_REQUEST_TYPE)
            return
        super().process_deposit_request_data(block)

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
        if header.blob_gas_used != 0 or header.excess_blob_gas != 0:
            raise ValidationError("a QBFT block carries no blobs")
        if header.parent_beacon_block_root != ZERO_HASH32:
            raise ValidationError("a QBFT block's parent beacon block root is zero")
