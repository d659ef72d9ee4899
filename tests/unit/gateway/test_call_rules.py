"""The table of which roles may call which system-contract function."""

from __future__ import annotations

from eth_utils import keccak

from client.contracts import system_address
from node.gateway.call_rules import CALLER_ROLES, KNOWN_CALLS, known_call

SETTLEMENT = bytes.fromhex(system_address("TradeSettlement")[2:])
PRODUCTS = bytes.fromhex(system_address("DataProductRegistry")[2:])


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def test_every_function_of_the_table_has_a_selector_in_its_contract() -> None:
    assert sorted((c.contract, c.function) for c in KNOWN_CALLS.values()) == sorted(CALLER_ROLES)


def test_a_call_is_found_by_proxy_and_selector() -> None:
    call = known_call(PRODUCTS, selector("approve(uint256,uint32)") + b"\0" * 64)
    assert call is not None
    assert (call.contract, call.function, call.roles) == (
        "DataProductRegistry",
        "approve",
        frozenset({"operator"}),
    )


def test_the_same_selector_at_another_proxy_is_another_function() -> None:
    assert known_call(SETTLEMENT, selector("approve(uint256,uint32)")) is None


def test_functions_for_other_system_contracts_only_are_not_relayed() -> None:
    issue_for_order = known_call(
        bytes.fromhex(system_address("AuthorizationRegistry")[2:]),
        selector("revokeForRefund(uint256)"),
    )
    assert issue_for_order is None
    assert (
        known_call(SETTLEMENT, selector("initialize(address,address,address,address,address)"))
        is None
    )


def test_calldata_shorter_than_a_selector_is_unknown() -> None:
    assert known_call(SETTLEMENT, b"\x01\x02") is None
