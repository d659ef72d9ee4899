"""DEV ONLY keys: derived from public strings, so anyone can recompute them.

They make `make devnet` reproducible (the same validator, accounts and genesis every time, as
Hardhat's and Anvil's well-known accounts do). Never use them on a network that matters:
`dcl genesis new` draws fresh random keys unless asked for these.
"""

from __future__ import annotations

from eth_utils import keccak

DEV_ONLY_WARNING = "DEV ONLY: these keys are public; never use them outside a local devnet"


def dev_validator_key(index: int) -> bytes:
    return keccak(f"dcl-dev-only-validator-{index}".encode())


def dev_account_key(index: int) -> bytes:
    return keccak(f"dcl-dev-only-account-{index}".encode())


def dev_operator_key(exchange_code: str, index: int = 1) -> bytes:
    """The operator accounts of the sample consortium (``genesis/consortium.toml``)."""
    return keccak(f"dcl-dev-only-operator-{exchange_code}-{index}".encode())


def dev_regulator_root_key() -> bytes:
    return keccak(b"dcl-dev-only-regulator-root")


def dev_regulator_key(index: int) -> bytes:
    return keccak(f"dcl-dev-only-regulator-{index}".encode())
