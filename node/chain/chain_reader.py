"""Reading the chain of a data directory: headers, blocks, receipts, state, validators.

Readers use a chain database over LevelDB itself, which only ever holds whole blocks (a block
reaches LevelDB in one batch), so they may run on any thread while a writer builds the next
block. Blocks are immutable under their hash, so recent ones are kept decoded.
"""

from __future__ import annotations

from typing import cast

from eth.abc import (
    BlockHeaderAPI,
    ReceiptAPI,
    StateAPI,
    TransactionBuilderAPI,
    VirtualMachineAPI,
)
from eth.chains.base import Chain
from eth.exceptions import CanonicalHeadNotFound, HeaderNotFound, TransactionNotFound
from eth_typing import BlockNumber, Hash32
from eth_utils import ValidationError
from rlp.exceptions import RLPException

from node.chain.chaindb import QbftChainDB
from node.chain.genesis import Genesis
from node.chain.header import QbftBlock, QbftBlockHeader
from node.chain.header_rules import decoded_extra
from node.chain.vm import QbftPragueVM
from node.storage.block_writes import PendingBlockWrites
from node.storage.leveldb import LevelDB
from node.storage.recent_cache import RecentCache

RECENT_BLOCKS_CACHED = 32


def make_chain_class(genesis: Genesis) -> type[Chain]:
    assert genesis.qbft is not None
    vm_class = QbftPragueVM.configure(
        __name__="QbftPragueVM",
        block_period_seconds=genesis.qbft.block_period_seconds,
    )
    return Chain.configure(
        __name__="DataCirculationChain",
        vm_configuration=((BlockNumber(0), vm_class),),
        chain_id=genesis.chain_id,
        chaindb_class=QbftChainDB,
    )


class ChainReader:
    def __init__(self, db: LevelDB, genesis: Genesis) -> None:
        if genesis.qbft is None:
            raise ValueError("a ledger needs a QBFT genesis")
        self.db = db
        self.genesis = genesis
        self.chain_id = genesis.chain_id
        self.chain_class = make_chain_class(genesis)
        self.chaindb = QbftChainDB(db)
        self._recent_blocks: RecentCache[QbftBlock] = RecentCache(RECENT_BLOCKS_CACHED)
        self._recent_receipts: RecentCache[tuple[ReceiptAPI, ...]] = RecentCache(
            RECENT_BLOCKS_CACHED
        )

    @property
    def transaction_builder(self) -> type[TransactionBuilderAPI]:
        return QbftBlock.transaction_builder

    def head(self) -> QbftBlockHeader:
        return cast(QbftBlockHeader, self.chaindb.get_canonical_head())

    def header_by_number(self, number: int) -> QbftBlockHeader | None:
        try:
            header = self.chaindb.get_canonical_block_header_by_number(BlockNumber(number))
        except (HeaderNotFound, CanonicalHeadNotFound):
            return None
        return cast(QbftBlockHeader, header)

    def header_by_hash(self, block_hash: bytes) -> QbftBlockHeader | None:
        try:
            header = self.chaindb.get_block_header_by_hash(Hash32(block_hash))
        except (HeaderNotFound, ValidationError, RLPException):
            return None
        canonical = self.header_by_number(header.block_number)
        if canonical is None or canonical.hash != header.hash:
            return None
        return cast(QbftBlockHeader, header)

    def block(self, header: BlockHeaderAPI) -> QbftBlock:
        """The block of a header. Decoding a block walks its transaction trie, and clients ask
        for the same recent blocks again and again (every receipt poll needs its block), so
        recent blocks are kept decoded; a block never changes under its hash."""
        cached = self._recent_blocks.get(header.hash)
        if cached is None:
            cached = cast(QbftBlock, QbftBlock.from_header(header, self.chaindb))
            self._recent_blocks.put(header.hash, cached)
        return cached

    def receipts(self, header: BlockHeaderAPI) -> tuple[ReceiptAPI, ...]:
        cached = self._recent_receipts.get(header.hash)
        if cached is None:
            cached = tuple(self.chaindb.get_receipts(header, QbftBlock.receipt_builder))
            self._recent_receipts.put(header.hash, cached)
        return cached

    def transaction_location(self, tx_hash: bytes) -> tuple[int, int] | None:
        """``(block number, index)`` of a transaction on the canonical chain."""
        try:
            number, index = self.chaindb.get_transaction_index(Hash32(tx_hash))
        except (TransactionNotFound, ValidationError):
            return None
        return number, index

    def vm_at(self, header: BlockHeaderAPI) -> VirtualMachineAPI:
        """A VM whose state is the state after ``header``, for reads and calls.

        It runs on top of a throwaway write buffer so nothing a call does can reach the disk.
        """
        chain = self.chain_class(PendingBlockWrites(self.db))
        return chain.get_vm(header)

    def state_at(self, header: BlockHeaderAPI) -> StateAPI:
        return self.vm_at(header).state

    def validators_after(self, parent: BlockHeaderAPI) -> tuple[bytes, ...]:
        """The validators of the block after ``parent``.

        Until the exchange registry governs the set, it is the set named in genesis, which
        every header repeats in ascending order (Besu's rule; a genesis may list them in any).
        """
        return tuple(sorted(set(decoded_extra(parent).validators)))
