"""Genesis files in the geth/Besu JSON format, and the genesis block they define.

A QBFT chain runs Prague rules from block 0 with a zero base fee, so every fork key a genesis
names must activate at 0; a file that schedules a later fork is refused rather than silently
run under different rules than Besu would apply to it. A genesis without a ``qbft`` section is
an Ethereum chain to import (hive's test chains): its fork schedule is read as geth reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth.abc import AtomicDatabaseAPI
from eth.constants import BLANK_ROOT_HASH, EMPTY_SHA256, EMPTY_UNCLE_HASH, ZERO_HASH32
from eth.db.account import AccountDB
from eth.db.atomic import AtomicDB
from eth_typing import Address, BlockNumber, Hash32
from eth_utils import to_canonical_address

from node.chain.extra_data import InvalidExtraData, QbftExtraData, decode_extra_data
from node.chain.forks import ForkSchedule, ForkScheduleError, parse_fork_schedule
from node.chain.header import QbftBlockHeader

FORK_KEYS = (
    "homesteadBlock",
    "eip150Block",
    "eip155Block",
    "eip158Block",
    "byzantiumBlock",
    "constantinopleBlock",
    "petersburgBlock",
    "istanbulBlock",
    "muirGlacierBlock",
    "berlinBlock",
    "londonBlock",
    "arrowGlacierBlock",
    "grayGlacierBlock",
    "mergeNetsplitBlock",
    "shanghaiTime",
    "cancunTime",
    "pragueTime",
)
MAX_GAS_LIMIT = 2**63 - 1
UINT256_LIMIT = 2**256
UINT64_LIMIT = 2**64
INITIAL_BASE_FEE = 1_000_000_000
"""geth's base fee of a London genesis that names none."""


class GenesisError(ValueError):
    """The genesis file is malformed or asks for rules this node does not run."""


@dataclass(frozen=True)
class QbftConfig:
    """The ``config.qbft`` section, with Besu's key names."""

    block_period_seconds: int
    epoch_length: int
    request_timeout_seconds: int
    empty_block_period_seconds: int


@dataclass(frozen=True)
class PermissioningConfig:
    """The ``config.dcl`` section: account and node permissioning as a consensus rule.

    Switched on in genesis only, never by a command-line option: nodes that disagreed on it
    would disagree on which blocks are valid. ``bootstrap_accounts`` may transact (and create
    contracts) while the chain's ExchangeRegistry holds no regulator root, that is on a chain
    made without a consortium, whose registries do not exist; a consortium genesis sets the
    root, so there they never count (``node.chain.permissioning``).
    """

    bootstrap_accounts: frozenset[bytes] = frozenset()


@dataclass(frozen=True)
class GenesisAccount:
    balance: int = 0
    nonce: int = 0
    code: bytes = b""
    storage: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Genesis:
    chain_id: int
    qbft: QbftConfig | None
    timestamp: int
    gas_limit: int
    difficulty: int
    mix_hash: Hash32
    nonce: bytes
    coinbase: Address
    extra_data: bytes
    base_fee_per_gas: int
    alloc: dict[Address, GenesisAccount]
    config: dict[str, Any]
    forks: ForkSchedule | None = None
    """The fork schedule of an Ethereum (non-QBFT) chain; None for QBFT."""
    permissioning: PermissioningConfig | None = None
    """``config.dcl.permissioning``: who may transact is a rule of block validity; None when
    off (imported chains, hand-written test genesis files)."""

    @property
    def validators(self) -> tuple[bytes, ...]:
        if self.qbft is None:
            return ()
        return decode_extra_data(self.extra_data).validators


def _quantity(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise GenesisError(f"{what} must be a number or hex string")
    if isinstance(value, int):
        result = value
    elif isinstance(value, str):
        try:
            result = int(value, 16) if value.lower().startswith("0x") else int(value, 10)
        except ValueError as error:
            raise GenesisError(f"{what} is not a number: {value!r}") from error
    else:
        raise GenesisError(f"{what} must be a number or hex string")
    if result < 0:
        raise GenesisError(f"{what} must not be negative")
    return result


def _data(value: Any, what: str, length: int | None = None) -> bytes:
    if not isinstance(value, str) or not value.lower().startswith("0x"):
        raise GenesisError(f"{what} must be a 0x-prefixed hex string")
    try:
        result = bytes.fromhex(value[2:])
    except ValueError as error:
        raise GenesisError(f"{what} is not valid hex") from error
    if length is not None and len(result) != length:
        raise GenesisError(f"{what} must be {length} bytes")
    return result


def _address(value: Any, what: str) -> Address:
    text = value if isinstance(value, str) and value.startswith("0x") else f"0x{value}"
    try:
        return Address(to_canonical_address(text))
    except (ValueError, TypeError) as error:
        raise GenesisError(f"{what} is not an address: {value!r}") from error


def _below(value: int, limit: int, limit_text: str, what: str) -> int:
    if value >= limit:
        raise GenesisError(f"{what} must be below {limit_text}")
    return value


def _word(value: Any, what: str) -> int:
    data = _data(value, what)
    if len(data) > 32:
        raise GenesisError(f"{what} must be at most 32 bytes")
    return int.from_bytes(data, "big")


def _parse_account(address: str, entry: Any) -> GenesisAccount:
    if not isinstance(entry, dict):
        raise GenesisError(f"alloc entry {address} must be an object")
    storage_in = entry.get("storage", {})
    if not isinstance(storage_in, dict):
        raise GenesisError(f"alloc {address} storage must be an object")
    storage = {
        _word(k, f"alloc {address} storage key"): _word(v, f"alloc {address} storage value")
        for k, v in storage_in.items()
    }
    balance = _quantity(entry.get("balance", "0x0"), f"alloc {address} balance")
    nonce = _quantity(entry.get("nonce", "0x0"), f"alloc {address} nonce")
    return GenesisAccount(
        balance=_below(balance, UINT256_LIMIT, "2**256", f"alloc {address} balance"),
        nonce=_below(nonce, UINT64_LIMIT, "2**64", f"alloc {address} nonce"),
        code=_data(entry.get("code", "0x"), f"alloc {address} code"),
        storage=storage,
    )


def _parse_qbft(config: dict[str, Any]) -> QbftConfig | None:
    section = config.get("qbft")
    if section is None:
        return None
    if not isinstance(section, dict):
        raise GenesisError("config.qbft must be an object")
    period = _quantity(section.get("blockperiodseconds", 1), "config.qbft.blockperiodseconds")
    if period < 1:
        raise GenesisError("config.qbft.blockperiodseconds must be at least 1")
    for key in config:
        if key.endswith("Time") and key not in FORK_KEYS:
            raise GenesisError(
                f"config.{key} names a fork after Prague, which this node does not run"
            )
    for key in FORK_KEYS:
        if key in config and _quantity(config[key], f"config.{key}") != 0:
            raise GenesisError(
                f"a QBFT chain runs Prague rules from genesis: config.{key} must be 0"
            )
    return QbftConfig(
        block_period_seconds=period,
        epoch_length=_quantity(section.get("epochlength", 30000), "config.qbft.epochlength"),
        request_timeout_seconds=_quantity(
            section.get("requesttimeoutseconds", 4), "config.qbft.requesttimeoutseconds"
        ),
        empty_block_period_seconds=_quantity(
            section.get("emptyblockperiodseconds", period), "config.qbft.emptyblockperiodseconds"
        ),
    )


def _parse_permissioning(
    config: dict[str, Any], qbft: QbftConfig | None
) -> PermissioningConfig | None:
    section = config.get("dcl")
    if section is None:
        return None
    if not isinstance(section, dict):
        raise GenesisError("config.dcl must be an object")
    unknown = set(section) - {"permissioning", "bootstrapAccounts"}
    if unknown:
        raise GenesisError(f"config.dcl has unknown keys: {', '.join(sorted(unknown))}")
    enabled = section.get("permissioning", False)
    if not isinstance(enabled, bool):
        raise GenesisError("config.dcl.permissioning must be true or false")
    accounts = section.get("bootstrapAccounts", [])
    if not isinstance(accounts, list):
        raise GenesisError("config.dcl.bootstrapAccounts must be a list of addresses")
    if accounts and not enabled:
        raise GenesisError("config.dcl.bootstrapAccounts needs config.dcl.permissioning: true")
    if not enabled:
        return None
    if qbft is None:
        raise GenesisError(
            "config.dcl.permissioning applies to QBFT chains only: an imported Ethereum chain"
            " is never permissioned"
        )
    return PermissioningConfig(
        frozenset(
            bytes(_address(a, f"config.dcl.bootstrapAccounts[{i}]")) for i, a in enumerate(accounts)
        )
    )


def _header_nonce(value: Any) -> bytes:
    nonce = _quantity(value, "nonce")
    if nonce >= UINT64_LIMIT:
        raise GenesisError("nonce must fit in 8 bytes")
    return nonce.to_bytes(8, "big")


def parse_genesis(document: Any) -> Genesis:
    if not isinstance(document, dict):
        raise GenesisError("genesis must be a JSON object")
    config = document.get("config")
    if not isinstance(config, dict) or "chainId" not in config:
        raise GenesisError("genesis config.chainId is required")
    qbft = _parse_qbft(config)
    forks = None
    if qbft is None:
        try:
            forks = parse_fork_schedule(config)
        except ForkScheduleError as error:
            raise GenesisError(str(error)) from error
    default_base_fee = "0x0" if qbft is not None else hex(INITIAL_BASE_FEE)
    alloc_in = document.get("alloc", {})
    if not isinstance(alloc_in, dict):
        raise GenesisError("alloc must be an object")
    genesis = Genesis(
        chain_id=_quantity(config["chainId"], "config.chainId"),
        qbft=qbft,
        timestamp=_quantity(document.get("timestamp", "0x0"), "timestamp"),
        gas_limit=_quantity(document.get("gasLimit", "0x1c9c380"), "gasLimit"),
        difficulty=_quantity(document.get("difficulty", "0x1"), "difficulty"),
        mix_hash=Hash32(_data(document.get("mixHash", "0x" + "00" * 32), "mixHash", 32)),
        nonce=_header_nonce(document.get("nonce", "0x0")),
        coinbase=_address(document.get("coinbase", "0x" + "00" * 20), "coinbase"),
        extra_data=_data(document.get("extraData", "0x"), "extraData"),
        base_fee_per_gas=_quantity(
            document.get("baseFeePerGas", default_base_fee), "baseFeePerGas"
        ),
        alloc={_address(a, "alloc address"): _parse_account(a, e) for a, e in alloc_in.items()},
        config=config,
        forks=forks,
        permissioning=_parse_permissioning(config, qbft),
    )
    if genesis.gas_limit > MAX_GAS_LIMIT:
        raise GenesisError("gasLimit exceeds 2**63-1")
    if qbft is not None:
        _check_qbft_genesis(genesis)
    return genesis


def _check_qbft_genesis(genesis: Genesis) -> None:
    try:
        extra: QbftExtraData = decode_extra_data(genesis.extra_data)
    except InvalidExtraData as error:
        raise GenesisError(f"extraData is not QBFT extraData: {error}") from error
    if not extra.validators:
        raise GenesisError("extraData lists no validators")
    if len(set(extra.validators)) != len(extra.validators):
        raise GenesisError("extraData lists a validator twice")
    if extra.seals or extra.round != 0:
        raise GenesisError("genesis extraData must have round 0 and no seals")
    if genesis.base_fee_per_gas != 0:
        raise GenesisError("a QBFT chain's baseFeePerGas is 0")


def load_genesis(path: str | Path) -> Genesis:
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise GenesisError(f"cannot read genesis {path}: {error}") from error
    return parse_genesis(document)


def genesis_state_root(
    alloc: dict[Address, GenesisAccount], db: AtomicDatabaseAPI | None = None
) -> Hash32:
    """Write the alloc into ``db`` (a scratch database if none) and return its state root."""
    accounts = AccountDB(db if db is not None else AtomicDB())
    for address, account in alloc.items():
        accounts.set_balance(address, account.balance)
        accounts.set_nonce(address, account.nonce)
        accounts.set_code(address, account.code)
        for slot, value in account.storage.items():
            accounts.set_storage(address, slot, value)
    accounts.persist()
    return accounts.state_root


def qbft_genesis_header(genesis: Genesis, state_root: Hash32) -> QbftBlockHeader:
    return QbftBlockHeader(
        parent_hash=ZERO_HASH32,
        uncles_hash=EMPTY_UNCLE_HASH,
        coinbase=genesis.coinbase,
        state_root=state_root,
        transaction_root=BLANK_ROOT_HASH,
        receipt_root=BLANK_ROOT_HASH,
        bloom=0,
        difficulty=genesis.difficulty,
        block_number=BlockNumber(0),
        gas_limit=genesis.gas_limit,
        gas_used=0,
        timestamp=genesis.timestamp,
        extra_data=genesis.extra_data,
        mix_hash=genesis.mix_hash,
        nonce=genesis.nonce,
        base_fee_per_gas=0,
        withdrawals_root=BLANK_ROOT_HASH,
        blob_gas_used=0,
        excess_blob_gas=0,
        parent_beacon_block_root=ZERO_HASH32,
        requests_hash=EMPTY_SHA256,
    )
