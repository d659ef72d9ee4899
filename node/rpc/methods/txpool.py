"""txpool_status and txpool_content in geth's shapes: counts as quantities, and transactions
keyed by sender, then by nonce as a decimal string, with null block fields."""

from __future__ import annotations

from typing import Any

from eth.abc import SignedTransactionAPI
from eth_utils import to_checksum_address

from node.rpc.backend import PooledBySender
from node.rpc.format import quantity, transaction_json
from node.rpc.registry import RpcContext, rpc_method


@rpc_method("txpool_status")
async def status(ctx: RpcContext) -> dict[str, str]:
    pending, queued = ctx.backend.pool_stats()
    return {"pending": quantity(pending), "queued": quantity(queued)}


@rpc_method("txpool_content")
async def content(ctx: RpcContext) -> dict[str, dict[str, dict[str, Any]]]:
    pending, queued = ctx.backend.pool_content()
    return {"pending": _by_sender(pending), "queued": _by_sender(queued)}


def _by_sender(transactions: PooledBySender) -> dict[str, dict[str, Any]]:
    """geth's map: checksummed sender (``Address.Hex``), then nonce in decimal."""
    by_sender = {
        to_checksum_address(sender): {
            str(tx.nonce): transaction_json(tx, None) for tx in sorted(txs, key=_nonce)
        }
        for sender, txs in transactions.items()
    }
    return dict(sorted(by_sender.items()))


def _nonce(tx: SignedTransactionAPI) -> int:
    return int(tx.nonce)
