"""Compiled contract artifacts, read from the committed ``contracts/build/*.json``.

The artifacts are committed (and checked against the sources by the test suite) so that the
node, genesis generator and benchmarks need no Solidity compiler at run time. See
``contracts/README.md`` for the format written by ``contracts/build.mjs``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "contracts" / "build"
"""Where ``contracts/build.mjs`` writes one ``<ContractName>.json`` per contract."""


@dataclass(frozen=True)
class ContractArtifact:
    """What the node needs of a compiled contract: its interface and its code."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    """Creation code: runs the constructor and returns the runtime code."""
    deployed_bytecode: bytes
    """Runtime code, as stored at the contract's address."""


def load_artifact(name: str, directory: Path = ARTIFACTS_DIR) -> ContractArtifact:
    """Load ``<directory>/<name>.json``.

    Raises ``FileNotFoundError`` if the artifact does not exist (the contract was never
    compiled: run ``make contracts``) and ``ValueError`` if it is not a well-formed artifact
    for ``name``, so a broken build fails loudly here rather than deep inside the EVM.
    """
    if not name.isidentifier():
        raise ValueError(f"not a contract name: {name!r}")
    path = directory / f"{name}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no artifact for contract {name!r} at {path}; run `make contracts`"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    if data.get("contractName") != name:
        raise ValueError(f"{path}: contractName is {data.get('contractName')!r}, not {name!r}")
    abi = data.get("abi")
    if not isinstance(abi, list) or not all(isinstance(entry, dict) for entry in abi):
        raise ValueError(f"{path}: abi must be a list of objects")
    return ContractArtifact(
        name=name,
        abi=abi,
        bytecode=_hex_field(data, "bytecode", path),
        deployed_bytecode=_hex_field(data, "deployedBytecode", path),
    )


def _hex_field(data: dict[str, Any], key: str, path: Path) -> bytes:
    """Decode a ``0x``-prefixed hex string; unlinked library placeholders are rejected."""
    value = data.get(key)
    if not isinstance(value, str) or not value.startswith("0x"):
        raise ValueError(f"{path}: {key} must be a 0x-prefixed hex string")
    try:
        return bytes.fromhex(value[2:])
    except ValueError as error:
        raise ValueError(f"{path}: {key} is not valid hex: {error}") from error
