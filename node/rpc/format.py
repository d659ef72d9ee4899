"""JSON shapes of blocks, transactions, receipts and logs, field for field as geth answers.

The reference is the execution-apis rpc-compat fixtures (geth's answers): blocks and receipts
are Go maps, so their keys come sorted; transactions and logs are Go structs, so their keys
keep the struct order used below. Block hashes are always ``header.hash``, on a QBFT chain the
on-chain hash (extraData with round 0 and no seals); ``extraData`` is the full QBFT extraData,
seals included. A header shows the fields its fork has, as geth omits the others; blob
transactions (imported chains from Cancun on) carry their blob fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import rlp
from eth._utils.address import generate_contract_address
from eth.abc import (
    BlockAPI,
    BlockHeaderAPI,
    LegacyTransactionFieldsAPI,
    LogAPI,
    ReceiptAPI,
    SetCodeAuthorizationAPI,
    SignedTransactionAPI,
    WithdrawalAPI,
)
from eth.constants import CREATE_CONTRACT_ADDRESS
from eth.vm.forks.cancun.constants import GAS_PER_BLOB

Json = dict[str, Any]

LEGACY_TX = 0
ACCESS_LIST_TX = 1
DYNAMIC_FEE_TX = 2
BLOB_TX = 3
SET_CODE_TX = 4
_BLOOM_BYTES = 256
_RECEIPT_SUCCESS = b"\x01"
_PRE_BYZANTIUM_ROOT_BYTES = 32
"""Before Byzantium a receipt carries the post-transaction state root instead of a status."""


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
    blob_base_fee: int = 0


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
    if kind == BLOB_TX:
        result["maxFeePerBlobGas"] = quantity(tx.max_fee_per_blob_gas)
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
    if kind == BLOB_TX:
        result["blobVersionedHashes"] = [hex_data(h) for h in tx.blob_versioned_hashes]
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


def access_list_json(entries: Sequence[Any]) -> list[Json]:
    """An access list of ``AccessListEntry`` values (addresses and 32-byte keys)."""
    return [
        {
            "address": hex_data(entry.address),
            "storageKeys": [hex_data(key) for key in entry.storage_keys],
        }
        for entry in entries
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


_FORK_HEADER_FIELDS = (
    ("baseFeePerGas", "base_fee_per_gas", quantity),
    ("withdrawalsRoot", "withdrawals_root", hex_data),
    ("blobGasUsed", "blob_gas_used", quantity),
    ("excessBlobGas", "excess_blob_gas", quantity),
    ("parentBeaconBlockRoot", "parent_beacon_block_root", hex_data),
    ("requestsHash", "requests_hash", hex_data),
)
"""Header fields added by later forks (London to Prague): shown only when the header has them."""


def header_json(header: BlockHeaderAPI, total_difficulty: int) -> Json:
    fields: Json = {
        "difficulty": quantity(header.difficulty),
        "extraData": hex_data(header.extra_data),
        "gasLimit": quantity(header.gas_limit),
        "gasUsed": quantity(header.gas_used),
        "hash": hex_data(header.hash),
        "logsBloom": bloom(header.bloom),
        "miner": hex_data(header.coinbase),
        "mixHash": hex_data(header.mix_hash),
        "nonce": hex_data(header.nonce),
        "number": quantity(header.block_number),
        "parentHash": hex_data(header.parent_hash),
        "receiptsRoot": hex_data(header.receipt_root),
        "sha3Uncles": hex_data(header.uncles_hash),
        "stateRoot": hex_data(header.state_root),
        "timestamp": quantity(header.timestamp),
        "totalDifficulty": quantity(total_difficulty),
        "transactionsRoot": hex_data(header.transaction_root),
    }
    for key, attribute, show in _FORK_HEADER_FIELDS:
        value = getattr(header, attribute, None)
        if value is not None:
            fields[key] = show(value)
    return fields


def new_head_json(header: BlockHeaderAPI) -> Json:
    """geth's newHeads notification: the header's fields, without transactions or total
    difficulty."""
    fields = header_json(header, 0)
    del fields["totalDifficulty"]
    return fields


def block_json(block: BlockAPI, total_difficulty: int, *, full_transactions: bool) -> Json:
    """A block with its transactions in full or as hashes (``size`` is its RLP length);
    ``withdrawals`` from Shanghai on."""
    header = block.header
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
        }
    )
    if hasattr(block, "withdrawals"):
        fields["withdrawals"] = [_withdrawal_json(w) for w in block.withdrawals]
    return dict(sorted(fields.items()))


def tx_location(header: BlockHeaderAPI, index: int, blob_base_fee: int = 0) -> TxLocation:
    base_fee = getattr(header, "base_fee_per_gas", 0) or 0
    return TxLocation(header.hash, header.block_number, index, base_fee, blob_base_fee)


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
    header: BlockHeaderAPI,
    transactions: Sequence[SignedTransactionAPI],
    receipts: Sequence[ReceiptAPI],
    blob_base_fee: int = 0,
) -> list[Json]:
    """Every receipt of a block; log indexes count from the block's first log."""
    result: list[Json] = []
    previous_cumulative = 0
    first_log_index = 0
    for index, (tx, receipt) in enumerate(zip(transactions, receipts, strict=True)):
        result.append(
            receipt_json(
                tx,
                receipt,
                tx_location(header, index, blob_base_fee),
                previous_cumulative,
                first_log_index,
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
        "to": None if tx.to == CREATE_CONTRACT_ADDRESS else hex_data(tx.to),
        "transactionHash": hex_data(tx.hash),
        "transactionIndex": quantity(location.index),
        "type": quantity(transaction_type(tx)),
    }
    if len(receipt.state_root) == _PRE_BYZANTIUM_ROOT_BYTES:
        fields["root"] = hex_data(receipt.state_root)
    else:
        fields["status"] = quantity(1 if receipt.state_root == _RECEIPT_SUCCESS else 0)
    if transaction_type(tx) == BLOB_TX:
        fields["blobGasPrice"] = quantity(location.blob_base_fee)
        fields["blobGasUsed"] = quantity(GAS_PER_BLOB * len(tx.blob_versioned_hashes))
    return dict(sorted(fields.items()))
