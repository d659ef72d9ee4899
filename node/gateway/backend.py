"""What the gateway needs from the node, and nothing more (the node implements it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from eth.abc import SignedTransactionAPI
from eth_typing import Hash32

from node.chain.chain_reader import ChainReader
from node.storage.leveldb import LevelDB

T = TypeVar("T")


class GatewayBackend(Protocol):
    @property
    def ledger(self) -> ChainReader:
        """Reads, at its committed head (``ledger.head()``), which a block reaches before the
        node announces it, so a caller that saw a receipt is answered from that block on."""

    @property
    def chain_id(self) -> int: ...

    @property
    def database(self) -> LevelDB:
        """The node's LevelDB, holding the domain index beside the blocks."""

    async def submit_raw_transaction(self, raw: bytes) -> Hash32:
        """The same admission as eth_sendRawTransaction; ``TxPoolError`` if refused."""

    def pending_nonce(self, address: bytes) -> int:
        """The account's next nonce, after its transactions waiting in the pool."""

    def pooled_transaction(self, tx_hash: bytes) -> SignedTransactionAPI | None:
        """A transaction waiting in the pool."""

    async def run_query(self, function: Callable[[], T]) -> T:
        """Run EVM calls and index scans off the event loop."""

    def local_node_keys(self) -> tuple[bytes, ...]:
        """The node public keys its operator allowed (``--peer``, ``--allowlist``)."""
