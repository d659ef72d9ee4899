"""What the JSON-RPC layer needs from the node, and nothing more.

The RPC handlers run on the asyncio loop. Light reads (the head, headers, nonces, balances) go
straight to the ledger, which only ever sees whole committed blocks. Anything that decodes a
block body or receipts, executes EVM code or scans many blocks goes through
:meth:`NodeBackend.run_query`, which runs it on a worker thread so that the loop never stalls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from eth.abc import SignedTransactionAPI
from eth_typing import Hash32

from node.chain.chain_reader import ChainReader
from node.rpc.filters import FilterRegistry

T = TypeVar("T")

PooledBySender = Mapping[bytes, Sequence[SignedTransactionAPI]]
"""Pooled transactions by sender address, each sender's in nonce order."""


class NodeBackend(Protocol):
    @property
    def ledger(self) -> ChainReader: ...

    @property
    def chain_id(self) -> int: ...

    @property
    def client_version(self) -> str: ...

    async def submit_raw_transaction(self, raw: bytes) -> Hash32:
        """Decode, validate and pool a signed transaction; raise ``TxPoolError`` if refused."""

    def pending_nonce(self, address: bytes) -> int:
        """The next nonce of ``address`` counting its pooled transactions."""

    def pooled_transaction(self, tx_hash: bytes) -> SignedTransactionAPI | None:
        """The pooled (not yet included) transaction with this hash, if any (the pool's
        ``PooledTransaction.tx``)."""

    @property
    def filters(self) -> FilterRegistry:
        """The polled filters (eth_newFilter and friends); the node feeds it new blocks and
        pooled transactions."""

    def pool_stats(self) -> tuple[int, int]:
        """(pending, queued) transaction counts of the pool, as geth's txpool_status."""

    def pool_content(self) -> tuple[PooledBySender, PooledBySender]:
        """(pending, queued) pooled transactions by sender, as geth's txpool_content."""

    async def run_query(self, function: Callable[[], T]) -> T:
        """Run CPU-heavy read work off the event loop and return its result."""

    def local_node_keys(self) -> tuple[bytes, ...]:
        """The node public keys its operator allowed (``--peer``, ``--allowlist``)."""
