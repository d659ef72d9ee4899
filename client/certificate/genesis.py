"""The trust anchor of an offline verifier: chain id, genesis hash and the genesis validators,
computed from the genesis JSON alone.

The genesis hash is the hash of the QBFT genesis header, whose state root is the root of the
alloc's state trie. This reads the geth/Besu genesis format with the node's defaults
(``node/chain/genesis.py``) but is written independently of it, so the client needs no node;
the tests check both give the same hash for the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rlp
from eth_utils import keccak
from trie import HexaryTrie

from client.certificate.qbft import ExtraData, HeaderError, decode_extra_data

_EMPTY_UNCLES = keccak(rlp.encode([]))
_BLANK_ROOT = keccak(rlp.encode(b""))
_EMPTY_REQUESTS = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
_DEFAULT_GAS_LIMIT = 0x1C9C380


class GenesisFileError(ValueError):
    """The genesis JSON is not a QBFT genesis this verifier can anchor on."""


@dataclass(frozen=True)
class TrustAnchor:
    chain_id: int
    genesis_hash: bytes
    validators: tuple[bytes, ...]
    """Sorted, as every later header lists them."""


def _quantity(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise GenesisFileError(f"{what} must be a number or hex string")
    if isinstance(value, int):
        result = value
    else:
        try:
            result = int(value, 16) if value.lower().startswith("0x") else int(value, 10)
        except ValueError as error:
            raise GenesisFileError(f"{what} is not a number: {value!r}") from error
    if result < 0:
        raise GenesisFileError(f"{what} must not be negative")
    return result


def _data(value: Any, what: str, length: int | None = None) -> bytes:
    if not isinstance(value, str) or not value.lower().startswith("0x"):
        raise GenesisFileError(f"{what} must be a 0x-prefixed hex string")
    try:
        result = bytes.fromhex(value[2:])
    except ValueError as error:
        raise GenesisFileError(f"{what} is not valid hex") from error
    if length is not None and len(result) != length:
        raise GenesisFileError(f"{what} must be {length} bytes")
    return result


def _address(text: Any) -> bytes:
    if not isinstance(text, str):
        raise GenesisFileError("alloc addresses must be strings")
    return _data(text if text.lower().startswith("0x") else "0x" + text, f"alloc {text}", 20)


def _word(value: Any, what: str) -> int:
    data = _data(value, what)
    if len(data) > 32:
        raise GenesisFileError(f"{what} must be at most 32 bytes")
    return int.from_bytes(data, "big")


def _account(address: str, entry: Any) -> bytes:
    """The RLP of an alloc account: [nonce, balance, storage root, code hash]."""
    if not isinstance(entry, dict):
        raise GenesisFileError(f"alloc entry {address} must be an object")
    storage_in = entry.get("storage", {})
    if not isinstance(storage_in, dict):
        raise GenesisFileError(f"alloc {address} storage must be an object")
    storage = HexaryTrie({})
    for key, value in storage_in.items():
        word = _word(value, f"alloc {address} storage value")
        if word:
            slot = _word(key, f"alloc {address} storage key").to_bytes(32, "big")
            storage[keccak(slot)] = rlp.encode(word)
    code = _data(entry.get("code", "0x"), f"alloc {address} code")
    nonce = _quantity(entry.get("nonce", "0x0"), f"alloc {address} nonce")
    balance = _quantity(entry.get("balance", "0x0"), f"alloc {address} balance")
    return rlp.encode([nonce, balance, storage.root_hash, keccak(code)])


def _state_root(alloc: Any) -> bytes:
    if not isinstance(alloc, dict):
        raise GenesisFileError("alloc must be an object")
    state = HexaryTrie({})
    accounts = {_address(address): _account(address, entry) for address, entry in alloc.items()}
    for address, account in accounts.items():
        state[keccak(address)] = account
    return bytes(state.root_hash)


def _extra(document: dict[str, Any]) -> ExtraData:
    try:
        extra = decode_extra_data(_data(document.get("extraData", "0x"), "extraData"))
    except HeaderError as error:
        raise GenesisFileError(f"extraData is not QBFT extraData: {error}") from error
    if not extra.validators or len(set(extra.validators)) != len(extra.validators):
        raise GenesisFileError("extraData must list distinct validators")
    if extra.seals or extra.round:
        raise GenesisFileError("genesis extraData must have round 0 and no seals")
    return extra


def trust_anchor(document: Any) -> TrustAnchor:
    """Chain id, genesis hash and validators of a QBFT genesis JSON document."""
    if not isinstance(document, dict):
        raise GenesisFileError("genesis must be a JSON object")
    config = document.get("config")
    if not isinstance(config, dict) or "chainId" not in config or "qbft" not in config:
        raise GenesisFileError("genesis must have config.chainId and config.qbft (a QBFT chain)")
    if _quantity(document.get("baseFeePerGas", "0x0"), "baseFeePerGas") != 0:
        raise GenesisFileError("a QBFT chain's baseFeePerGas is 0")
    extra = _extra(document)
    nonce = _quantity(document.get("nonce", "0x0"), "nonce")
    if nonce >= 2**64:
        raise GenesisFileError("nonce must fit in 8 bytes")
    fields = [
        bytes(32),
        _EMPTY_UNCLES,
        _data(document.get("coinbase", "0x" + "00" * 20), "coinbase", 20),
        _state_root(document.get("alloc", {})),
        _BLANK_ROOT,
        _BLANK_ROOT,
        bytes(256),
        _quantity(document.get("difficulty", "0x1"), "difficulty"),
        0,
        _quantity(document.get("gasLimit", _DEFAULT_GAS_LIMIT), "gasLimit"),
        0,
        _quantity(document.get("timestamp", "0x0"), "timestamp"),
        extra.encoded(round_bytes=b"", seals=()),
        _data(document.get("mixHash", "0x" + "00" * 32), "mixHash", 32),
        nonce.to_bytes(8, "big"),
        0,
        _BLANK_ROOT,
        0,
        0,
        bytes(32),
        _EMPTY_REQUESTS,
    ]
    return TrustAnchor(
        chain_id=_quantity(config["chainId"], "config.chainId"),
        genesis_hash=keccak(rlp.encode(fields)),
        validators=tuple(sorted(extra.validators)),
    )
