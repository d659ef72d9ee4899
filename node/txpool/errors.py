"""Why the pool refused a transaction, in geth's words.

Wallets and tools match on geth's error strings, so every class carries geth's sentinel text
(core/error.go, core/txpool/errors.go, core/txpool/legacypool) as `message` and appends the
detail after ": " exactly as geth's ``fmt.Errorf("%w: ...")`` does. `code` is a stable name for
programs. The JSON-RPC layer maps all of them to -32000, as geth does; no RPC code lives here.
"""

from typing import ClassVar

BLOBS_DISABLED = "blob transactions are disabled on this chain"


class TxPoolError(Exception):
    """A transaction the pool will not hold; `str(error)` is the client-facing message."""

    code: ClassVar[str] = "txpool_error"
    message: ClassVar[str] = "transaction rejected"

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(f"{self.message}: {detail}" if detail else self.message)


class InvalidEncoding(TxPoolError):
    """Not a decodable, canonical transaction (geth's own text is an internal `rlp:` error)."""

    code = "invalid_encoding"
    message = "invalid transaction encoding"


class UnprotectedTransaction(TxPoolError):
    code = "unprotected_transaction"
    message = "only replay-protected (EIP-155) transactions allowed over RPC"


class AlreadyKnown(TxPoolError):
    code = "already_known"
    message = "already known"


class TxTypeNotSupported(TxPoolError):
    code = "tx_type_not_supported"
    message = "transaction type not supported"


class BlobTxCreate(TxPoolError):
    code = "blob_tx_create"
    message = "blob transaction of type create"


class SetCodeTxCreate(TxPoolError):
    code = "set_code_tx_create"
    message = "EIP-7702 transaction cannot be used to create contract"


class OversizedData(TxPoolError):
    code = "oversized_data"
    message = "oversized data"


class MaxInitCodeSizeExceeded(TxPoolError):
    code = "max_initcode_size_exceeded"
    message = "max initcode size exceeded"


class GasLimitExceeded(TxPoolError):
    code = "exceeds_block_gas_limit"
    message = "exceeds block gas limit"


class FeeCapVeryHigh(TxPoolError):
    code = "fee_cap_very_high"
    message = "max fee per gas higher than 2^256-1"


class TipVeryHigh(TxPoolError):
    code = "tip_very_high"
    message = "max priority fee per gas higher than 2^256-1"


class TipAboveFeeCap(TxPoolError):
    code = "tip_above_fee_cap"
    message = "max priority fee per gas higher than max fee per gas"


class InvalidSender(TxPoolError):
    code = "invalid_sender"
    message = "invalid sender"


class NonceMax(TxPoolError):
    code = "nonce_max"
    message = "nonce has max value"


class IntrinsicGasTooLow(TxPoolError):
    code = "intrinsic_gas_too_low"
    message = "intrinsic gas too low"


class FloorDataGasTooLow(TxPoolError):
    code = "floor_data_gas_too_low"
    message = "insufficient gas for floor data gas cost"


class GasPriceTooLow(TxPoolError):
    code = "gas_price_too_low"
    message = "transaction gas price below minimum"


class FeeCapTooLow(TxPoolError):
    code = "fee_cap_too_low"
    message = "max fee per gas less than block base fee"


class MissingBlobHashes(TxPoolError):
    code = "missing_blob_hashes"
    message = "blob transaction missing blob hashes"


class BlobLimitExceeded(TxPoolError):
    code = "blob_limit_exceeded"
    message = "transaction blob limit exceeded"


class EmptyAuthList(TxPoolError):
    code = "empty_auth_list"
    message = "set code tx must have at least one authorization tuple"


class AccountNotPermitted(TxPoolError):
    """Permissioning (``node.chain.permissioning``): the next block may not carry the sender's
    transaction; the detail says why."""

    code = "account_not_permitted"
    message = "account not permitted"


class NonceTooLow(TxPoolError):
    code = "nonce_too_low"
    message = "nonce too low"


class InsufficientFunds(TxPoolError):
    code = "insufficient_funds"
    message = "insufficient funds for gas * price + value"


class AccountLimitExceeded(TxPoolError):
    code = "account_limit_exceeded"
    message = "account limit exceeded"


class SenderRateExceeded(TxPoolError):
    """Gas is free, so the pool bounds how fast one sender may add transactions (a token
    bucket: ``PoolRules.sender_rate`` a second, ``sender_burst`` at once)."""

    code = "sender_rate_exceeded"
    message = "sender rate exceeded"


class ReplaceUnderpriced(TxPoolError):
    code = "replacement_underpriced"
    message = "replacement transaction underpriced"


class TxPoolOverflow(TxPoolError):
    code = "txpool_full"
    message = "txpool is full"


class MissingSidecar(TxPoolError):
    code = "missing_sidecar"
    message = "missing sidecar in blob transaction"


class InvalidSidecar(TxPoolError):
    """The blobs, commitments and proofs do not match the transaction (geth's wording)."""

    code = "invalid_sidecar"
    message = "invalid blob sidecar"
