"""Who the registries name, read straight from their storage: regulators, exchange operators,
participants and the exchanges' nodes.

Permissioning asks for every transaction and every peer, so, as for the validator set
(``registry_validators``), the facts are read from the slots of the contracts' ERC-7201
layouts (``contracts/README.md``) rather than by running EVM code. Solidity packs small fields
of a struct into one word from its low-order end; a mapping's entry for key ``k`` at slot
``p`` starts at ``keccak256(k . p)``; a dynamic array at slot ``p`` holds its length there and
element ``i`` at ``keccak256(p) + i``. ``tests/unit/chain/test_registry_members.py`` checks
every reading against the contracts' own view functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from eth.abc import StateAPI
from eth_typing import Address
from eth_utils import keccak

from client.certificate.layout import REGISTRY_BASE
from client.contracts import SYSTEM_CONTRACT_INDEX, ExchangeStatus, proxy_address

EXCHANGE_REGISTRY = Address(proxy_address(SYSTEM_CONTRACT_INDEX["ExchangeRegistry"]))
PARTICIPANT_REGISTRY = Address(proxy_address(SYSTEM_CONTRACT_INDEX["ParticipantRegistry"]))
PARTICIPANT_BASE = 0xD5FFC539AADEB014404204CECB35121F457E87EFB5346481C5FD85EF04503200

_ROOT_WORD = REGISTRY_BASE + 1
"""``initialized`` (byte 0) and ``regulatorRoot`` (bytes 1-20)."""
_CODES = REGISTRY_BASE + 5
_EXCHANGES = REGISTRY_BASE + 6
_OPERATOR_OF = REGISTRY_BASE + 7
_REGULATORS = REGISTRY_BASE + 9
_EXCHANGE_VALIDATOR = 3
_EXCHANGE_OBSERVERS = 4
_EXCHANGE_STATUS = 5
"""Offsets in ``Exchange``: name, city, operators, validator, observers, status."""
_PARTICIPANTS = PARTICIPANT_BASE + 1
_PARTICIPANT_ROLES = 1
_PARTICIPANT_STATUS = 3
"""Offsets in ``Participant``: homeExchange, roles and jurisdiction, creditCodeHash, status."""
MAX_LISTED = 64
"""The registry admits at most 64 exchanges and 8 observers each: a longer array is not one
the contract wrote."""
ADDRESS_MASK = (1 << 160) - 1


class ParticipantStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REVOKED = 3


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _entry(key: int, slot: int) -> int:
    return int.from_bytes(keccak(_word(key) + _word(slot)), "big")


def _array_start(slot: int) -> int:
    return int.from_bytes(keccak(_word(slot)), "big")


def _code(word: int) -> str:
    """An exchange code as the registry stores it (ASCII, left-aligned, zero-padded)."""
    return _word(word).rstrip(b"\x00").decode("ascii", "replace")


def _key(address: bytes) -> int:
    return int.from_bytes(address, "big")


def _status(value: int, kind: type[IntEnum]) -> int:
    """An enum word the contract wrote holds one of its members; anything else reads as the
    first (None), so a damaged word can only take a right away."""
    return value if value in kind._value2member_map_ else 0


@dataclass(frozen=True)
class AccountRoles:
    """What the registries say of one account, in one state."""

    regulator_root: bool
    regulator: bool
    operator_of: str | None
    """The exchange code it operates for (whatever the exchange's status), or None."""
    exchange_status: ExchangeStatus
    """The status of ``operator_of`` (NONE when it operates for none)."""
    participant_status: ParticipantStatus
    participant_roles: int
    home_exchange: str | None


def registries_deployed(state: StateAPI) -> bool:
    return bool(state.get_code(EXCHANGE_REGISTRY))


def read_regulator_root(state: StateAPI) -> bytes | None:
    """The regulator root, or None where the registry is absent or was never initialised."""
    word = state.get_storage(EXCHANGE_REGISTRY, _ROOT_WORD)
    root = (word >> 8) & ADDRESS_MASK
    return root.to_bytes(20, "big") if word & 0xFF and root else None


def read_account_roles(state: StateAPI, address: bytes, root: bytes | None) -> AccountRoles:
    """Every role of ``address``; ``root`` is :func:`read_regulator_root` of the same state
    (read once per state by the caller)."""
    key = _key(address)
    code_word = state.get_storage(EXCHANGE_REGISTRY, _entry(key, _OPERATOR_OF))
    operator_of: str | None = None
    exchange_status = 0
    if code_word:
        operator_of = _code(code_word)
        status_slot = _entry(code_word, _EXCHANGES) + _EXCHANGE_STATUS
        exchange_status = _status(state.get_storage(EXCHANGE_REGISTRY, status_slot), ExchangeStatus)
    participant = _entry(key, _PARTICIPANTS)
    status = _status(
        state.get_storage(PARTICIPANT_REGISTRY, participant + _PARTICIPANT_STATUS) & 0xFF,
        ParticipantStatus,
    )
    roles = home = None
    if status:
        home_word = state.get_storage(PARTICIPANT_REGISTRY, participant)
        home = _code(home_word) if home_word else None
        roles_word = state.get_storage(PARTICIPANT_REGISTRY, participant + _PARTICIPANT_ROLES)
        roles = roles_word & 0xFFFFFFFF
    return AccountRoles(
        regulator_root=root is not None and bytes(address) == root,
        regulator=is_regulator(state, address),
        operator_of=operator_of,
        exchange_status=ExchangeStatus(exchange_status),
        participant_status=ParticipantStatus(status),
        participant_roles=roles or 0,
        home_exchange=home,
    )


@dataclass(frozen=True)
class ExchangeNodes:
    code: str
    status: ExchangeStatus
    validator: bytes | None
    observers: tuple[bytes, ...]


def _addresses(state: StateAPI, slot: int, limit: int) -> tuple[bytes, ...]:
    count = min(state.get_storage(EXCHANGE_REGISTRY, slot), limit)
    start = _array_start(slot)
    words = (state.get_storage(EXCHANGE_REGISTRY, start + i) for i in range(count))
    return tuple((w & ADDRESS_MASK).to_bytes(20, "big") for w in words if w & ADDRESS_MASK)


def read_exchange_nodes(state: StateAPI) -> tuple[ExchangeNodes, ...]:
    """Every exchange ever added, in the order added, with its status, validator address and
    observer node addresses."""
    exchanges = []
    count = min(state.get_storage(EXCHANGE_REGISTRY, _CODES), MAX_LISTED)
    start = _array_start(_CODES)
    for index in range(count):
        code_word = state.get_storage(EXCHANGE_REGISTRY, start + index)
        if not code_word:
            continue
        base = _entry(code_word, _EXCHANGES)
        validator = state.get_storage(EXCHANGE_REGISTRY, base + _EXCHANGE_VALIDATOR)
        exchanges.append(
            ExchangeNodes(
                code=_code(code_word),
                status=ExchangeStatus(
                    _status(
                        state.get_storage(EXCHANGE_REGISTRY, base + _EXCHANGE_STATUS),
                        ExchangeStatus,
                    )
                ),
                validator=(validator & ADDRESS_MASK).to_bytes(20, "big") if validator else None,
                observers=_addresses(state, base + _EXCHANGE_OBSERVERS, 8),
            )
        )
    return tuple(exchanges)


def is_regulator(state: StateAPI, address: bytes) -> bool:
    return bool(state.get_storage(EXCHANGE_REGISTRY, _entry(_key(address), _REGULATORS)) & 0xFF)
