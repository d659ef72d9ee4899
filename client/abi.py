"""Canonical ABI types and function selectors from the contracts' artifact entries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eth_utils import keccak


def canonical_type(entry: Mapping[str, Any]) -> str:
    if entry["type"].startswith("tuple"):
        inner = ",".join(canonical_type(c) for c in entry["components"])
        return f"({inner}){entry['type'][len('tuple') :]}"
    return str(entry["type"])


def abi_types(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    return [canonical_type(e) for e in entries]


def selector(entry: Mapping[str, Any]) -> bytes:
    return keccak(text=f"{entry['name']}({','.join(abi_types(entry['inputs']))})")[:4]
