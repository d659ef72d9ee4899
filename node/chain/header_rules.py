"""QBFT header rules that py-evm's VM cannot check: seals, validator list, vanity, clock.

Each check raises :class:`HeaderRuleViolation` naming the rule, so an import failure says which
rule a block broke rather than only that it was refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from eth.abc import BlockHeaderAPI
from eth_utils import ValidationError

from node.chain.extra_data import InvalidExtraData, QbftExtraData, decode_extra_data
from node.chain.header import commit_seal_digest
from node.chain.seals import InvalidSeal, recover_signer

MAX_CLOCK_DRIFT_SECONDS = 1


class HeaderRuleViolation(ValidationError):
    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule


def quorum(validator_count: int) -> int:
    """Commits needed to finalise a block: ceil(2n/3), as Besu's BftHelpers."""
    return -(-2 * validator_count // 3)


def decoded_extra(header: BlockHeaderAPI) -> QbftExtraData:
    try:
        return decode_extra_data(header.extra_data)
    except InvalidExtraData as error:
        raise HeaderRuleViolation("extra-data", str(error)) from error


def check_validator_order(validators: Sequence[bytes]) -> None:
    """Besu lists validators in strictly ascending order, so a list cannot repeat a validator
    (which would count one signer towards the quorum twice)."""
    if any(a >= b for a, b in pairwise(validators)):
        raise HeaderRuleViolation(
            "validator-list", "validators are not in strictly ascending order"
        )


def check_validators_listed(extra: QbftExtraData, expected: Sequence[bytes]) -> None:
    """The header must list exactly the set valid at its height (on a chain governed by
    ExchangeRegistry, the registry's validators after the parent)."""
    check_validator_order(extra.validators)
    if list(extra.validators) != list(expected):
        raise HeaderRuleViolation(
            "validator-list",
            f"the header lists {_addresses(extra.validators)}, the validators at its height"
            f" are {_addresses(expected)}",
        )


def _addresses(addresses: Sequence[bytes]) -> str:
    return "[" + ", ".join("0x" + bytes(a).hex() for a in addresses) + "]"


def check_vanity(extra: QbftExtraData, genesis_hash: bytes) -> None:
    if extra.vanity != genesis_hash:
        raise HeaderRuleViolation(
            "vanity", "the vanity of a block after genesis is the genesis hash"
        )


def check_proposer(header: BlockHeaderAPI, validators: Sequence[bytes]) -> None:
    if header.coinbase not in validators:
        raise HeaderRuleViolation("proposer", f"coinbase 0x{header.coinbase.hex()} is no validator")


def check_commit_seals(header: BlockHeaderAPI, validators: Sequence[bytes]) -> tuple[bytes, ...]:
    """Return the committers after checking a quorum of distinct validators sealed the block."""
    extra = decoded_extra(header)
    digest = commit_seal_digest(header)
    committers: list[bytes] = []
    for seal in extra.seals:
        try:
            signer = recover_signer(digest, seal)
        except InvalidSeal as error:
            raise HeaderRuleViolation("commit-seal", str(error)) from error
        if signer not in validators:
            raise HeaderRuleViolation("commit-seal", f"0x{signer.hex()} is not a validator")
        if signer in committers:
            raise HeaderRuleViolation("commit-seal", f"0x{signer.hex()} sealed twice")
        committers.append(signer)
    needed = quorum(len(validators))
    if len(committers) < needed:
        raise HeaderRuleViolation(
            "commit-seal", f"{len(committers)} commit seals, quorum is {needed}"
        )
    return tuple(committers)


def check_not_in_future(header: BlockHeaderAPI, now: float) -> None:
    if header.timestamp > now + MAX_CLOCK_DRIFT_SECONDS:
        raise HeaderRuleViolation(
            "timestamp", f"{header.timestamp} is ahead of the local clock ({int(now)})"
        )
