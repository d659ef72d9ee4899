"""The checks an audit replay applies to each block, in the order it applies them.

A replay must say *which* rule a block breaks first, so the rules are a list of named checks
run in a fixed, documented order; the first that fails names the block's fault:

1. ``decoding``: the block is RLP of its fork's block class (and, on a QBFT chain, its
   extraData is a QBFT list).
2. ``parent-link``: it extends the previous block (parent hash and number); block 0 is the
   genesis of the given genesis file.
3. ``seals``: a quorum ceil(2n/3) of distinct validators of the set valid at its height (the
   chain's own rule, :meth:`ChainReader.validators_after`) sealed it, low-S only.
4. ``proposer``: its coinbase is the proposer of its round (Besu's round-robin).
5. ``timestamp``: at least the parent's plus the block period, and not ahead of the clock.
6. ``header-fields``: the header rules of its VM (gas limit, base fee, difficulty, nonce,
   mixHash, ommers, withdrawals, blobs, beacon root) and, on a QBFT chain, the validator list
   and vanity of its extraData. A field that only execution determines and no later check
   names (blob gas used) is compared after the execution checks, under this name.
7. ``transactions-root``: the body (transactions, ommers, withdrawals) matches the header.
8. ``permissioning``: on a chain whose genesis switches it on, every sender may send its
   transaction in the state after the parent (the chain's own rule,
   :meth:`ChainReader.permissions_after`): a registered, active role, and a role that may
   create contracts for a creation.
9. ``transaction-validity``: every transaction executes (signature, chain id, nonce, gas);
   a QBFT block carries no blob transaction.
10. ``gas-used``, ``receipts-root``, ``logs-bloom``, ``state-root``, ``requests-hash``: the
    header's execution results equal those of executing the block.

Chains without QBFT (imported Ethereum chains) have no seals and no proposer rotation: their
replay skips checks 3 and 4; chains whose genesis does not switch permissioning on skip 8.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rlp
from eth.abc import BlockAPI, BlockHeaderAPI, VirtualMachineAPI
from eth_utils import ValidationError, keccak

from node.chain.chain_reader import ChainReader
from node.chain.header_rules import (
    HeaderRuleViolation,
    check_commit_seals,
    check_not_in_future,
    check_validators_listed,
    check_vanity,
    decoded_extra,
)
from node.chain.permissioning import PermissionViolation
from node.chain.vm import trie_root_and_nodes
from node.consensus.proposer import select_proposer
from node.consensus.round_id import RoundId

CHECKS = (
    "decoding",
    "parent-link",
    "seals",
    "proposer",
    "timestamp",
    "header-fields",
    "transactions-root",
    "permissioning",
    "transaction-validity",
    "gas-used",
    "receipts-root",
    "logs-bloom",
    "state-root",
    "requests-hash",
)
QBFT_ONLY_CHECKS = ("seals", "proposer")
EXECUTION_FIELDS = (
    ("gas-used", "gas_used"),
    ("receipts-root", "receipt_root"),
    ("logs-bloom", "bloom"),
    ("state-root", "state_root"),
    ("requests-hash", "requests_hash"),
)


class CheckFailed(Exception):
    """A block broke the rule of ``check``."""

    def __init__(self, check: str, detail: str) -> None:
        assert check in CHECKS, check
        super().__init__(f"{check}: {detail}")
        self.check = check
        self.detail = detail


@dataclass(frozen=True)
class BlockUnderCheck:
    """A decoded block with what its rules depend on: its parent (already verified), the
    validators valid at its height (none without QBFT), the vanity every block after genesis
    must carry, its VM class and the auditor's clock."""

    block: BlockAPI
    parent: BlockHeaderAPI
    validators: tuple[bytes, ...]
    vanity: bytes
    vm_class: type[VirtualMachineAPI]
    qbft: bool
    now: float

    @property
    def header(self) -> BlockHeaderAPI:
        return self.block.header


def check_decoded_extra(header: BlockHeaderAPI) -> None:
    """A QBFT header whose extraData is not a QBFT list does not decode as a QBFT block."""
    try:
        decoded_extra(header)
    except HeaderRuleViolation as error:
        raise CheckFailed("decoding", str(error)) from error


def check_parent_link(item: BlockUnderCheck) -> None:
    header, parent = item.header, item.parent
    if header.parent_hash != parent.hash:
        raise CheckFailed(
            "parent-link",
            f"parent hash 0x{header.parent_hash.hex()} is not block"
            f" #{parent.block_number} 0x{parent.hash.hex()}",
        )
    if header.block_number != parent.block_number + 1:
        raise CheckFailed(
            "parent-link",
            f"number {header.block_number} does not follow parent #{parent.block_number}",
        )


def check_seals(item: BlockUnderCheck) -> None:
    try:
        check_commit_seals(item.header, item.validators)
    except HeaderRuleViolation as error:
        raise CheckFailed("seals", str(error)) from error


def check_proposer(item: BlockUnderCheck) -> None:
    round_number = decoded_extra(item.header).round
    expected = select_proposer(
        RoundId(item.header.block_number, round_number),
        bytes(item.parent.coinbase),
        item.validators,
    )
    if item.header.coinbase != expected:
        raise CheckFailed(
            "proposer",
            f"coinbase 0x{item.header.coinbase.hex()} is not the proposer of round"
            f" {round_number}, 0x{expected.hex()}",
        )


def check_timestamp(item: BlockUnderCheck) -> None:
    header, parent = item.header, item.parent
    period = getattr(item.vm_class, "block_period_seconds", 1) if item.qbft else 1
    earliest = parent.timestamp + period
    if header.timestamp < earliest:
        raise CheckFailed(
            "timestamp",
            f"{header.timestamp} is before the parent's {parent.timestamp} + {period} s",
        )
    try:
        check_not_in_future(header, item.now)
    except HeaderRuleViolation as error:
        raise CheckFailed("timestamp", str(error)) from error


def check_header_fields(item: BlockUnderCheck) -> None:
    try:
        if item.qbft:
            extra = decoded_extra(item.header)
            check_validators_listed(extra, item.validators)
            check_vanity(extra, item.vanity)
        item.vm_class.validate_header(item.header, item.parent)
    except ValidationError as error:
        raise CheckFailed("header-fields", str(error)) from error


def check_body_roots(item: BlockUnderCheck) -> None:
    block, header = item.block, item.header
    if trie_root_and_nodes(block.transactions)[0] != header.transaction_root:
        raise CheckFailed(
            "transactions-root",
            f"the {len(block.transactions)} transactions do not make the transactions root"
            f" 0x{header.transaction_root.hex()}",
        )
    if keccak(rlp.encode(block.uncles)) != header.uncles_hash:
        raise CheckFailed("transactions-root", "the ommers do not match the ommers hash")
    withdrawals = getattr(block, "withdrawals", None)
    if withdrawals is not None and trie_root_and_nodes(withdrawals)[0] != header.withdrawals_root:
        raise CheckFailed("transactions-root", "the withdrawals do not match the withdrawals root")


HEADER_CHECKS: tuple[tuple[str, Callable[[BlockUnderCheck], None]], ...] = (
    ("parent-link", check_parent_link),
    ("seals", check_seals),
    ("proposer", check_proposer),
    ("timestamp", check_timestamp),
    ("header-fields", check_header_fields),
    ("transactions-root", check_body_roots),
)


def checks_for(qbft: bool, permissioned: bool = True) -> tuple[str, ...]:
    """The checks a replay applies: all of them on a permissioned QBFT chain; no seals and
    proposer without QBFT, no permissioning where the genesis does not switch it on."""
    skipped = (() if qbft else QBFT_ONLY_CHECKS) + (() if permissioned else ("permissioning",))
    return tuple(c for c in CHECKS if c not in skipped)


def check_permissioning(reader: ChainReader, item: BlockUnderCheck) -> None:
    """Every sender may send its transaction after the parent, by the chain's own rule."""
    try:
        reader.permissions_after(item.parent).check_block(item.block.transactions)
    except PermissionViolation as violation:
        raise CheckFailed("permissioning", violation.detail) from violation


def run_header_checks(item: BlockUnderCheck) -> None:
    """The checks before execution, in order; the first failure is raised."""
    for name, check in HEADER_CHECKS:
        if item.qbft or name not in QBFT_ONLY_CHECKS:
            try:
                check(item)
            except CheckFailed:
                raise
            except Exception as error:  # py-evm's rules raise more than ValidationError
                raise CheckFailed(name, f"{type(error).__name__}: {error}") from error


def compare_execution(executed: BlockHeaderAPI, given: BlockHeaderAPI) -> None:
    """The execution results of the header against those of executing its block, in order;
    then every other field, so that a block is written only if it is exactly the block its
    execution makes (blob gas used, say, is known only after execution)."""
    for check, field in EXECUTION_FIELDS:
        mine, theirs = getattr(executed, field, None), getattr(given, field, None)
        if mine != theirs:
            raise CheckFailed(
                check, f"the header has {_shown(theirs)}, executing the block gives {_shown(mine)}"
            )
    for field in given._meta.field_names:  # type: ignore[attr-defined]
        mine, theirs = getattr(executed, field, None), getattr(given, field)
        if mine != theirs:
            raise CheckFailed(
                "header-fields",
                f"{field} is {_shown(theirs)}, executing the block gives {_shown(mine)}",
            )


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, int) and value.bit_length() > 64:
        return hex(value)
    return str(value)
