"""Pending transactions: geth-compatible admission, per-sender nonce queues, block candidates."""

from .encoding import decode_raw_transaction
from .errors import TxPoolError
from .pool import AccountReader, PooledTransaction, TxPool
from .rules import PoolRules

__all__ = [
    "AccountReader",
    "PoolRules",
    "PooledTransaction",
    "TxPool",
    "TxPoolError",
    "decode_raw_transaction",
]
