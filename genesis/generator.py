"""New QBFT networks: a genesis file, validator keys and pre-funded dev accounts.

The genesis is a geth/Besu-style file that Besu itself would accept for QBFT: every fork
through Prague at 0, ``config.qbft`` with Besu's keys, the BFT difficulty and mixHash, and the
validators in QBFT extraData.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genesis.consortium import Consortium
from genesis.dev_keys import DEV_ONLY_WARNING, dev_account_key, dev_validator_key
from genesis.predeploy import (
    GenesisLog,
    GenesisValues,
    PredeployedAccount,
    predeploy,
    predeploy_with_logs,
)
from node.chain.extra_data import QbftExtraData, encode_extra_data
from node.chain.genesis import FORK_KEYS
from node.chain.header import BFT_MIX_HASH
from node.chain.seals import address_of
from node.secret_file import create_secret_file

DEFAULT_CHAIN_ID = 1337
DEFAULT_GAS_LIMIT = 100_000_000
DEV_ACCOUNT_BALANCE = 10**24


class NetworkExistsError(FileExistsError):
    """The output directory already holds a network, whose keys must not be replaced."""


@dataclass(frozen=True)
class NetworkKeys:
    validators: tuple[bytes, ...]
    accounts: tuple[bytes, ...]


def make_keys(validators: int, accounts: int, *, dev_only: bool) -> NetworkKeys:
    if dev_only:
        return NetworkKeys(
            tuple(dev_validator_key(i) for i in range(1, validators + 1)),
            tuple(dev_account_key(i) for i in range(1, accounts + 1)),
        )
    return NetworkKeys(
        tuple(secrets.token_bytes(32) for _ in range(validators)),
        tuple(secrets.token_bytes(32) for _ in range(accounts)),
    )


def genesis_document(
    validators: Sequence[bytes],
    funded: Sequence[bytes],
    *,
    chain_id: int = DEFAULT_CHAIN_ID,
    block_period_seconds: int = 1,
    request_timeout_seconds: int = 4,
    gas_limit: int = DEFAULT_GAS_LIMIT,
    timestamp: int = 0,
    vanity: bytes = b"\x00" * 32,
    predeployed: dict[bytes, PredeployedAccount] | None = None,
    permissioning: bool = False,
    bootstrap_accounts: Sequence[bytes] = (),
) -> dict[str, Any]:
    """The genesis JSON for ``validators`` (addresses), funding ``funded`` (addresses), with
    the ``predeployed`` system contracts' code and storage in the alloc, and, with
    ``permissioning``, ``config.dcl`` naming the ``bootstrap_accounts``.
    """
    alloc: dict[str, dict[str, Any]] = {
        "0x" + address.hex(): {"balance": hex(DEV_ACCOUNT_BALANCE)} for address in funded
    }
    for address, account in sorted((predeployed or {}).items()):
        alloc["0x" + address.hex()] = {
            "balance": "0x0",
            "nonce": hex(account.nonce),
            "code": "0x" + account.code.hex(),
            "storage": {
                "0x" + slot.to_bytes(32, "big").hex(): "0x" + value.to_bytes(32, "big").hex()
                for slot, value in sorted(account.storage.items())
            },
        }
    extra = QbftExtraData(vanity, tuple(sorted(validators)), None, 0, ())
    config: dict[str, Any] = {"chainId": chain_id}
    config.update({key: 0 for key in FORK_KEYS})
    config["qbft"] = {
        "blockperiodseconds": block_period_seconds,
        "epochlength": 30000,
        "requesttimeoutseconds": request_timeout_seconds,
    }
    if permissioning:
        config["dcl"] = {
            "permissioning": True,
            "bootstrapAccounts": ["0x" + bytes(a).hex() for a in sorted(bootstrap_accounts)],
        }
    return {
        "config": config,
        "nonce": "0x0",
        "timestamp": hex(timestamp),
        "gasLimit": hex(gas_limit),
        "difficulty": "0x1",
        "mixHash": "0x" + bytes(BFT_MIX_HASH).hex(),
        "coinbase": "0x" + "00" * 20,
        "baseFeePerGas": "0x0",
        "extraData": "0x" + encode_extra_data(extra).hex(),
        "alloc": alloc,
    }


def consortium_predeploy(
    consortium: Consortium, validators: Sequence[bytes], *, chain_id: int = DEFAULT_CHAIN_ID
) -> dict[bytes, PredeployedAccount]:
    """The system contracts for ``consortium`` whose first ``len(validators)`` exchanges run
    the validators with these addresses, in file order.
    """
    return predeploy(_genesis_values(consortium, validators), chain_id=chain_id)


def consortium_genesis_logs(
    consortium: Consortium, validators: Sequence[bytes], *, chain_id: int = DEFAULT_CHAIN_ID
) -> list[GenesisLog]:
    """The events ``consortium_predeploy``'s constructors emit: the start of the market's event
    history, which the genesis block cannot carry."""
    values = _genesis_values(consortium, validators)
    return predeploy_with_logs(values, chain_id=chain_id)[1]


def _genesis_values(consortium: Consortium, validators: Sequence[bytes]) -> GenesisValues:
    if not 1 <= len(validators) <= len(consortium.exchanges):
        raise ValueError(
            f"--validators must be between 1 and the {len(consortium.exchanges)} exchanges "
            "of the consortium"
        )
    per_exchange = tuple(validators) + (b"",) * (len(consortium.exchanges) - len(validators))
    return GenesisValues(consortium, per_exchange)


def write_network(
    out: Path,
    *,
    validators: int,
    accounts: int = 5,
    chain_id: int = DEFAULT_CHAIN_ID,
    block_period_seconds: int = 1,
    request_timeout_seconds: int = 4,
    dev_only_keys: bool = False,
    timestamp: int | None = None,
    consortium: Consortium | None = None,
    bootstrap_accounts: Sequence[bytes] = (),
) -> NetworkKeys:
    """Write ``genesis.json``, ``validator-N/key`` and ``dev-only-accounts.json`` to ``out``,
    which must not hold a network already; the files with keys are readable by their owner
    only.

    With a ``consortium``, the system contracts are predeployed for it and its first
    ``validators`` exchanges run the validators.

    Permissioning is on (``config.dcl``). Without a consortium there are no registries, so the
    dev accounts (and ``bootstrap_accounts``, e.g. a benchmark's senders) are the genesis
    bootstrap accounts, the only ones that may transact. With one,
    the registries decide from genesis on: the dev accounts transact once an exchange registers
    them as participants, and no bootstrap account is listed (it would never count).

    The genesis gets the creation time and a random vanity, so every network has its own
    genesis hash. Blocks carry that hash as their vanity and seals cover it, so seals cannot be
    replayed between two networks that share validator keys (every devnet does).
    """
    if validators < 1:
        raise ValueError("a network needs at least one validator")
    if (out / "genesis.json").exists():
        raise NetworkExistsError(f"{out} already holds a network")
    keys = make_keys(validators, accounts, dev_only=dev_only_keys)
    validator_addresses = [address_of(k) for k in keys.validators]
    predeployed = (
        None
        if consortium is None
        else consortium_predeploy(consortium, validator_addresses, chain_id=chain_id)
    )
    out.mkdir(parents=True, exist_ok=True)
    document = genesis_document(
        validator_addresses,
        [address_of(k) for k in keys.accounts],
        chain_id=chain_id,
        block_period_seconds=block_period_seconds,
        request_timeout_seconds=request_timeout_seconds,
        timestamp=int(time.time()) if timestamp is None else timestamp,
        vanity=secrets.token_bytes(32),
        predeployed=predeployed,
        permissioning=True,
        bootstrap_accounts=(
            [] if consortium else [*(address_of(k) for k in keys.accounts), *bootstrap_accounts]
        ),
    )
    (out / "genesis.json").write_text(json.dumps(document, indent=2) + "\n")
    for index, key in enumerate(keys.validators, start=1):
        folder = out / f"validator-{index}"
        folder.mkdir(exist_ok=True)
        create_secret_file(folder / "key", key.hex() + "\n")
        (folder / "address").write_text("0x" + address_of(key).hex() + "\n")
    create_secret_file(
        out / "dev-only-accounts.json",
        json.dumps(
            {
                "warning": DEV_ONLY_WARNING,
                "accounts": [
                    {"address": "0x" + address_of(k).hex(), "privateKey": "0x" + k.hex()}
                    for k in keys.accounts
                ],
            },
            indent=2,
        )
        + "\n",
    )
    return keys
