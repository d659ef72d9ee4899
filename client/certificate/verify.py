"""Offline verification of a trade certificate against the genesis file alone.

The checks run in this order, and the first that fails is the verdict:

1. ``format``: the document has the certificate's shape and format version.
2. ``chain``: its chain id and genesis hash are those computed from the genesis file.
3. ``validator-set``: starting from the genesis validators, each validator-set change in
   block order: the changing block's header is sealed by a quorum (ceil(2n/3)) of distinct
   validators of the set then valid, lists that set, has the genesis hash as vanity, and
   proves (account proof of the ExchangeRegistry proxy, storage proofs of the ``validators``
   length and elements) a new, sorted list against its state root; that list is the set from
   the next block on.
4. ``block-seals``: the settlement block's header, the same way with the set at its height.
5. ``transaction-inclusion``: the raw transaction is the one under ``rlp(index)`` in the
   header's transactionsRoot.
6. ``receipt-proof``: the raw receipt is the one under ``rlp(index)`` in its receiptsRoot.
7. ``receipt-log``: the receipt's status is success and its log at the given position equals
   the given raw log, which is TradeSettlement's ``TradeSettled`` (the proxy's fixed address).
8. ``settlement``: the decoded settlement equals the decoding of that log.
9. ``as-of-seals``: the as-of header (not older than the settlement block) is sealed like the
   others, by the set at its height.
10. ``current-state``: the order's current state equals what the storage proofs of the
    TradeSettlement proxy show against the as-of header's state root.

A light verifier cannot see a set change that the certificate leaves out: it trusts that the
validators of each set it knows did not seal a header of another branch. That is the QBFT
assumption (fewer than a third faulty) applied to each set in turn.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Any

import rlp
from eth_utils import keccak
from rlp.exceptions import DecodingError

from client.certificate.document import (
    AccountProof,
    Certificate,
    FormatError,
    parse_certificate,
)
from client.certificate.genesis import TrustAnchor, trust_anchor
from client.certificate.layout import (
    MAX_VALIDATORS,
    REGISTRY_ADDRESS,
    SETTLEMENT_ADDRESS,
    decode_order_state,
    order_state_slots,
    validator_count_slot,
    validator_slots,
)
from client.certificate.merkle import ProofError, proven_value
from client.certificate.qbft import Header, HeaderError, check_seals, decode_header
from client.certificate.settlement import SettlementLogError, decode_settled, settled_topic

_RECEIPT_SUCCESS = b"\x01"


class Check(StrEnum):
    """The checks, in the order they run."""

    FORMAT = "format"
    CHAIN = "chain"
    VALIDATOR_SET = "validator-set"
    BLOCK_SEALS = "block-seals"
    TRANSACTION_INCLUSION = "transaction-inclusion"
    RECEIPT_PROOF = "receipt-proof"
    RECEIPT_LOG = "receipt-log"
    SETTLEMENT = "settlement"
    AS_OF_SEALS = "as-of-seals"
    CURRENT_STATE = "current-state"


class CertificateCheckFailed(Exception):
    """One check failed; ``check`` names it, ``detail`` says what was wrong."""

    def __init__(self, check: Check, detail: str) -> None:
        super().__init__(f"{check}: {detail}")
        self.check = check
        self.detail = detail


@dataclass(frozen=True)
class Verdict:
    valid: bool
    failed_check: Check | None = None
    detail: str = ""
    block_number: int | None = None
    block_hash: bytes | None = None
    as_of_block: int | None = None
    settlement: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class _ValidatorHistory:
    """The trusted sets: the genesis set, then (first block, set) for each proven change."""

    genesis: tuple[bytes, ...]
    changes: list[tuple[int, tuple[bytes, ...]]] = field(default_factory=list)

    def at(self, number: int) -> tuple[bytes, ...]:
        current = self.genesis
        for first_block, validators in self.changes:
            if first_block <= number:
                current = validators
        return current


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _fail(check: Check, error: Exception | str) -> CertificateCheckFailed:
    return CertificateCheckFailed(check, str(error))


def _sealed_header(
    raw: bytes, history: _ValidatorHistory, anchor: TrustAnchor, check: Check
) -> Header:
    """A header that decodes, follows genesis, lists the set valid at its height and carries
    a quorum of that set's seals."""
    try:
        header = decode_header(raw)
        if header.number == 0:
            raise HeaderError("the genesis block is not a sealed block")
        if header.extra.vanity != anchor.genesis_hash:
            raise HeaderError("vanity is not the genesis hash (a header of another chain)")
        validators = history.at(header.number)
        if header.extra.validators != validators:
            raise HeaderError(f"block #{header.number} lists a set other than the one valid then")
        check_seals(header, validators)
    except HeaderError as error:
        raise _fail(check, error) from error
    return header


def _proven_storage(
    proof: AccountProof, state_root: bytes, address: bytes, slots: Sequence[int]
) -> tuple[int, ...]:
    """The values of ``slots`` of ``address``, proven against ``state_root``."""
    if proof.address != address:
        raise ProofError(f"the proof is of 0x{proof.address.hex()}, not 0x{address.hex()}")
    account = proven_value(state_root, keccak(address), proof.account_proof)
    if account is None:
        raise ProofError(f"0x{address.hex()} has no account")
    try:
        fields = rlp.decode(account, strict=True)
    except DecodingError as error:
        raise ProofError(f"the account is not RLP: {error}") from error
    if not isinstance(fields, list) or len(fields) != 4 or not isinstance(fields[2], bytes):
        raise ProofError("the account is not [nonce, balance, storageRoot, codeHash]")
    storage_root = fields[2]
    if [entry.slot for entry in proof.storage] != list(slots):
        raise ProofError("the storage proofs are not of the expected slots")
    values = []
    for entry in proof.storage:
        encoded = proven_value(storage_root, keccak(entry.slot.to_bytes(32, "big")), entry.proof)
        value = _storage_int(encoded)
        if value != entry.value:
            raise ProofError(f"slot 0x{entry.slot:064x} holds {value}, not {entry.value}")
        values.append(value)
    return tuple(values)


def _storage_int(encoded: bytes | None) -> int:
    if encoded is None:
        return 0
    try:
        value = rlp.decode(encoded, strict=True)
    except DecodingError as error:
        raise ProofError(f"a storage value is not RLP: {error}") from error
    if not isinstance(value, bytes) or not value or value[:1] == b"\0" or len(value) > 32:
        raise ProofError("a storage value is not a minimal non-zero word")
    return int.from_bytes(value, "big")


def _check_validator_sets(cert: Certificate, anchor: TrustAnchor) -> _ValidatorHistory:
    history = _ValidatorHistory(anchor.validators)
    previous = 0
    for position, change in enumerate(cert.validator_set_changes):
        header = _sealed_header(change.header, history, anchor, Check.VALIDATOR_SET)
        where = f"change {position} (block #{header.number})"
        if header.number <= previous:
            raise _fail(Check.VALIDATOR_SET, f"{where} is not after the previous change")
        try:
            count = _claimed_count(change.proof)
            values = _proven_storage(
                change.proof, header.state_root, REGISTRY_ADDRESS, validator_slots(count)
            )
        except ProofError as error:
            raise _fail(Check.VALIDATOR_SET, f"{where}: {error}") from error
        if any(value >= 2**160 for value in values[1:]):
            raise _fail(Check.VALIDATOR_SET, f"{where}: a list element is not an address")
        new_set = tuple(value.to_bytes(20, "big") for value in values[1:])
        if any(a >= b for a, b in pairwise(new_set)):
            raise _fail(Check.VALIDATOR_SET, f"{where}: the new list is not strictly ascending")
        if new_set == history.at(header.number):
            raise _fail(Check.VALIDATOR_SET, f"{where} does not change the set")
        history.changes.append((header.number + 1, new_set))
        previous = header.number
    return history


def _claimed_count(proof: AccountProof) -> int:
    """The list length the proof claims, bounded, before the slots it implies are checked."""
    if not proof.storage or proof.storage[0].slot != validator_count_slot():
        raise ProofError("the first storage proof must be of the validators' length")
    count = proof.storage[0].value
    if not 0 < count <= MAX_VALIDATORS:
        raise ProofError(f"a validator list of {count} entries is impossible")
    return count


def _check_inclusion(
    root: bytes, index: int, raw: bytes, proof: tuple[bytes, ...], check: Check, what: str
) -> None:
    try:
        found = proven_value(root, rlp.encode(index), proof)
    except ProofError as error:
        raise _fail(check, error) from error
    if found != raw:
        raise _fail(check, f"the {what} at index {index} is not the one given")


def _receipt_logs(raw: bytes) -> list[Any]:
    payload = raw[1:] if raw and raw[0] < 0x7F else raw
    try:
        fields = rlp.decode(payload, strict=True)
    except DecodingError as error:
        raise _fail(Check.RECEIPT_LOG, f"the receipt is not RLP: {error}") from error
    if not isinstance(fields, list) or len(fields) != 4 or not isinstance(fields[3], list):
        raise _fail(Check.RECEIPT_LOG, "the receipt is not [status, gas, bloom, logs]")
    if fields[0] != _RECEIPT_SUCCESS:
        raise _fail(Check.RECEIPT_LOG, "the transaction failed (receipt status is not 1)")
    return fields[3]


def _check_log(cert: Certificate) -> None:
    logs = _receipt_logs(cert.receipt)
    log = cert.log
    if log.index >= len(logs):
        raise _fail(Check.RECEIPT_LOG, f"the receipt has no log at position {log.index}")
    if logs[log.index] != [log.address, list(log.topics), log.data]:
        raise _fail(Check.RECEIPT_LOG, f"log {log.index} of the receipt is not the log given")
    if log.address != SETTLEMENT_ADDRESS:
        raise _fail(Check.RECEIPT_LOG, "the log is not TradeSettlement's (proxy address)")
    if not log.topics or log.topics[0] != settled_topic():
        raise _fail(Check.RECEIPT_LOG, "the log is not a TradeSettled event")


def _check_settlement(cert: Certificate) -> dict[str, Any]:
    try:
        decoded = decode_settled(list(cert.log.topics), cert.log.data)
    except SettlementLogError as error:
        raise _fail(Check.SETTLEMENT, error) from error
    if _canonical(decoded) != _canonical(cert.settlement):
        raise _fail(Check.SETTLEMENT, "the settlement differs from the log's decoding")
    return decoded


def _check_current_state(cert: Certificate, as_of: Header, settlement: dict[str, Any]) -> None:
    slots = order_state_slots(settlement["orderId"], settlement["billNo"])
    try:
        words = _proven_storage(cert.state_proof, as_of.state_root, SETTLEMENT_ADDRESS, slots)
    except ProofError as error:
        raise _fail(Check.CURRENT_STATE, error) from error
    proven = decode_order_state(words).as_json()
    if _canonical(proven) != _canonical(cert.state):
        raise _fail(Check.CURRENT_STATE, f"the state given differs from the proven {proven}")


def check_certificate(document: Any, genesis: Any) -> Verdict:
    """Run every check; raise :class:`CertificateCheckFailed` at the first that fails."""
    anchor = genesis if isinstance(genesis, TrustAnchor) else trust_anchor(genesis)
    try:
        cert = parse_certificate(document)
    except FormatError as error:
        raise _fail(Check.FORMAT, error) from error
    if cert.chain_id != anchor.chain_id:
        raise _fail(Check.CHAIN, f"chain id {cert.chain_id}, the genesis says {anchor.chain_id}")
    if cert.genesis_hash != anchor.genesis_hash:
        raise _fail(Check.CHAIN, "the genesis hash is not the genesis file's")
    history = _check_validator_sets(cert, anchor)
    header = _sealed_header(cert.header, history, anchor, Check.BLOCK_SEALS)
    _check_inclusion(
        header.transactions_root,
        cert.transaction_index,
        cert.transaction,
        cert.transaction_proof,
        Check.TRANSACTION_INCLUSION,
        "transaction",
    )
    _check_inclusion(
        header.receipts_root,
        cert.transaction_index,
        cert.receipt,
        cert.receipt_proof,
        Check.RECEIPT_PROOF,
        "receipt",
    )
    _check_log(cert)
    settlement = _check_settlement(cert)
    as_of = _sealed_header(cert.as_of_header, history, anchor, Check.AS_OF_SEALS)
    if as_of.number < header.number:
        raise _fail(Check.AS_OF_SEALS, "the as-of block is older than the settlement block")
    _check_current_state(cert, as_of, settlement)
    return Verdict(
        valid=True,
        block_number=header.number,
        block_hash=header.hash,
        as_of_block=as_of.number,
        settlement=settlement,
        state=cert.state,
    )


def verify_certificate(document: Any, genesis: Any) -> Verdict:
    """The verdict on ``document`` (a parsed certificate JSON) trusting only ``genesis``: the
    parsed genesis JSON, or its :class:`TrustAnchor` computed once by ``trust_anchor`` (the
    genesis hash of a large alloc takes longer than the checks). A genesis that is not a
    QBFT genesis raises :class:`~client.certificate.genesis.GenesisFileError`: without an
    anchor there is no verdict."""
    try:
        return check_certificate(document, genesis)
    except CertificateCheckFailed as failure:
        return Verdict(valid=False, failed_check=failure.check, detail=failure.detail)
