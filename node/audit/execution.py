"""Executing one verified block on the replay's own state and writing it there.

The block is executed once, with all its transactions (py-evm's ``VM.import_block``), its
execution results are compared field by field with its header, and the block, its receipts and
its log index reach the replay's LevelDB in one batch, as the node writes a block.
"""

from __future__ import annotations

from eth.abc import BlockAPI, BlockHeaderAPI
from eth.vm.forks.cancun.constants import BLOB_TX_TYPE

from node.audit.checks import CheckFailed, compare_execution
from node.chain.chain_reader import make_chaindb
from node.chain.ledger import Ledger
from node.storage.block_writes import PendingBlockWrites
from node.storage.log_index import index_block_logs
from node.storage.schema import total_difficulty_key


def execute_and_write(ledger: Ledger, block: BlockAPI, parent: BlockHeaderAPI) -> None:
    """Raise :class:`CheckFailed` at the first execution check the block fails; write it
    otherwise."""
    if ledger.is_qbft and any(
        getattr(tx, "type_id", None) == BLOB_TX_TYPE for tx in block.transactions
    ):
        raise CheckFailed("transaction-validity", "a QBFT block carries no blob transactions")
    writes = PendingBlockWrites(ledger.db)
    chain = ledger.chain_class(writes)
    vm_class = chain.get_vm_class(block.header)
    base = vm_class.create_header_from_parent(parent, timestamp=block.header.timestamp)
    vm = chain.get_vm(base.copy(gas_used=block.header.gas_used))
    try:
        executed = vm.import_block(block).block
    except Exception as error:  # py-evm refuses an invalid transaction with many types
        raise CheckFailed("transaction-validity", str(error) or type(error).__name__) from error
    compare_execution(executed.header, block.header)
    chaindb = make_chaindb(ledger.genesis, writes)
    chaindb.persist_block(block)
    receipts = chaindb.get_receipts(executed.header, block.get_receipt_builder())
    index_block_logs(writes, block.number, [tx.hash for tx in block.transactions], receipts)
    if not ledger.is_qbft:
        total = ledger.total_difficulty(parent) + block.header.difficulty
        writes[total_difficulty_key(block.hash)] = total.to_bytes(32, "big")
    writes.flush()
