"""Revert data of the system contracts decoded into the custom error it names (with its
arguments by name), Solidity's ``Error(string)`` or ``Panic(uint256)``: what a participant
needs to see why a transaction failed, as Besu's revert reasons show it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from eth_abi import decode
from eth_abi.exceptions import DecodingError
from eth_utils import keccak

from client.abi import abi_types, canonical_type
from client.artifacts import load_artifact
from client.domain_events import SYSTEM_CONTRACTS, to_json

_BUILT_IN: tuple[Mapping[str, Any], ...] = (
    {"name": "Error", "inputs": [{"name": "message", "type": "string"}]},
    {"name": "Panic", "inputs": [{"name": "code", "type": "uint256"}]},
)


def _selector(entry: Mapping[str, Any]) -> bytes:
    signature = f"{entry['name']}({','.join(canonical_type(i) for i in entry['inputs'])})"
    return keccak(text=signature)[:4]


@cache
def known_errors() -> dict[bytes, Mapping[str, Any]]:
    """Every error the system contracts (and their proxy and libraries) can revert with."""
    entries: list[Mapping[str, Any]] = list(_BUILT_IN)
    for name in (*SYSTEM_CONTRACTS, "UpgradeProxy"):
        entries += [e for e in load_artifact(name).abi if e["type"] == "error"]
    return {_selector(entry): entry for entry in entries}


def _named(inputs: Sequence[Mapping[str, Any]], values: Sequence[Any]) -> dict[str, Any]:
    return {
        (i["name"] or f"arg{n}"): to_json(v)
        for n, (i, v) in enumerate(zip(inputs, values, strict=True))
    }


def decode_revert(data: bytes) -> dict[str, Any]:
    """``{"error": name, "args": {...}, "data": hex}``; ``error`` is None for data that names
    no known error (or is empty: a revert without a reason)."""
    found: dict[str, Any] = {"error": None, "args": {}, "data": "0x" + data.hex()}
    entry = known_errors().get(data[:4]) if len(data) >= 4 else None
    if entry is None:
        return found
    try:
        values = decode(abi_types(entry["inputs"]), data[4:])
    except (DecodingError, OverflowError, ValueError):
        return found
    return {**found, "error": entry["name"], "args": _named(entry["inputs"], values)}
