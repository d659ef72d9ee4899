"""Stateless admission checks, in the order of geth's txpool.ValidateTransaction.

The order matters: a transaction that breaks several rules gets the error geth would give.
Gas figures come from py-evm's rules of the pool's fork (Prague on QBFT), so the pool and
block execution agree.
"""

from eth._utils.numeric import ceil32
from eth.abc import SignedTransactionAPI
from eth.constants import CREATE_CONTRACT_ADDRESS
from eth.vm.forks.cancun.constants import BLOB_TX_TYPE, GAS_PER_BLOB, MIN_BLOB_BASE_FEE
from eth.vm.forks.prague.constants import SET_CODE_TRANSACTION_TYPE
from eth.vm.forks.prague.state import PragueTransactionExecutor
from eth.vm.forks.shanghai.constants import INITCODE_WORD_COST, MAX_INITCODE_SIZE
from eth_typing import Address
from eth_utils.address import to_checksum_address

from node.chain.fees import blob_params
from node.chain.forks import Fork

from .errors import (
    BLOBS_DISABLED,
    BlobLimitExceeded,
    BlobTxCreate,
    EmptyAuthList,
    FeeCapTooLow,
    FeeCapVeryHigh,
    FloorDataGasTooLow,
    GasLimitExceeded,
    GasPriceTooLow,
    InsufficientFunds,
    IntrinsicGasTooLow,
    MaxInitCodeSizeExceeded,
    MissingBlobHashes,
    NonceMax,
    OversizedData,
    SetCodeTxCreate,
    TipAboveFeeCap,
    TipVeryHigh,
    TxTypeNotSupported,
)
from .rules import PoolRules
from .sender import recover_sender

UINT256_MAX = 2**256 - 1
NONCE_MAX = 2**64 - 1


def tx_type(tx: SignedTransactionAPI) -> int:
    """EIP-2718 type; py-evm reports None for legacy transactions."""
    return tx.type_id if tx.type_id is not None else 0


def is_create(tx: SignedTransactionAPI) -> bool:
    return tx.to == CREATE_CONTRACT_ADDRESS


def max_blobs_per_tx(fork: Fork) -> int:
    """A transaction cannot carry more blobs than a block of its fork holds."""
    blobs = blob_params(fork)
    return 0 if blobs is None else blobs.max_gas // GAS_PER_BLOB


def intrinsic_gas(tx: SignedTransactionAPI, fork: Fork = Fork.PRAGUE) -> int:
    """geth's IntrinsicGas for Prague.

    py-evm leaves EIP-3860's init-code word cost out of `intrinsic_gas` and charges it inside
    the create computation instead; geth (and the spec) count it up front, so it is added here.
    """
    gas = tx.intrinsic_gas
    if is_create(tx) and fork >= Fork.SHANGHAI:
        gas += INITCODE_WORD_COST * ceil32(len(tx.data)) // 32
    return gas


def floor_data_gas(tx: SignedTransactionAPI) -> int:
    """EIP-7623 calldata floor: the least gas a transaction can be charged under Prague."""
    return PragueTransactionExecutor.calc_data_floor_gas(tx, gas_used=0, gas_refund=0)


def least_gas(tx: SignedTransactionAPI) -> int:
    """The gas a transaction uses whatever it runs: its intrinsic gas or, when higher, the
    EIP-7623 floor (refunds may return a fifth of the former, nothing of the latter). Unlike
    its declared gas limit, a zero-fee sender cannot inflate it."""
    return max(intrinsic_gas(tx), floor_data_gas(tx))


def transaction_cost(tx: SignedTransactionAPI) -> int:
    """geth's tx.Cost(): the most the sender can be charged, priced at the fee cap."""
    cost = tx.gas * tx.max_fee_per_gas + tx.value
    if tx_type(tx) == BLOB_TX_TYPE:
        cost += GAS_PER_BLOB * len(tx.blob_versioned_hashes) * tx.max_fee_per_blob_gas
    return cost


def validate_transaction(tx: SignedTransactionAPI, size: int, rules: PoolRules) -> Address:
    """Check everything that needs no state; return the sender, recovered once."""
    _check_type(tx, rules)
    if size > rules.max_tx_bytes:
        raise OversizedData(f"transaction size {size}, limit {rules.max_tx_bytes}")
    if is_create(tx) and rules.fork >= Fork.SHANGHAI and len(tx.data) > MAX_INITCODE_SIZE:
        raise MaxInitCodeSizeExceeded(f"code size {len(tx.data)} limit {MAX_INITCODE_SIZE}")
    if tx.gas > rules.block_gas_limit:
        raise GasLimitExceeded()
    _check_fee_fields(tx)
    sender = recover_sender(tx, rules.chain_id)
    if tx.nonce >= NONCE_MAX:
        raise NonceMax()
    if tx.value > UINT256_MAX:
        raise InsufficientFunds()
    _check_gas(tx, rules.fork)
    _check_pricing(tx, sender, rules)
    if tx_type(tx) == BLOB_TX_TYPE:
        _check_blobs(tx, rules.fork)
    if tx_type(tx) == SET_CODE_TRANSACTION_TYPE and not tx.authorization_list:
        raise EmptyAuthList()
    return sender


def _check_type(tx: SignedTransactionAPI, rules: PoolRules) -> None:
    """Blob and set-code transactions have a mandatory `to` in their encodings (geth)."""
    kind = tx_type(tx)
    if kind == BLOB_TX_TYPE:
        if not rules.blobs_enabled:
            raise TxTypeNotSupported(BLOBS_DISABLED)
        if is_create(tx):
            raise BlobTxCreate()
    if kind == SET_CODE_TRANSACTION_TYPE and is_create(tx):
        raise SetCodeTxCreate()


def _check_fee_fields(tx: SignedTransactionAPI) -> None:
    if tx.max_fee_per_gas > UINT256_MAX:
        raise FeeCapVeryHigh()
    if tx.max_priority_fee_per_gas > UINT256_MAX:
        raise TipVeryHigh()
    if tx.max_fee_per_gas < tx.max_priority_fee_per_gas:
        raise TipAboveFeeCap()


def _check_gas(tx: SignedTransactionAPI, fork: Fork) -> None:
    needed = intrinsic_gas(tx, fork)
    if tx.gas < needed:
        raise IntrinsicGasTooLow(f"gas {tx.gas}, minimum needed {needed}")
    floor = floor_data_gas(tx) if fork >= Fork.PRAGUE else 0
    if tx.gas < floor:
        raise FloorDataGasTooLow(f"gas {tx.gas}, minimum needed {floor}")


def _check_pricing(tx: SignedTransactionAPI, sender: Address, rules: PoolRules) -> None:
    """The pool's tip floor, then the base fee with geth's state-transition wording."""
    if tx.max_priority_fee_per_gas < rules.min_tip:
        raise GasPriceTooLow(
            f"gas tip cap {tx.max_priority_fee_per_gas}, minimum needed {rules.min_tip}"
        )
    if tx.max_fee_per_gas < rules.base_fee:
        raise FeeCapTooLow(
            f"address {to_checksum_address(sender)}, maxFeePerGas: {tx.max_fee_per_gas}, "
            f"baseFee: {rules.base_fee}"
        )


def _check_blobs(tx: SignedTransactionAPI, fork: Fork) -> None:
    """py-evm's blob base fee never drops below 1, so a blob fee cap of 0 can never pay."""
    if tx.max_fee_per_blob_gas < MIN_BLOB_BASE_FEE:
        raise GasPriceTooLow(
            f"blob fee cap {tx.max_fee_per_blob_gas}, minimum needed {MIN_BLOB_BASE_FEE}"
        )
    count = len(tx.blob_versioned_hashes)
    if count == 0:
        raise MissingBlobHashes()
    limit = max_blobs_per_tx(fork)
    if count > limit:
        raise BlobLimitExceeded(f"blob count {count}, limit {limit}")
