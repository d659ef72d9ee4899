"""Sender recovery with geth's signer rules (EIP-155 chain id, EIP-2 low s).

py-evm recovers the sender on every access to `tx.sender` and checks neither the chain id nor
the s range there, so the pool recovers once, here, and keeps the address with the entry.
"""

from eth.abc import LegacyTransactionFieldsAPI, SignedTransactionAPI
from eth_hash.auto import keccak
from eth_keys.datatypes import Signature
from eth_keys.exceptions import BadSignature
from eth_typing import Address

from .errors import InvalidSender

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
SECP256K1_HALF_N = SECP256K1_N // 2
_UINT64 = 2**64


def is_protected(tx: SignedTransactionAPI) -> bool:
    """Whether the signature commits to a chain id (typed transactions always do)."""
    if isinstance(tx, LegacyTransactionFieldsAPI):
        return tx.v not in (0, 1, 27, 28)
    return True


def _legacy_chain_id(v: int) -> int:
    """geth's deriveChainId: unsigned 64-bit arithmetic below 2**64, so v < 35 wraps."""
    if v.bit_length() <= 64:
        return (v - 35) % _UINT64 // 2
    return (v - 35) // 2


def _recovery_id(tx: SignedTransactionAPI, chain_id: int) -> int:
    """The 0/1 recovery id, after checking that the signature is for this chain."""
    if isinstance(tx, LegacyTransactionFieldsAPI):
        if not is_protected(tx):
            return tx.v - 27
        _check_chain_id(_legacy_chain_id(tx.v), chain_id)
        return tx.v - 2 * chain_id - 35
    _check_chain_id(tx.chain_id or 0, chain_id)
    return tx.y_parity


def _check_chain_id(signed_for: int, chain_id: int) -> None:
    if signed_for != chain_id:
        raise InvalidSender(f"invalid chain id for signer: have {signed_for} want {chain_id}")


def recover_sender(tx: SignedTransactionAPI, chain_id: int) -> Address:
    """The signer's address; `InvalidSender` with geth's reason when there is none."""
    recovery_id = _recovery_id(tx, chain_id)
    r, s = tx.r, tx.s
    if recovery_id not in (0, 1) or not (0 < r < SECP256K1_N and 0 < s <= SECP256K1_HALF_N):
        raise InvalidSender("invalid transaction v, r, s values")
    message_hash = keccak(tx.get_message_for_signing())
    try:
        public_key = Signature(vrs=(recovery_id, r, s)).recover_public_key_from_msg_hash(
            message_hash
        )
    except BadSignature as exc:
        raise InvalidSender("recovery failed") from exc
    return Address(public_key.to_canonical_address())
