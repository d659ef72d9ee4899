"""Account permissioning: who may send a transaction in the block after a given state.

A rule of block validity on a chain whose genesis sets ``config.dcl.permissioning``: a
transaction is valid only if its sender is, in the state after the block's parent, the
regulator root, a regulator, an operator of an Active exchange, an Active participant, or a
genesis bootstrap account while the bootstrap lasts; a contract creation only if the sender is
one of the first three (or a bootstrap account). A suspension or revocation executed in block
N therefore takes effect from block N+1, for everyone at once.

The bootstrap lasts while ExchangeRegistry holds no regulator root: on a chain made without a
consortium, whose registries do not exist, the bootstrap accounts are the only accounts that
transact; a consortium genesis names the root, so there the registries decide from genesis on.

Statuses are pure functions of the registries' storage (``registry_members``) and the genesis
list, so an :class:`AccountPermissions` serves every state whose two registries' storage roots
are the same: most blocks change neither, and the statuses read once stay valid.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from eth.abc import SignedTransactionAPI, StateAPI
from eth.constants import CREATE_CONTRACT_ADDRESS
from eth_utils import ValidationError, to_checksum_address

from client.contracts import ExchangeStatus
from node.chain.genesis import PermissioningConfig
from node.chain.registry_members import (
    AccountRoles,
    ParticipantStatus,
    read_account_roles,
    read_regulator_root,
    registries_deployed,
)

NOT_PERMITTED = "account not permitted"
"""The text every refusal starts with, at the pool, the gateway and block validation."""


class Role(StrEnum):
    BOOTSTRAP = "bootstrap"
    REGULATOR_ROOT = "regulator-root"
    REGULATOR = "regulator"
    OPERATOR = "operator"
    PARTICIPANT = "participant"


CREATING_ROLES = frozenset({Role.BOOTSTRAP, Role.REGULATOR_ROOT, Role.REGULATOR, Role.OPERATOR})


class PermissionViolation(ValidationError):
    """A block carries a transaction whose sender may not send it: the whole block is
    invalid."""

    rule = "permissioning"

    def __init__(self, detail: str) -> None:
        super().__init__(f"{self.rule}: {detail}")
        self.detail = detail


@dataclass(frozen=True)
class AccountStatus:
    address: bytes
    roles: tuple[Role, ...]
    """The roles that permit it now, strongest first; empty when it may not transact."""
    facts: AccountRoles | None
    """What the registries say of it (None on a chain without them)."""
    bootstrap_listed: bool
    bootstrap_open: bool
    reason: str
    """Why it may not transact (empty when it may)."""

    @property
    def permitted(self) -> bool:
        return bool(self.roles)

    @property
    def may_create_contracts(self) -> bool:
        return any(role in CREATING_ROLES for role in self.roles)


def _named(address: bytes) -> str:
    return to_checksum_address(address)


def account_status(
    address: bytes, facts: AccountRoles | None, *, listed: bool, bootstrap_open: bool
) -> AccountStatus:
    """The rule itself: the roles that permit ``address`` and, if none does, why."""
    roles: list[Role] = []
    if listed and bootstrap_open:
        roles.append(Role.BOOTSTRAP)
    if facts is not None:
        if facts.regulator_root:
            roles.append(Role.REGULATOR_ROOT)
        if facts.regulator:
            roles.append(Role.REGULATOR)
        if facts.operator_of is not None and facts.exchange_status == ExchangeStatus.ACTIVE:
            roles.append(Role.OPERATOR)
        if facts.participant_status == ParticipantStatus.ACTIVE:
            roles.append(Role.PARTICIPANT)
    reason = "" if roles else _refusal_reason(address, facts, listed)
    return AccountStatus(bytes(address), tuple(roles), facts, listed, bootstrap_open, reason)


def _refusal_reason(address: bytes, facts: AccountRoles | None, listed: bool) -> str:
    found = []
    if facts is not None and facts.operator_of is not None:
        status = facts.exchange_status.name.lower()
        found.append(f"it operates for exchange {facts.operator_of}, which is {status}")
    if facts is not None and facts.participant_status != ParticipantStatus.NONE:
        found.append(f"it is a {facts.participant_status.name.lower()} participant")
    if listed:
        found.append("its genesis bootstrap ended when the consortium was set up")
    if not found:
        return (
            f"{_named(address)} is not registered (no operator of an active exchange,"
            " regulator, regulator root or active participant)"
        )
    return f"{_named(address)} may not transact: " + "; ".join(found)


def transaction_refusal(status: AccountStatus, tx: SignedTransactionAPI) -> str | None:
    """Why ``status``'s account may not send ``tx`` (the text after "account not permitted:
    "), or None."""
    if not status.permitted:
        return status.reason
    if tx.to == CREATE_CONTRACT_ADDRESS and not status.may_create_contracts:
        return (
            f"{_named(status.address)} may not create contracts: only regulators, the regulator"
            " root and operators of active exchanges may"
        )
    return None


class AccountPermissions:
    """Account statuses in one state of the registries, read on first use and kept.

    Shared by the chain thread, the event loop and query threads, hence the lock around the
    reads of the state object.
    """

    def __init__(self, state: StateAPI | None, config: PermissioningConfig | None) -> None:
        self.enabled = config is not None
        self._bootstrap = config.bootstrap_accounts if config is not None else frozenset()
        self._state = state if state is not None and registries_deployed(state) else None
        self.regulator_root = None if self._state is None else read_regulator_root(self._state)
        self.bootstrap_open = self.regulator_root is None
        self._statuses: dict[bytes, AccountStatus] = {}
        self._lock = threading.Lock()

    def status(self, address: bytes) -> AccountStatus:
        address = bytes(address)
        status = self._statuses.get(address)
        if status is None:
            with self._lock:
                facts = (
                    None
                    if self._state is None
                    else read_account_roles(self._state, address, self.regulator_root)
                )
            status = account_status(
                address,
                facts,
                listed=address in self._bootstrap,
                bootstrap_open=self.bootstrap_open,
            )
            self._statuses[address] = status
        return status

    def refusal(self, tx: SignedTransactionAPI, sender: bytes | None = None) -> str | None:
        """Why the block after this state may not carry ``tx``; None if it may (always,
        when permissioning is off)."""
        if not self.enabled:
            return None
        return transaction_refusal(self.status(tx.sender if sender is None else sender), tx)

    def check_block(self, transactions: Sequence[SignedTransactionAPI]) -> None:
        """Raise :class:`PermissionViolation` naming the first transaction its sender may not
        send. A transaction whose signature yields no sender is left to execution, which
        refuses it with its own reason."""
        if not self.enabled:
            return
        for index, tx in enumerate(transactions):
            try:
                sender = tx.sender
            except Exception:
                continue
            refusal = self.refusal(tx, sender)
            if refusal is not None:
                raise PermissionViolation(
                    f"transaction {index} (0x{bytes(tx.hash).hex()}) from {_named(sender)}:"
                    f" {NOT_PERMITTED}: {refusal}"
                )


OPEN = AccountPermissions(None, None)
"""Every account may transact: a chain whose genesis does not switch permissioning on."""
