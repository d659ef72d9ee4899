"""Writing the chain of a data directory: genesis, building, sealing, importing.

Writers work on a :class:`PendingBlockWrites` buffer and reach LevelDB in one batch per block.
They must be serialised by the caller (the node runs them on one worker thread); reads, from
:class:`ChainReader`, may run on any thread at the same time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from eth.abc import (
    BlockAPI,
    BlockHeaderAPI,
    ReceiptAPI,
    SignedTransactionAPI,
)
from eth.exceptions import HeaderNotFound
from eth_typing import Address, BlockNumber, Hash32

from node.chain.chain_reader import ChainReader, make_chaindb
from node.chain.chaindb import QbftChainDB
from node.chain.ethereum_chain import EthereumChain, ethereum_genesis_header
from node.chain.extra_data import QbftExtraData, encode_extra_data
from node.chain.genesis import Genesis, GenesisError, genesis_state_root, qbft_genesis_header
from node.chain.header import QbftBlock
from node.chain.header_rules import (
    HeaderRuleViolation,
    check_commit_seals,
    check_not_in_future,
    check_proposer,
    check_validators_listed,
    check_vanity,
    decoded_extra,
)
from node.chain.permissioning import NOT_PERMITTED
from node.chain.registry_validators import RegistryStateError, read_registry_validators
from node.chain.vm import QbftPragueVM, next_vanity
from node.storage.block_writes import PendingBlockWrites
from node.storage.domain_index import DomainIndexWriter
from node.storage.leveldb import LevelDB
from node.storage.log_index import index_block_logs
from node.storage.schema import (
    CHAIN_ID_KEY,
    DOMAIN_HEAD_KEY,
    GENESIS_HASH_KEY,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    total_difficulty_key,
)

logger = logging.getLogger(__name__)


class GenesisMismatchError(RuntimeError):
    """The data directory holds a chain of another genesis or chain id."""


class InvalidBlockError(ValueError):
    """A block of an imported chain breaks a rule; nothing of it was written."""

    def __init__(self, number: int, reason: str) -> None:
        super().__init__(f"block #{number} is invalid: {reason}")
        self.number = number
        self.reason = reason


@dataclass(frozen=True)
class RejectedTransaction:
    hash: Hash32
    reason: str


@dataclass
class BuiltBlock:
    """A block executed on top of its parent, waiting for its commit seals."""

    block: QbftBlock
    receipts: tuple[ReceiptAPI, ...]
    rejected: tuple[RejectedTransaction, ...]
    deferred: tuple[Hash32, ...]
    writes: PendingBlockWrites


class Ledger(ChainReader):
    """The chain's writer: it creates the genesis, builds, seals and imports blocks, and reads
    like a :class:`ChainReader`."""

    def __init__(self, db: LevelDB, genesis: Genesis) -> None:
        super().__init__(db, genesis)
        self._ensure_genesis()
        self.genesis_hash = Hash32(self.chaindb.get_canonical_block_hash(BlockNumber(0)))
        self._domain = DomainIndexWriter(db)
        self._backfill_domain_index()

    # -- setup --------------------------------------------------------------------------------

    def _ensure_genesis(self) -> None:
        writes = PendingBlockWrites(self.db)
        state_root = genesis_state_root(self.genesis.alloc, writes)
        header: BlockHeaderAPI
        if self.is_qbft:
            header = qbft_genesis_header(self.genesis, state_root)
        else:
            chain_class = cast(type[EthereumChain], self.chain_class)
            header = ethereum_genesis_header(chain_class, self.genesis, state_root)
        if self.registry_governs:
            self._check_registry_lists_genesis_validators(header, writes)
        if GENESIS_HASH_KEY in self.db:
            stored_version = self.db[SCHEMA_VERSION_KEY]
            if stored_version != SCHEMA_VERSION:
                raise GenesisMismatchError(
                    f"{self.db.path} uses storage schema {stored_version.decode()},"
                    f" this node reads schema {SCHEMA_VERSION.decode()}"
                )
            stored_hash = self.db[GENESIS_HASH_KEY]
            writes.discard()
            stored_chain = int(self.db[CHAIN_ID_KEY])
            if stored_hash != header.hash or stored_chain != self.chain_id:
                raise GenesisMismatchError(
                    f"{self.db.path} holds chain {stored_chain} with genesis 0x{stored_hash.hex()},"
                    f" not chain {self.chain_id} with genesis 0x{header.hash.hex()}"
                )
            return
        make_chaindb(self.genesis, writes).persist_header(header)
        writes[SCHEMA_VERSION_KEY] = SCHEMA_VERSION
        writes[CHAIN_ID_KEY] = str(self.chain_id).encode()
        writes[GENESIS_HASH_KEY] = header.hash
        writes.flush()

    def _check_registry_lists_genesis_validators(
        self, header: BlockHeaderAPI, writes: PendingBlockWrites
    ) -> None:
        """Block 1's validators are the registry's at genesis; a genesis header listing others
        would mislead anyone who trusts the genesis file for the first set."""
        try:
            registry = read_registry_validators(self.chain_class(writes).get_vm(header).state)
        except RegistryStateError as error:
            writes.discard()
            message = f"the genesis ExchangeRegistry holds no validator list: {error}"
            raise GenesisError(message) from error
        if registry != tuple(sorted(set(self.genesis.validators))):
            writes.discard()
            raise GenesisError(
                "the genesis extraData lists other validators than ExchangeRegistry: "
                + ", ".join("0x" + v.hex() for v in registry)
            )

    def _backfill_domain_index(self) -> None:
        """Index the blocks a data directory holds but its domain index does not (one made
        before the index existed), a batch per block, so an interrupted backfill resumes."""
        indexed = self._domain.indexed_through()
        head = self.head().block_number
        first = 1 if indexed is None else indexed + 1
        if indexed is not None and first > head:
            return
        if first > head:
            self.db[DOMAIN_HEAD_KEY] = head.to_bytes(8, "big")
            return
        logger.info(
            "indexing domain events of existing blocks",
            extra={"fields": {"from": first, "to": head}},
        )
        for number in range(first, head + 1):
            header = self.chaindb.get_canonical_block_header_by_number(BlockNumber(number))
            block = self.block(header)
            writes = PendingBlockWrites(self.db)
            self._domain.index_block(
                writes, number, [tx.hash for tx in block.transactions], self.receipts(header)
            )
            self._flush(writes)

    def _index_and_flush(
        self, writes: PendingBlockWrites, block: BlockAPI, receipts: Sequence[ReceiptAPI]
    ) -> None:
        """The one commit step of every path (production, import, sync): the log and domain
        indexes join the block's batch, which then reaches LevelDB at once."""
        hashes = [tx.hash for tx in block.transactions]
        index_block_logs(writes, block.number, hashes, receipts)
        self._domain.index_block(writes, block.number, hashes, receipts)
        self._flush(writes)

    def _flush(self, writes: PendingBlockWrites) -> None:
        try:
            writes.flush()
        except BaseException:
            self._domain.reload()
            raise

    # -- building -----------------------------------------------------------------------------

    def build_block(
        self,
        transactions: Iterable[SignedTransactionAPI],
        *,
        coinbase: Address,
        timestamp: int,
        round_number: int = 0,
        parent: BlockHeaderAPI | None = None,
        out_of_time: Callable[[], bool] | None = None,
    ) -> BuiltBlock:
        """Execute ``transactions`` in order on ``parent`` (the head by default).

        Once ``out_of_time()`` is true the remaining transactions are deferred, so a proposer
        under load still proposes in time for its round (Besu's transaction selection time
        limit).

        A transaction that fails validation against the evolving state (or that py-evm fails
        to execute for any other reason) is rolled back, left out and reported; later
        transactions of the same sender are deferred, since they would fail on their nonce.
        A transaction its sender may not send after ``parent`` (permissioning) is left out and
        reported the same way, without executing it.
        Everything is applied once; the trie roots are computed once.
        """
        parent = parent if parent is not None else self.head()
        permissions = self.permissions_after(parent)
        writes = PendingBlockWrites(self.db)
        chain = self.chain_class(writes)
        extra = QbftExtraData(
            vanity=next_vanity(parent),
            validators=self.validators_after(parent),
            vote=None,
            round=round_number,
            seals=(),
        )
        header = chain.create_header_from_parent(
            parent, coinbase=coinbase, timestamp=timestamp, extra_data=encode_extra_data(extra)
        )
        vm = cast(QbftPragueVM, chain.get_vm(header))
        template = vm.get_block()
        vm.block_preprocessing(template)

        running = vm.get_header()
        applied: list[SignedTransactionAPI] = []
        receipts: list[ReceiptAPI] = []
        rejected: list[RejectedTransaction] = []
        deferred: list[Hash32] = []
        blocked_senders: set[bytes] = set()
        for tx in transactions:
            if tx.sender in blocked_senders or (out_of_time is not None and out_of_time()):
                deferred.append(tx.hash)
                continue
            refusal = permissions.refusal(tx)
            if refusal is not None:
                blocked_senders.add(tx.sender)
                rejected.append(RejectedTransaction(tx.hash, f"{NOT_PERMITTED}: {refusal}"))
                continue
            if tx.gas > running.gas_limit - running.gas_used:
                blocked_senders.add(tx.sender)
                deferred.append(tx.hash)
                continue
            try:
                receipt = self._apply_transaction(vm, running, tx)
            except Exception as error:  # one bad transaction must never abort the block
                blocked_senders.add(tx.sender)
                rejected.append(RejectedTransaction(tx.hash, str(error) or type(error).__name__))
                continue
            running = vm.add_receipt_to_header(running, receipt)
            running = vm.increment_blob_gas_used(running, tx)
            applied.append(tx)
            receipts.append(receipt)

        filled = vm.set_block_transactions_and_withdrawals(
            vm.get_block(), running, applied, receipts, withdrawals=()
        )
        processed = vm.block_postprocessing(filled)
        block = vm.mine_block(processed).block
        return BuiltBlock(
            block=cast(QbftBlock, block),
            receipts=tuple(receipts),
            rejected=tuple(rejected),
            deferred=tuple(deferred),
            writes=writes,
        )

    @staticmethod
    def _apply_transaction(
        vm: QbftPragueVM, header: BlockHeaderAPI, tx: SignedTransactionAPI
    ) -> ReceiptAPI:
        """py-evm's ``VM.apply_transaction``, with the state rolled back if anything fails.

        The snapshot must be taken after the previous transaction's changes are locked, which
        py-evm's own method does internally and so cannot be wrapped from outside.
        """
        vm.validate_transaction_against_header(header, tx)
        vm.state.lock_changes()
        snapshot = vm.state.snapshot()
        try:
            computation = vm.state.apply_transaction(tx)
            receipt = vm.make_receipt(header, tx, computation, vm.state)
            vm.validate_receipt(receipt)
        except Exception:
            vm.state.revert(snapshot)
            raise
        return receipt

    def commit_sealed(
        self, built: BuiltBlock, seals: Sequence[bytes], round_number: int | None = None
    ) -> QbftBlock:
        """Attach the commit seals and write the block in one batch.

        ``round_number`` is the round that committed the block, if not the one it was built
        or validated in: a prepared block re-proposed in a later round keeps its hash (the
        round is not part of it), so its execution is reused, but its seals sign the later
        round."""
        if built.block.header.parent_hash != self.head().hash:
            raise HeaderRuleViolation("parent", "the block no longer extends the head")
        extra = decoded_extra(built.block.header).with_seals(tuple(seals))
        if round_number is not None:
            extra = extra.with_round(round_number)
        header = built.block.header.copy(extra_data=encode_extra_data(extra))
        block = built.block.copy(header=header)
        validators = self.validators_after(self._parent_of(block.header, built.writes))
        check_commit_seals(block.header, validators)
        QbftChainDB(built.writes).persist_block(block)
        self._index_and_flush(built.writes, block, built.receipts)
        return block

    # -- importing ----------------------------------------------------------------------------

    def import_ethereum_block(self, block: BlockAPI) -> BlockAPI:
        """Validate, execute and write one block of an imported (non-QBFT) chain, in one batch.

        The block must extend the head: an importer replays one chain, it does not choose
        between branches. Any failure, py-evm's or ours, is reported as
        :class:`InvalidBlockError` with nothing of the block written.
        """
        head = self.head()
        if block.header.parent_hash != head.hash:
            reason = f"its parent 0x{block.header.parent_hash.hex()} is not the head"
            raise InvalidBlockError(block.number, f"{reason} #{head.block_number}")
        writes = PendingBlockWrites(self.db)
        try:
            imported = self.chain_class(writes).import_block(block).imported_block
            receipts = tuple(
                make_chaindb(self.genesis, writes).get_receipts(
                    imported.header, imported.get_receipt_builder()
                )
            )
        except Exception as error:  # every rule py-evm enforces raises its own type
            writes.discard()
            raise InvalidBlockError(block.number, str(error) or type(error).__name__) from error
        total = self.total_difficulty(head) + imported.header.difficulty
        writes[total_difficulty_key(imported.hash)] = total.to_bytes(32, "big")
        self._index_and_flush(writes, imported, receipts)
        return imported

    def import_block(self, block: BlockAPI, *, now: float) -> QbftBlock:
        """Validate a sealed block from a peer or a file, execute it and write it.

        A committed QBFT block is final: a block must extend the head. The same block again is
        answered with the stored one; any other block at a committed height is refused, so a
        longer competing branch can never replace the ledger's history.
        """
        head = self.head()
        writes = PendingBlockWrites(self.db)
        parent = self._parent_of(block.header, writes)
        if parent.hash != head.hash:
            stored = self.header_by_number(block.number)
            if stored is not None and stored.hash == block.hash:
                return cast(QbftBlock, self.block(stored))
            raise HeaderRuleViolation(
                "finality", f"block #{block.number} does not extend the head #{head.block_number}"
            )
        validators = self.validators_after(parent)
        extra = decoded_extra(block.header)
        check_validators_listed(extra, validators)
        check_vanity(extra, next_vanity(parent))
        check_proposer(block.header, validators)
        check_commit_seals(block.header, validators)
        check_not_in_future(block.header, now)
        self.chain_class.get_vm_class(block.header).validate_header(block.header, parent)
        self.permissions_after(parent).check_block(block.transactions)
        chain = self.chain_class(writes)
        imported = chain.import_block(block).imported_block
        receipts = tuple(writes_chaindb_receipts(writes, imported.header))
        self._index_and_flush(writes, imported, receipts)
        return cast(QbftBlock, imported)

    def execute_proposal(self, block: BlockAPI, *, now: float) -> BuiltBlock:
        """Check a proposed (unsealed) block against its parent and execute it, writing
        nothing: a validator votes for it only if this passes, and :meth:`commit_sealed` later
        writes the same execution with the seals, so no block runs twice on a validator."""
        writes = PendingBlockWrites(self.db)
        parent = self._parent_of(block.header, writes)
        validators = self.validators_after(parent)
        extra = decoded_extra(block.header)
        check_validators_listed(extra, validators)
        check_vanity(extra, next_vanity(parent))
        check_proposer(block.header, validators)
        check_not_in_future(block.header, now)
        self.chain_class.get_vm_class(block.header).validate_header(block.header, parent)
        self.permissions_after(parent).check_block(block.transactions)
        executed = self.chain_class(writes).import_block(block).imported_block
        receipts = tuple(writes_chaindb_receipts(writes, executed.header))
        return BuiltBlock(cast(QbftBlock, executed), receipts, (), (), writes)

    def _parent_of(self, header: BlockHeaderAPI, writes: PendingBlockWrites) -> BlockHeaderAPI:
        try:
            return QbftChainDB(writes).get_block_header_by_hash(header.parent_hash)
        except HeaderNotFound:
            raise HeaderRuleViolation(
                "parent", f"unknown parent 0x{header.parent_hash.hex()}"
            ) from None


def writes_chaindb_receipts(
    writes: PendingBlockWrites, header: BlockHeaderAPI
) -> Iterable[ReceiptAPI]:
    return QbftChainDB(writes).get_receipts(header, QbftBlock.receipt_builder)
