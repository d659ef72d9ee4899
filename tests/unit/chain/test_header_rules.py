"""The QBFT header rules py-evm cannot check, each refusal naming its rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from node.chain.extra_data import QbftExtraData
from node.chain.header import QbftBlockHeader, commit_seal_digest
from node.chain.header_rules import (
    HeaderRuleViolation,
    check_commit_seals,
    check_not_in_future,
    check_proposer,
    check_validators_listed,
    check_vanity,
    quorum,
)
from node.chain.seals import SECP256K1_N, address_of, sign_digest

MakeHeader = Callable[..., QbftBlockHeader]

KEYS = [bytes([byte]) * 32 for byte in (0x11, 0x12, 0x13, 0x14)]
VALIDATORS = tuple(address_of(key) for key in KEYS)
OUTSIDER_KEY = b"\x99" * 32
GENESIS_HASH = b"\x42" * 32
EXTRA = QbftExtraData(GENESIS_HASH, VALIDATORS, None, 2, ())


def sealed_by(make_header: MakeHeader, keys: list[bytes]) -> QbftBlockHeader:
    """A header listing the four validators at round 2, sealed by ``keys`` in that order."""
    digest = commit_seal_digest(make_header(EXTRA))
    return make_header(EXTRA.with_seals(tuple(sign_digest(key, digest) for key in keys)))


@pytest.mark.parametrize(
    ("validators", "needed"),
    list(zip(range(1, 11), [1, 2, 2, 3, 4, 4, 5, 6, 6, 7], strict=True)),
)
def test_the_quorum_is_two_thirds_of_the_validators_rounded_up(
    validators: int, needed: int
) -> None:
    assert quorum(validators) == needed


def test_a_quorum_of_distinct_validators_is_accepted_and_its_committers_returned(
    make_header: MakeHeader,
) -> None:
    header = sealed_by(make_header, [KEYS[2], KEYS[0], KEYS[3]])
    assert check_commit_seals(header, VALIDATORS) == (VALIDATORS[2], VALIDATORS[0], VALIDATORS[3])


def test_seals_of_every_validator_are_accepted(make_header: MakeHeader) -> None:
    assert check_commit_seals(sealed_by(make_header, KEYS), VALIDATORS) == VALIDATORS


def test_a_validator_sealing_twice_is_refused(make_header: MakeHeader) -> None:
    header = sealed_by(make_header, [KEYS[0], KEYS[1], KEYS[0]])
    with pytest.raises(HeaderRuleViolation) as refused:
        check_commit_seals(header, VALIDATORS)
    assert refused.value.rule == "commit-seal"
    assert str(refused.value) == f"commit-seal: 0x{VALIDATORS[0].hex()} sealed twice"


def test_a_seal_of_a_non_validator_is_refused(make_header: MakeHeader) -> None:
    header = sealed_by(make_header, [KEYS[0], KEYS[1], OUTSIDER_KEY])
    with pytest.raises(HeaderRuleViolation) as refused:
        check_commit_seals(header, VALIDATORS)
    assert refused.value.rule == "commit-seal"
    assert str(refused.value) == (
        f"commit-seal: 0x{address_of(OUTSIDER_KEY).hex()} is not a validator"
    )


def test_fewer_seals_than_the_quorum_are_refused(make_header: MakeHeader) -> None:
    header = sealed_by(make_header, [KEYS[0], KEYS[1]])
    with pytest.raises(HeaderRuleViolation) as refused:
        check_commit_seals(header, VALIDATORS)
    assert refused.value.rule == "commit-seal"
    assert str(refused.value) == "commit-seal: 2 commit seals, quorum is 3"


def test_a_header_without_seals_is_refused(make_header: MakeHeader) -> None:
    with pytest.raises(HeaderRuleViolation, match="0 commit seals, quorum is 3"):
        check_commit_seals(make_header(EXTRA), VALIDATORS)


def test_seals_made_for_another_round_are_refused(make_header: MakeHeader) -> None:
    other_round = commit_seal_digest(make_header(EXTRA.with_round(1)))
    seals = tuple(sign_digest(key, other_round) for key in KEYS[:3])
    with pytest.raises(HeaderRuleViolation) as refused:
        check_commit_seals(make_header(EXTRA.with_seals(seals)), VALIDATORS)
    assert refused.value.rule == "commit-seal"


def test_a_high_s_seal_is_refused_as_a_commit_seal_violation(make_header: MakeHeader) -> None:
    header = sealed_by(make_header, KEYS[:3])
    first = header.qbft_extra.seals[0]
    high_s = (SECP256K1_N - int.from_bytes(first[32:64], "big")).to_bytes(32, "big")
    twin = first[:32] + high_s + bytes([first[64] ^ 1])
    seals = (twin, *header.qbft_extra.seals[1:])
    with pytest.raises(HeaderRuleViolation) as refused:
        check_commit_seals(make_header(EXTRA.with_seals(seals)), VALIDATORS)
    assert refused.value.rule == "commit-seal"


def test_a_header_listing_other_validators_breaks_the_validator_list_rule() -> None:
    with pytest.raises(HeaderRuleViolation) as refused:
        check_validators_listed(EXTRA, VALIDATORS[:3])
    assert refused.value.rule == "validator-list"


def test_a_header_listing_the_validators_in_another_order_breaks_the_validator_list_rule() -> None:
    with pytest.raises(HeaderRuleViolation) as refused:
        check_validators_listed(EXTRA, tuple(reversed(VALIDATORS)))
    assert refused.value.rule == "validator-list"


def test_a_header_listing_the_expected_validators_in_ascending_order_passes() -> None:
    ascending = tuple(sorted(VALIDATORS))
    check_validators_listed(replace(EXTRA, validators=ascending), ascending)


def test_a_vanity_other_than_the_genesis_hash_breaks_the_vanity_rule() -> None:
    with pytest.raises(HeaderRuleViolation) as refused:
        check_vanity(EXTRA, b"\x43" * 32)
    assert refused.value.rule == "vanity"


def test_a_coinbase_outside_the_validators_breaks_the_proposer_rule(
    make_header: MakeHeader,
) -> None:
    header = make_header(EXTRA, coinbase=address_of(OUTSIDER_KEY))
    with pytest.raises(HeaderRuleViolation) as refused:
        check_proposer(header, VALIDATORS)
    assert refused.value.rule == "proposer"


def test_a_timestamp_one_second_ahead_of_the_clock_is_tolerated(make_header: MakeHeader) -> None:
    header = make_header(EXTRA, timestamp=1_000)
    check_not_in_future(header, now=999.0)


def test_a_timestamp_more_than_one_second_ahead_of_the_clock_breaks_the_timestamp_rule(
    make_header: MakeHeader,
) -> None:
    header = make_header(EXTRA, timestamp=1_000)
    with pytest.raises(HeaderRuleViolation) as refused:
        check_not_in_future(header, now=998.5)
    assert refused.value.rule == "timestamp"
    assert str(refused.value) == "timestamp: 1000 is ahead of the local clock (998)"


def test_validators_out_of_ascending_order_break_the_validator_list_rule() -> None:
    descending = tuple(sorted(VALIDATORS, reverse=True))
    with pytest.raises(HeaderRuleViolation) as refused:
        check_validators_listed(replace(EXTRA, validators=descending), descending)
    assert refused.value.rule == "validator-list"


def test_a_validator_listed_twice_breaks_the_validator_list_rule() -> None:
    doubled = replace(EXTRA, validators=(VALIDATORS[0], VALIDATORS[0]))
    with pytest.raises(HeaderRuleViolation) as refused:
        check_validators_listed(doubled, (VALIDATORS[0], VALIDATORS[0]))
    assert refused.value.rule == "validator-list"
