"""Reading the chain of a data directory: headers, blocks, receipts, state, validators.

Readers use a chain database over LevelDB itself, which only ever holds whole blocks (a block
reaches LevelDB in one batch), so they may run on any thread while a writer builds the next
block. Blocks are immutable under their hash, so recent ones are kept decoded.
"""

from __future__ import annotations

import rlp
from eth.abc import (
    AtomicDatabaseAPI,
    BlockAPI,
    BlockHeaderAPI,
    ReceiptAPI,
    StateAPI,
    TransactionBuilderAPI,
    VirtualMachineAPI,
)
from eth.chains.base import Chain
from eth.db.chain import ChainDB
from eth.exceptions import CanonicalHeadNotFound, HeaderNotFound, TransactionNotFound
from eth.rlp.accounts import Account
from eth_typing import BlockNumber, Hash32
from eth_utils import ValidationError, keccak
from rlp.exceptions import RLPException
from trie import HexaryTrie

from node.chain.chaindb import QbftChainDB
from node.chain.ethereum_chain import EthereumChain, make_ethereum_chain_class
from node.chain.fees import blob_params, next_base_fee
from node.chain.forks import Fork
from node.chain.genesis import Genesis
from node.chain.header import QbftBlock
from node.chain.header_rules import decoded_extra
from node.chain.node_permissions import RegisteredNodes
from node.chain.permissioning import OPEN, AccountPermissions
from node.chain.registry_members import EXCHANGE_REGISTRY, PARTICIPANT_REGISTRY
from node.chain.registry_validators import EXCHANGE_REGISTRY_PROXY, read_registry_validators
from node.chain.vm import QbftPragueVM
from node.storage.block_writes import PendingBlockWrites
from node.storage.leveldb import LevelDB
from node.storage.recent_cache import RecentCache
from node.storage.schema import total_difficulty_key

RECENT_BLOCKS_CACHED = 32
VALIDATOR_SETS_CACHED = 256
"""Validator sets kept by parent hash: consensus asks for the head's on every message, and
sync and RPC for recent ones."""
PERMISSION_STATES_CACHED = 16
"""Account statuses kept by the registries' storage roots, which few blocks change."""


def make_chain_class(genesis: Genesis) -> type[Chain]:
    """A QBFT chain runs its own Prague VM from genesis; any other chain, py-evm's VMs as its
    fork schedule says."""
    if genesis.qbft is None:
        assert genesis.forks is not None
        return make_ethereum_chain_class(genesis, genesis.forks)
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


def make_chaindb(genesis: Genesis, db: AtomicDatabaseAPI) -> ChainDB:
    """QBFT headers must be read back with their own class (their hash differs)."""
    return QbftChainDB(db) if genesis.qbft is not None else ChainDB(db)


class ChainReader:
    def __init__(self, db: LevelDB, genesis: Genesis) -> None:
        self.db = db
        self.genesis = genesis
        self.chain_id = genesis.chain_id
        self.is_qbft = genesis.qbft is not None
        self.chain_class = make_chain_class(genesis)
        self.chaindb = make_chaindb(genesis, db)
        self._recent_blocks: RecentCache[BlockAPI] = RecentCache(RECENT_BLOCKS_CACHED)
        self._recent_receipts: RecentCache[tuple[ReceiptAPI, ...]] = RecentCache(
            RECENT_BLOCKS_CACHED
        )
        self._validator_sets: RecentCache[tuple[bytes, ...]] = RecentCache(VALIDATOR_SETS_CACHED)
        self._registry_roots: RecentCache[bytes] = RecentCache(VALIDATOR_SETS_CACHED)
        self._permissions: RecentCache[AccountPermissions] = RecentCache(PERMISSION_STATES_CACHED)
        self._registered_nodes: RecentCache[RegisteredNodes] = RecentCache(PERMISSION_STATES_CACHED)
        registry = genesis.alloc.get(EXCHANGE_REGISTRY_PROXY)
        self.registry_governs = self.is_qbft and registry is not None and bool(registry.code)
        """Whether ExchangeRegistry decides the validator set (it is predeployed in genesis);
        otherwise the genesis set holds for good."""

    @property
    def transaction_builder(self) -> type[TransactionBuilderAPI]:
        """Decodes the transactions the head's fork allows."""
        if self.is_qbft:
            return QbftBlock.transaction_builder
        return self.block_class(self.head()).get_transaction_builder()

    def vm_class_at(self, number: int, timestamp: int, difficulty: int) -> type[VirtualMachineAPI]:
        """The VM of a block with these header fields (to decode it before it is known)."""
        if isinstance(self.chain_class, type) and issubclass(self.chain_class, EthereumChain):
            return self.chain_class.vm_class_at(number, timestamp, difficulty)
        return self.chain_class.get_vm_class_for_block_number(BlockNumber(number))

    def fork_of(self, header: BlockHeaderAPI) -> Fork:
        if self.genesis.forks is None:
            return Fork.PRAGUE
        return self.genesis.forks.fork_at(header.block_number, header.timestamp, header.difficulty)

    def next_fork(self, parent: BlockHeaderAPI) -> Fork:
        """The fork of the block after ``parent``, were it made a second later (the pool and
        the fee figures look one block ahead)."""
        if self.genesis.forks is None:
            return Fork.PRAGUE
        difficulty = 0 if self.fork_of(parent) >= Fork.PARIS else 1
        return self.genesis.forks.fork_at(parent.block_number + 1, parent.timestamp + 1, difficulty)

    def next_base_fee(self, parent: BlockHeaderAPI) -> int:
        return next_base_fee(parent, self.next_fork(parent), fixed_zero=self.is_qbft)

    def blob_base_fee(self, header: BlockHeaderAPI) -> int:
        """What a blob gas unit cost in the block of ``header``; 0 before Cancun."""
        blobs = blob_params(self.fork_of(header))
        return 0 if blobs is None else blobs.base_fee(header.excess_blob_gas)

    def block_class(self, header: BlockHeaderAPI) -> type[BlockAPI]:
        return self.chain_class.get_vm_class(header).get_block_class()

    def head(self) -> BlockHeaderAPI:
        return self.chaindb.get_canonical_head()

    def header_by_number(self, number: int) -> BlockHeaderAPI | None:
        try:
            header = self.chaindb.get_canonical_block_header_by_number(BlockNumber(number))
        except (HeaderNotFound, CanonicalHeadNotFound):
            return None
        return header

    def header_by_hash(self, block_hash: bytes) -> BlockHeaderAPI | None:
        try:
            header = self.chaindb.get_block_header_by_hash(Hash32(block_hash))
        except (HeaderNotFound, ValidationError, RLPException):
            return None
        canonical = self.header_by_number(header.block_number)
        if canonical is None or canonical.hash != header.hash:
            return None
        return header

    def block(self, header: BlockHeaderAPI) -> BlockAPI:
        """The block of a header. Decoding a block walks its transaction trie, and clients ask
        for the same recent blocks again and again (every receipt poll needs its block), so
        recent blocks are kept decoded; a block never changes under its hash."""
        cached = self._recent_blocks.get(header.hash)
        if cached is None:
            cached = self.block_class(header).from_header(header, self.chaindb)
            self._recent_blocks.put(header.hash, cached)
        return cached

    def receipts(self, header: BlockHeaderAPI) -> tuple[ReceiptAPI, ...]:
        cached = self._recent_receipts.get(header.hash)
        if cached is None:
            builder = self.block_class(header).get_receipt_builder()
            cached = tuple(self.chaindb.get_receipts(header, builder))
            self._recent_receipts.put(header.hash, cached)
        return cached

    def total_difficulty(self, header: BlockHeaderAPI) -> int:
        """The sum of the difficulties up to ``header``; imported blocks record theirs, while a
        QBFT block's (difficulty 1 each) is py-evm's score."""
        stored = self.db.get(total_difficulty_key(header.hash))
        if stored is not None:
            return int.from_bytes(stored, "big")
        return self.chaindb.get_score(header.hash)

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
        """The validators of the block after ``parent``, in ascending order.

        With ExchangeRegistry in genesis, they are the registry's validators (those of its
        Active exchanges) in the state after ``parent``, read from its storage and kept by
        ``parent``'s hash. A QBFT genesis without the registry keeps the genesis set for good
        (Besu's rule orders it ascending; a genesis may list it in any order). An imported
        Ethereum chain has none.

        Raises :class:`~node.chain.registry_validators.RegistryStateError` if the registry's
        storage holds no well-formed list.
        """
        if not self.is_qbft:
            return ()
        if not self.registry_governs:
            return tuple(sorted(set(self.genesis.validators)))
        cached = self._validator_sets.get(bytes(parent.hash))
        if cached is None:
            cached = read_registry_validators(self.state_at(parent))
            self._validator_sets.put(bytes(parent.hash), cached)
        return cached

    def validators_of(self, header: BlockHeaderAPI) -> tuple[bytes, ...]:
        """The validators of the block of ``header``, as its extraData lists them (import
        checked that list against :meth:`validators_after` of its parent)."""
        if not self.is_qbft:
            return ()
        return tuple(decoded_extra(header).validators)

    def permissions_after(self, parent: BlockHeaderAPI) -> AccountPermissions:
        """Who may transact in the block after ``parent``: the statuses in the state after it
        (``node.chain.permissioning``), shared by every state whose ExchangeRegistry and
        ParticipantRegistry storage is the same. :data:`OPEN` when the genesis does not switch
        permissioning on."""
        if self.genesis.permissioning is None:
            return OPEN
        key = self._registry_key(parent)
        permissions = self._permissions.get(key)
        if permissions is None:
            permissions = AccountPermissions(self.state_at(parent), self.genesis.permissioning)
            self._permissions.put(key, permissions)
        return permissions

    def registered_nodes_after(self, parent: BlockHeaderAPI) -> RegisteredNodes:
        """The observer and regulator nodes the registry admits to the peer network in the
        state after ``parent`` (none on a chain without it), kept like the permissions."""
        if not self.registry_governs:
            return RegisteredNodes(None)
        key = self._registry_key(parent)
        nodes = self._registered_nodes.get(key)
        if nodes is None:
            nodes = RegisteredNodes(self.state_at(parent))
            self._registered_nodes.put(key, nodes)
        return nodes

    def _registry_key(self, parent: BlockHeaderAPI) -> bytes:
        key = self._registry_roots.get(bytes(parent.hash))
        if key is None:
            key = self._registries_storage_roots(parent.state_root)
            self._registry_roots.put(bytes(parent.hash), key)
        return key

    def _registries_storage_roots(self, state_root: bytes) -> bytes:
        """The two registries' storage roots, read from the state trie (a few node reads)."""
        trie = HexaryTrie(self.db, state_root)
        roots = b""
        for address in (EXCHANGE_REGISTRY, PARTICIPANT_REGISTRY):
            encoded = trie.get(keccak(address))
            roots += rlp.decode(encoded, sedes=Account).storage_root if encoded else bytes(32)
        return roots
