"""Account reads at the current head, shared by transaction admission.

Building a py-evm state object costs far more than reading one account, and admission reads
two accounts per transaction; one state per head keeps that cost per block, not per call.
"""

from __future__ import annotations

from eth.abc import BlockHeaderAPI, StateAPI
from eth_typing import Address

from node.chain.ledger import Ledger


class HeadAccounts:
    def __init__(self, ledger: Ledger, head: BlockHeaderAPI) -> None:
        self._ledger = ledger
        self._head = head
        self._state: StateAPI | None = None

    def move_to(self, head: BlockHeaderAPI) -> None:
        if head.hash != self._head.hash:
            self._head = head
            self._state = None

    def _current(self) -> StateAPI:
        if self._state is None:
            self._state = self._ledger.state_at(self._head)
        return self._state

    def nonce(self, address: Address) -> int:
        return self._current().get_nonce(address)

    def balance(self, address: Address) -> int:
        return self._current().get_balance(address)
