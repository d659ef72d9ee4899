"""JSON shapes of blocks, transactions, receipts and logs, field for field as geth answers.

The reference is the execution-apis rpc-compat fixtures (geth's answers): blocks and receipts
are Go maps, so their keys come sorted; transactions and logs are Go structs, so their keys
keep the struct order used below. Block hashes are always ``header.hash``, the QBFT on-chain
hash (extraData with round 0 and no seals); ``extraData`` is the full QBFT extraData, seals
included. Blob transactions never reach this chain (the pool refuses them), so no shape
carries blob fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import rlp
from eth._utils.address import generate_contract_address
from eth.abc import (
    BlockAPI,
    LegacyTransactionFieldsAPI,
    LogAPI,
    ReceiptAPI,
    SetCodeAuthorizationAPI,
    SignedTransactionAPI,
    WithdrawalAPI,
)
from eth.constants import BLANK_ROOT_HASH, CREATE_CONTRACT_ADDRESS, ZERO_HASH32

from node.chain.header import QbftBlockHeader

Json = dict[str, Any]

LEGACY_TX = 0
ACCESS_LIST_TX = 1
DYNAMIC_FEE_TX = 2
SET_CODE_TX = 4
_BLOOM_BYTES = 256
_RECEIPT_SUCCESS = b"\x01"


def quantity(value: int) -> str:
    """A QUANTITY: hex without leading zeros, ``0x0`` for zero."""
    return hex(value)


def hex_data(value: bytes) -> str:
    return "0x" + value.hex()


def word(value: int) -> str:
    """A 32-byte word (a topic, a storage value) from py-evm's integer form."""
    return hex_data(value.to_bytes(32, "big"))


def bloom(value: int) -> str:
    return hex_data(value.to_bytes(_BLOOM_BYTES, "big"))


def transaction_type(tx: SignedTransactionAPI) -> int:
    """The EIP-2718 type; py-evm leaves it None for legacy transactions."""
    return LEGACY_TX if tx.type_id is None else tx.type_id


def effective_gas_price(tx: SignedTransactionAPI, base_fee: int) -> int:
    """What the sender pays per gas in a block with ``base_fee``: min(tip + base fee, fee cap)."""
    if transaction_type(tx) in (LEGACY_TX, ACCESS_LIST_TX):
        return int(tx.gas_price)
    return min(tx.max_priority_fee_per_gas + base_fee, tx.max_fee_per_gas)


@dataclass(frozen=True)
class TxLocation:
    """Where an included transaction sits; pooled transactions have none."""

    block_hash: bytes
    block_number: int
    index: int
    base_fee: int


def transaction_json(tx: SignedTransactionAPI, location: TxLocation | None) -> Json:
    kind = transaction_type(tx)
    result: Json = {
        "blockHash": None if location is None else hex_data(location.block_hash),
        "blockNumber": None if location is None else quantity(location.block_number),
        "from": hex_data(tx.sender),
        "gas": quantity(tx.gas),
    }
    if kind in (LEGACY_TX, ACCESS_LIST_TX):
        result["gasPrice"] = quantity(tx.gas_price)
    else:
        # geth shows a pooled transaction's fee cap, an included one's effective price.
        if location is None:
            result["gasPrice"] = quantity(tx.max_fee_per_gas)
        else:
            result["gasPrice"] = quantity(effective_gas_price(tx, location.base_fee))
        result["maxFeePerGas"] = quantity(tx.max_fee_per_gas)
        result["maxPriorityFeePerGas"] = quantity(tx.max_priority_fee_per_gas)
    result.update(
        {
            "hash": hex_data(tx.hash),
            "input": hex_data(tx.data),
            "nonce": quantity(tx.nonce),
            "to": None if tx.to == CREATE_CONTRACT_ADDRESS else hex_data(tx.to),
            "transactionIndex": None if location is None else quantity(location.index),
            "value": quantity(tx.value),
            "type": quantity(kind),
        }
    )
    if kind == LEGACY_TX:
        if tx.chain_id is not None:
            result["chainId"] = quantity(tx.chain_id)
        v = cast(LegacyTransactionFieldsAPI, tx).v
        result.update({"v": quantity(v), "r": quantity(tx.r), "s": quantity(tx.s)})
        return result
    result["accessList"] = _access_list_json(tx)
    result["chainId"] = quantity(tx.chain_id or 0)
    if kind == SET_CODE_TX:
        result["authorizationList"] = [_authorization_json(a) for a in tx.authorization_list]
    result.update(
        {
            "v": quantity(tx.y_parity),
            "r": quantity(tx.r),
            "s": quantity(tx.s),
            "yParity": quantity(tx.y_parity),
        }
    )
    return result


def _access_list_json(tx: SignedTransactionAPI) -> list[Json]:
    return [
        {"address": hex_data(account), "storageKeys": [word(key) for key in keys]}
        for account, keys in tx.access_list
    ]


def _authorization_json(authorization: SetCodeAuthorizationAPI) -> Json:
    return {
        "chainId": quantity(authorization.chain_id),
        "address": hex_data(authorization.address),
        "nonce": quantity(authorization.nonce),
        "yParity": quantity(authorization.y_parity),
        "r": quantity(authorization.r),
        "s": quantity(authorization.s),
    }


def header_json(header: QbftBlockHeader, total_difficulty: int) -> Json:
    return {
        "baseFeePerGas": quantity(header.base_fee_per_gas or 0),
        "blobGasUsed": quantity(header.blob_gas_used),
        "difficulty": quantity(header.difficulty),
        "excessBlobGas": quantity(header.excess_blob_gas),
        "extraData": hex_data(header.extra_data),
        "gasLimit": quantity(header.gas_limit),
        "gasUsed": quantity(header.gas_used),
        "hash": hex_data(header.hash),
        "logsBloom": bloom(header.bloom),
        "miner": hex_data(header.coinbase),
        "mixHash": hex_data(header.mix_hash),
        "nonce": hex_data(header.nonce),
        "number": quantity(header.block_number),
        "parentBeaconBlockRoot": hex_data(header.parent_beacon_block_root or ZERO_HASH32),
        "parentHash": hex_data(header.parent_hash),
        "receiptsRoot": hex_data(header.receipt_root),
        "requestsHash": hex_data(header.requests_hash or ZERO_HASH32),
        "sha3Uncles": hex_data(header.uncles_hash),
        "stateRoot": hex_data(header.state_root),
        "timestamp": quantity(header.timestamp),
        "totalDifficulty": quantity(total_difficulty),
        "transactionsRoot": hex_data(header.transaction_root),
        "withdrawalsRoot": hex_data(header.withdrawals_root or BLANK_ROOT_HASH),
    }


def new_head_json(header: QbftBlockHeader) -> Json:
    """geth's newHeads notification: the header's fields, without transactions or total
    difficulty."""
    fields = header_json(header, 0)
    del fields["totalDifficulty"]
    return fields


def block_json(block: BlockAPI, total_difficulty: int, *, full_transactions: bool) -> Json:
    """A block with its transactions in full or as hashes (``size`` is its RLP length)."""
    header = cast(QbftBlockHeader, block.header)
    if full_transactions:
        transactions: list[Any] = [
            transaction_json(tx, tx_location(header, index))
            for index, tx in enumerate(block.transactions)
        ]
    else:
        transactions = [hex_data(tx.hash) for tx in block.transactions]
    fields = header_json(header, total_difficulty)
    fields.update(
        {
            "size": quantity(len(rlp.encode(block))),
            "transactions": transactions,
            "uncles": [hex_data(uncle.hash) for uncle in block.uncles],
            "withdrawals": [_withdrawal_json(w) for w in block.withdrawals],
        }
    )
    return dict(sorted(fields.items()))


def tx_location(header: QbftBlockHeader, index: int) -> TxLocation:
    return TxLocation(header.hash, header.block_number, index, header.base_fee_per_gas or 0)


def _withdrawal_json(withdrawal: WithdrawalAPI) -> Json:
    return {
        "index": quantity(withdrawal.index),
        "validatorIndex": quantity(withdrawal.validator_index),
        "address": hex_data(withdrawal.address),
        "amount": quantity(withdrawal.amount),
    }


def log_json(log: LogAPI, tx: SignedTransactionAPI, location: TxLocation, log_index: int) -> Json:
    return {
        "address": hex_data(log.address),
        "topics": [word(topic) for topic in log.topics],
        "data": hex_data(log.data),
        "blockNumber": quantity(location.block_number),
        "transactionHash": hex_data(tx.hash),
        "transactionIndex": quantity(location.index),
        "blockHash": hex_data(location.block_hash),
        "logIndex": quantity(log_index),
        "removed": False,
    }


def block_receipts_json(
    header: QbftBlockHeader,
    transactions: Sequence[SignedTransactionAPI],
    receipts: Sequence[ReceiptAPI],
) -> list[Json]:
    """Every receipt of a block; log indexes count from the block's first log."""
    result: list[Json] = []
    previous_cumulative = 0
    first_log_index = 0
    for index, (tx, receipt) in enumerate(zip(transactions, receipts, strict=True)):
        result.append(
            receipt_json(
                tx, receipt, tx_location(header, index), previous_cumulative, first_log_index
            )
        )
        previous_cumulative = receipt.gas_used
        first_log_index += len(receipt.logs)
    return result


def receipt_json(
    tx: SignedTransactionAPI,
    receipt: ReceiptAPI,
    location: TxLocation,
    previous_cumulative_gas: int,
    first_log_index: int,
) -> Json:
    """One receipt; ``previous_cumulative_gas`` and ``first_log_index`` are what the block's
    earlier receipts used, since py-evm stores only cumulative figures."""
    sender = tx.sender
    created = None
    if tx.to == CREATE_CONTRACT_ADDRESS:
        created = hex_data(generate_contract_address(sender, tx.nonce))
    fields: Json = {
        "blockHash": hex_data(location.block_hash),
        "blockNumber": quantity(location.block_number),
        "contractAddress": created,
        "cumulativeGasUsed": quantity(receipt.gas_used),
        "effectiveGasPrice": quantity(effective_gas_price(tx, location.base_fee)),
        "from": hex_data(sender),
        "gasUsed": quantity(receipt.gas_used - previous_cumulative_gas),
        "logs": [
            log_json(log, tx, location, first_log_index + offset)
            for offset, log in enumerate(receipt.logs)
        ],
        "logsBloom": bloom(receipt.bloom),
        "status": quantity(1 if receipt.state_root == _RECEIPT_SUCCESS else 0),
        "to": None if tx.to == CREATE_CONTRACT_ADDRESS else hex_data(tx.to),
        "transactionHash": hex_data(tx.hash),
        "transactionIndex": quantity(location.index),
        "type": quantity(transaction_type(tx)),
    }
    return dict(sorted(fields.items()))
