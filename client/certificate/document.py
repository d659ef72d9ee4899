"""The trade certificate's JSON shape: reading it into typed values (the ``format`` check).

Only the shape is checked here (keys, types, hex strings); what the bytes mean is for the
later checks, so a changed byte inside a header or proof is reported by the check that reads
it, never as a format error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FORMAT_VERSION = "dcl-trade-certificate/1"


class FormatError(ValueError):
    """The document does not have the certificate's shape."""


@dataclass(frozen=True)
class SlotProof:
    slot: int
    value: int
    proof: tuple[bytes, ...]


@dataclass(frozen=True)
class AccountProof:
    address: bytes
    account_proof: tuple[bytes, ...]
    storage: tuple[SlotProof, ...]


@dataclass(frozen=True)
class ValidatorSetChange:
    header: bytes
    proof: AccountProof


@dataclass(frozen=True)
class RawLog:
    address: bytes
    topics: tuple[bytes, ...]
    data: bytes
    index: int
    """Position of the log in its transaction's receipt."""


@dataclass(frozen=True)
class Certificate:
    chain_id: int
    genesis_hash: bytes
    settlement: dict[str, Any]
    log: RawLog
    transaction_index: int
    transaction: bytes
    transaction_proof: tuple[bytes, ...]
    receipt: bytes
    receipt_proof: tuple[bytes, ...]
    header: bytes
    validator_set_changes: tuple[ValidatorSetChange, ...]
    as_of_header: bytes
    state: dict[str, Any]
    state_proof: AccountProof


def _get(document: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(document, dict) or key not in document:
        raise FormatError(f"{where}.{key} is missing")
    value = document[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise FormatError(f"{where}.{key} has the wrong type")
    return value


def _hex(value: Any, where: str, length: int | None = None) -> bytes:
    if not isinstance(value, str) or not value.startswith("0x") or value != value.lower():
        raise FormatError(f"{where} must be a lower-case 0x-prefixed hex string")
    try:
        data = bytes.fromhex(value[2:])
    except ValueError as error:
        raise FormatError(f"{where} is not hex") from error
    if length is not None and len(data) != length:
        raise FormatError(f"{where} must be {length} bytes")
    return data


def _natural(document: Any, key: str, where: str) -> int:
    value = _get(document, key, int, where)
    if value < 0:
        raise FormatError(f"{where}.{key} must not be negative")
    return int(value)


def _nodes(value: Any, where: str) -> tuple[bytes, ...]:
    if not isinstance(value, list):
        raise FormatError(f"{where} must be a list")
    return tuple(_hex(node, f"{where}[{i}]") for i, node in enumerate(value))


def _word(value: Any, where: str) -> int:
    return int.from_bytes(_hex(value, where, 32), "big")


def _account_proof(document: Any, where: str) -> AccountProof:
    slots = _get(document, "storageProof", list, where)
    return AccountProof(
        address=_hex(_get(document, "address", str, where), f"{where}.address", 20),
        account_proof=_nodes(_get(document, "accountProof", list, where), f"{where}.accountProof"),
        storage=tuple(
            SlotProof(
                slot=_word(_get(entry, "key", str, f"{where}.storageProof[{i}]"), f"{where}.key"),
                value=_word(
                    _get(entry, "value", str, f"{where}.storageProof[{i}]"), f"{where}.value"
                ),
                proof=_nodes(
                    _get(entry, "proof", list, f"{where}.storageProof[{i}]"), f"{where}.proof"
                ),
            )
            for i, entry in enumerate(slots)
        ),
    )


def _log(document: Any) -> RawLog:
    topics = _get(document, "topics", list, "log")
    return RawLog(
        address=_hex(_get(document, "address", str, "log"), "log.address", 20),
        topics=tuple(_hex(topic, f"log.topics[{i}]", 32) for i, topic in enumerate(topics)),
        data=_hex(_get(document, "data", str, "log"), "log.data"),
        index=_natural(document, "indexInReceipt", "log"),
    )


def parse_certificate(document: Any) -> Certificate:
    """The typed certificate, or :class:`FormatError` naming the first misshapen field."""
    if _get(document, "format", str, "certificate") != FORMAT_VERSION:
        raise FormatError(f"certificate.format must be {FORMAT_VERSION!r}")
    transaction = _get(document, "transaction", dict, "certificate")
    receipt = _get(document, "receipt", dict, "certificate")
    current = _get(document, "currentState", dict, "certificate")
    changes = _get(document, "validatorSetChanges", list, "certificate")
    return Certificate(
        chain_id=_natural(document, "chainId", "certificate"),
        genesis_hash=_hex(_get(document, "genesisHash", str, "certificate"), "genesisHash", 32),
        settlement=_get(document, "settlement", dict, "certificate"),
        log=_log(_get(document, "log", dict, "certificate")),
        transaction_index=_natural(transaction, "index", "transaction"),
        transaction=_hex(_get(transaction, "raw", str, "transaction"), "transaction.raw"),
        transaction_proof=_nodes(
            _get(transaction, "proof", list, "transaction"), "transaction.proof"
        ),
        receipt=_hex(_get(receipt, "raw", str, "receipt"), "receipt.raw"),
        receipt_proof=_nodes(_get(receipt, "proof", list, "receipt"), "receipt.proof"),
        header=_hex(
            _get(_get(document, "block", dict, "certificate"), "header", str, "block"),
            "block.header",
        ),
        validator_set_changes=tuple(
            ValidatorSetChange(
                header=_hex(
                    _get(change, "header", str, f"validatorSetChanges[{i}]"),
                    f"validatorSetChanges[{i}].header",
                ),
                proof=_account_proof(
                    _get(change, "proof", dict, f"validatorSetChanges[{i}]"),
                    f"validatorSetChanges[{i}].proof",
                ),
            )
            for i, change in enumerate(changes)
        ),
        as_of_header=_hex(_get(current, "header", str, "currentState"), "currentState.header"),
        state=_get(current, "state", dict, "currentState"),
        state_proof=_account_proof(
            _get(current, "proof", dict, "currentState"), "currentState.proof"
        ),
    )
