"""The replay's checks: their documented order and the execution comparison."""

from __future__ import annotations

import pytest
from eth.vm.forks.prague.blocks import PragueBlockHeader

from node.audit.checks import CHECKS, CheckFailed, checks_for, compare_execution

HEADER = PragueBlockHeader(difficulty=1, block_number=5, gas_limit=30_000_000, gas_used=42_000)


def test_a_chain_without_qbft_is_replayed_without_seal_and_proposer_checks() -> None:
    assert checks_for(qbft=False) == tuple(c for c in CHECKS if c not in ("seals", "proposer"))
    assert checks_for(qbft=True) == CHECKS


def test_a_chain_without_permissioning_is_replayed_without_its_check() -> None:
    assert checks_for(qbft=True, permissioned=False) == tuple(
        c for c in CHECKS if c != "permissioning"
    )


def test_permissioning_is_checked_after_the_body_and_before_execution() -> None:
    assert CHECKS[CHECKS.index("transactions-root") + 1 :][:2] == (
        "permissioning",
        "transaction-validity",
    )


def test_identical_execution_results_pass() -> None:
    compare_execution(HEADER, HEADER.copy())


def test_the_first_differing_execution_result_in_order_is_named() -> None:
    executed = HEADER.copy(gas_used=21_000, state_root=b"\x01" * 32, bloom=1)
    with pytest.raises(CheckFailed) as raised:
        compare_execution(executed, HEADER)
    assert (raised.value.check, raised.value.detail) == (
        "gas-used",
        "the header has 42000, executing the block gives 21000",
    )


def test_a_differing_state_root_is_named_with_both_roots() -> None:
    executed = HEADER.copy(state_root=b"\x01" * 32)
    with pytest.raises(CheckFailed) as raised:
        compare_execution(executed, HEADER)
    assert (raised.value.check, raised.value.detail) == (
        "state-root",
        f"the header has 0x{HEADER.state_root.hex()}, executing the block gives 0x{'01' * 32}",
    )


def test_a_field_only_execution_determines_is_compared_last_as_a_header_field() -> None:
    executed = HEADER.copy(blob_gas_used=131_072)
    with pytest.raises(CheckFailed) as raised:
        compare_execution(executed, HEADER)
    assert (raised.value.check, raised.value.detail) == (
        "header-fields",
        "blob_gas_used is 0, executing the block gives 131072",
    )
