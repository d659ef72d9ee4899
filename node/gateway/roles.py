"""A caller's roles, read from the head state at each request, so a suspension, a new
regulator or a changed operator list takes effect at the next request."""

from __future__ import annotations

from dataclasses import dataclass

from eth.abc import VirtualMachineAPI

from client.contracts import decode_exchange_code
from node.gateway.call_rules import (
    ANYONE,
    OPERATOR,
    PARTICIPANT,
    PARTICIPANT_ROLE_BITS,
    REGULATOR,
    REGULATOR_ROOT,
)
from node.gateway.chain_views import view

ACTIVE_PARTICIPANT = 1
ACTIVE_EXCHANGE = 1


@dataclass(frozen=True)
class CallerRoles:
    address: str
    regulator: bool
    regulator_root: bool
    exchange: str | None
    """The exchange this account operates, if that exchange is active."""
    home_exchange: str | None
    """The participant's home exchange, if it is an active participant."""
    participant_roles: tuple[str, ...]

    @property
    def names(self) -> frozenset[str]:
        """Every role name of ``call_rules`` this caller holds."""
        names = {ANYONE, *self.participant_roles}
        if self.regulator:
            names.add(REGULATOR)
        if self.regulator_root:
            names.add(REGULATOR_ROOT)
        if self.exchange:
            names.add(OPERATOR)
        if self.home_exchange:
            names.add(PARTICIPANT)
        return frozenset(names)

    @property
    def reads_everything(self) -> bool:
        """Regulators read every record (DESIGN "Who reads what")."""
        return self.regulator or self.regulator_root

    def as_json(self) -> dict[str, object]:
        return {
            "address": self.address,
            "regulator": self.regulator or self.regulator_root,
            "regulatorRoot": self.regulator_root,
            "exchange": self.exchange,
            "participant": None
            if self.home_exchange is None
            else {"homeExchange": self.home_exchange, "roles": list(self.participant_roles)},
        }


def read_roles(vm: VirtualMachineAPI, chain_id: int, address: str) -> CallerRoles:
    root = view(vm, chain_id, "ExchangeRegistry", "regulatorRoot")
    regulator = bool(view(vm, chain_id, "ExchangeRegistry", "isRegulator", address))
    code = view(vm, chain_id, "ExchangeRegistry", "operatorExchange", address)
    exchange = None
    if code != b"\x00" * 32 and view(
        vm, chain_id, "ExchangeRegistry", "isActiveOperator", address, code
    ):
        exchange = decode_exchange_code(code)
    participant = view(vm, chain_id, "ParticipantRegistry", "participant", address)
    home, bits = participant["homeExchange"], participant["roles"]
    active = participant["status"] == ACTIVE_PARTICIPANT
    return CallerRoles(
        address=address,
        regulator=regulator,
        regulator_root=root.lower() == address.lower(),
        exchange=exchange,
        home_exchange=decode_exchange_code(home) if active else None,
        participant_roles=tuple(
            n for n, bit in PARTICIPANT_ROLE_BITS.items() if active and bits & bit
        ),
    )
