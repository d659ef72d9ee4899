"""Which node keys the registries admit to the peer network besides the validators: the
observer nodes of Active exchanges and the regulators' nodes.

ExchangeRegistry records each exchange's observer nodes by the address of their node key. It
records no nodes for regulators, only regulator accounts (a mapping the regulator root
maintains), so a regulator's node is admitted when its node key's address is a regulator
account or the regulator root: the regulator root adds its node's address with
``addRegulator``. A dedicated list would need a registry upgrade (a field appended to its
layout); this reads only what the registry holds today.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from eth.abc import StateAPI

from client.contracts import ExchangeStatus
from node.chain.registry_members import (
    is_regulator,
    read_exchange_nodes,
    read_regulator_root,
    registries_deployed,
)


@dataclass(frozen=True)
class RegisteredNode:
    address: bytes
    role: str
    """``observer``, ``regulator`` or ``regulator-root``."""
    exchange: str | None = None


class RegisteredNodes:
    """The registered nodes in one state of ExchangeRegistry (none on a chain without it)."""

    def __init__(self, state: StateAPI | None) -> None:
        present = state is not None and registries_deployed(state)
        self._state = state if present else None
        self.observers: dict[bytes, str] = {}
        """Observer node address → its Active exchange's code."""
        self.validator_exchanges: dict[bytes, str] = {}
        """Validator address → its exchange's code (whatever the status)."""
        self.regulator_root: bytes | None = None
        if self._state is not None:
            for exchange in read_exchange_nodes(self._state):
                if exchange.validator is not None:
                    self.validator_exchanges[exchange.validator] = exchange.code
                if exchange.status == ExchangeStatus.ACTIVE:
                    for observer in exchange.observers:
                        self.observers[observer] = exchange.code
            self.regulator_root = read_regulator_root(self._state)
        self._regulators: dict[bytes, bool] = {}
        self._lock = threading.Lock()

    def registered(self, address: bytes) -> RegisteredNode | None:
        """Why the registry admits the node of ``address``, or None."""
        address = bytes(address)
        if address in self.observers:
            return RegisteredNode(address, "observer", self.observers[address])
        if self.regulator_root is not None and address == self.regulator_root:
            return RegisteredNode(address, "regulator-root")
        if self._state is not None and self._is_regulator(address):
            return RegisteredNode(address, "regulator")
        return None

    def _is_regulator(self, address: bytes) -> bool:
        known = self._regulators.get(address)
        if known is None:
            assert self._state is not None
            with self._lock:
                known = is_regulator(self._state, address)
            self._regulators[address] = known
        return known
