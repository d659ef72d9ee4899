"""Account reads at the current head, shared by transaction admission.

Building a py-evm state object costs far more than reading one account, and admission reads
two accounts per transaction; one state per head keeps that cost per block, not per call.
Who may transact comes from the ledger's permissions after the head, which a new head keeps
unless it changed the registries.
"""

from __future__ import annotations

from eth.abc import BlockHeaderAPI, SignedTransactionAPI, StateAPI
from eth_typing import Address

from node.chain.ledger import Ledger
from node.chain.permissioning import AccountPermissions


class HeadAccounts:
    def __init__(self, ledger: Ledger, head: BlockHeaderAPI) -> None:
        self._ledger = ledger
        self._head = head
        self._state: StateAPI | None = None
        self.permissions: AccountPermissions = ledger.permissions_after(head)

    def move_to(self, head: BlockHeaderAPI) -> bool:
        """Follow a new head; True if it changed who may transact."""
        if head.hash == self._head.hash:
            return False
        self._head = head
        self._state = None
        previous, self.permissions = self.permissions, self._ledger.permissions_after(head)
        return self.permissions is not previous

    def refusal(self, sender: Address, tx: SignedTransactionAPI) -> str | None:
        return self.permissions.refusal(tx, sender)

    def _current(self) -> StateAPI:
        if self._state is None:
            self._state = self._ledger.state_at(self._head)
        return self._state

    def nonce(self, address: Address) -> int:
        return self._current().get_nonce(address)

    def balance(self, address: Address) -> int:
        return self._current().get_balance(address)
