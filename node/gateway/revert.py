"""Why an included transaction reverted. Receipts do not keep revert data, so the transaction
is executed again on the state it met: its block's parent state with the block's earlier
transactions applied, in its block's context (a throwaway state; nothing is written). Run on
a query thread, once per transaction (the gateway keeps the answers of recent ones)."""

from __future__ import annotations

from typing import Any

from eth.abc import BlockHeaderAPI
from eth.exceptions import Revert

from client.revert_errors import decode_revert
from node.chain.chain_reader import ChainReader


def revert_reason(ledger: ChainReader, header: BlockHeaderAPI, position: int) -> dict[str, Any]:
    parent = ledger.header_by_number(header.block_number - 1)
    if parent is None:
        return {"error": None, "args": {}, "data": "0x"}
    transactions = ledger.block(header).transactions
    state = ledger.vm_at(header.copy(state_root=parent.state_root)).state
    for earlier in transactions[:position]:
        state.apply_transaction(earlier)
    computation = state.apply_transaction(transactions[position])
    error = computation.error if computation.is_error else None
    if isinstance(error, Revert):
        return decode_revert(bytes(computation.output))
    name = type(error).__name__ if error is not None else None
    return {"error": name, "args": {}, "data": "0x"}
