"""Consortium files: the exchanges, regulators and parameters a network's genesis starts with.

A consortium file (TOML, see ``genesis/consortium.toml``) names every founding exchange, the
regulator root (the data administration's multisig) and regulators, the market parameters and
the governance times. Which exchanges run validators is decided when the genesis is written
(the first K), so the file holds no validator keys.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils import is_hex_address, to_canonical_address

from client.contracts import Parameters, encode_exchange_code

UINT16_LIMIT = 2**16
UINT32_LIMIT = 2**32
GOVERNANCE_DURATION_LIMIT = 10 * 365 * 86_400 + 1
"""One above the ExchangeRegistry's ``MAX_GOVERNANCE_DURATION`` (ten years)."""


class ConsortiumError(ValueError):
    """The consortium file is malformed; the message names the offending entry."""


@dataclass(frozen=True)
class ExchangeEntry:
    code: str
    name: str
    city: str
    operators: tuple[bytes, ...]
    observers: tuple[bytes, ...]

    @property
    def code_bytes(self) -> bytes:
        """The code as the registry stores it: ASCII, left-aligned in 32 bytes."""
        return exchange_code(self.code)


@dataclass(frozen=True)
class Consortium:
    exchanges: tuple[ExchangeEntry, ...]
    regulator_root: bytes
    regulators: tuple[bytes, ...]
    parameters: Parameters
    proposal_lifetime: int
    upgrade_delay: int
    dev_only: bool


def exchange_code(code: str) -> bytes:
    """``"SHDE"`` → ``b"SHDE" + 28 zero bytes`` (the registry's bytes32 code)."""
    try:
        return encode_exchange_code(code)
    except ValueError as error:
        raise ConsortiumError(str(error)) from None


def _table(document: dict[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key)
    if not isinstance(value, dict):
        raise ConsortiumError(f"[{key}] table is required")
    return value


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConsortiumError(f"{where}.{key} must be a non-empty string")
    return value


def _integer(table: dict[str, Any], key: str, where: str, limit: int, *, minimum: int = 0) -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value < limit:
        raise ConsortiumError(f"{where}.{key} must be an integer in [{minimum}, {limit})")
    return value


def _address(value: Any, where: str) -> bytes:
    if not isinstance(value, str) or not is_hex_address(value):
        raise ConsortiumError(f"{where} is not an address: {value!r}")
    return bytes(to_canonical_address(value))


def _addresses(table: dict[str, Any], key: str, where: str) -> tuple[bytes, ...]:
    values = table.get(key, [])
    if not isinstance(values, list):
        raise ConsortiumError(f"{where}.{key} must be a list of addresses")
    return tuple(_address(v, f"{where}.{key}[{i}]") for i, v in enumerate(values))


def _exchange(entry: Any, index: int) -> ExchangeEntry:
    where = f"exchanges[{index}]"
    if not isinstance(entry, dict):
        raise ConsortiumError(f"{where} must be a table")
    code = _text(entry, "code", where)
    exchange_code(code)
    operators = _addresses(entry, "operators", where)
    if not operators:
        raise ConsortiumError(f"{where}.operators must name at least one account")
    return ExchangeEntry(
        code=code,
        name=_text(entry, "name", where),
        city=_text(entry, "city", where),
        operators=operators,
        observers=_addresses(entry, "observers", where),
    )


def _check_unique(consortium: Consortium) -> None:
    codes = [e.code for e in consortium.exchanges]
    if len(set(codes)) != len(codes):
        raise ConsortiumError("two exchanges share a code")
    operators = [a for e in consortium.exchanges for a in e.operators]
    if len(set(operators)) != len(operators):
        raise ConsortiumError("an account operates for two exchanges")


def parse_consortium(document: dict[str, Any]) -> Consortium:
    regulation = _table(document, "regulation")
    params = _table(document, "parameters")
    governance = _table(document, "governance")
    entries = document.get("exchanges")
    if not isinstance(entries, list) or not entries:
        raise ConsortiumError("[[exchanges]] must list at least one exchange")
    dev_only = document.get("dev_only", False)
    if not isinstance(dev_only, bool):
        raise ConsortiumError("dev_only must be true or false")
    consortium = Consortium(
        exchanges=tuple(_exchange(entry, i) for i, entry in enumerate(entries)),
        regulator_root=_address(regulation.get("root"), "regulation.root"),
        regulators=_addresses(regulation, "regulators", "regulation"),
        parameters=Parameters(
            listing_fee_cap_bps=_integer(params, "listing_fee_cap_bps", "parameters", UINT16_LIMIT),
            buyer_exchange_fee_cap_bps=_integer(
                params, "buyer_exchange_fee_cap_bps", "parameters", UINT16_LIMIT
            ),
            inspection_period=_integer(
                params, "inspection_period", "parameters", UINT32_LIMIT, minimum=1
            ),
            dispute_window=_integer(
                params, "dispute_window", "parameters", UINT32_LIMIT, minimum=1
            ),
            delivery_deadline=_integer(
                params, "delivery_deadline", "parameters", UINT32_LIMIT, minimum=1
            ),
        ),
        proposal_lifetime=_integer(
            governance, "proposal_lifetime", "governance", GOVERNANCE_DURATION_LIMIT, minimum=1
        ),
        upgrade_delay=_integer(
            governance, "upgrade_delay", "governance", GOVERNANCE_DURATION_LIMIT, minimum=1
        ),
        dev_only=dev_only,
    )
    _check_unique(consortium)
    return consortium


def load_consortium(path: Path) -> Consortium:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConsortiumError(f"cannot read consortium {path}: {error}") from error
    return parse_consortium(document)
