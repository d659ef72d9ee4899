"""Revert errors carry geth's code, message and data."""

from __future__ import annotations

from eth_abi import encode as abi_encode
from eth_utils import keccak

from node.rpc.errors import execution_reverted, revert_reason

ERROR_STRING = keccak(text="Error(string)")[:4]
PANIC = keccak(text="Panic(uint256)")[:4]


def test_an_error_string_revert_puts_the_reason_in_the_message() -> None:
    data = ERROR_STRING + abi_encode(["string"], ["user error"])

    assert execution_reverted(data).to_json() == {
        "code": 3,
        "message": "execution reverted: user error",
        "data": "0x" + data.hex(),
    }


def test_a_revert_without_a_standard_reason_is_plain_execution_reverted() -> None:
    data = keccak(text="Rejected(uint256)")[:4] + abi_encode(["uint256"], [7])

    assert execution_reverted(data).to_json() == {
        "code": 3,
        "message": "execution reverted",
        "data": "0x" + data.hex(),
    }


def test_an_empty_revert_has_empty_data() -> None:
    assert execution_reverted(b"").to_json()["data"] == "0x"


def test_known_panic_codes_are_named_as_geth_names_them() -> None:
    reasons = [
        revert_reason(PANIC + abi_encode(["uint256"], [code])) for code in (0x01, 0x11, 0x12, 0x32)
    ]

    assert reasons == [
        "assert(false)",
        "arithmetic underflow or overflow",
        "division or modulo by zero",
        "out-of-bounds access of an array or bytesN",
    ]


def test_an_unknown_panic_code_is_named_by_its_number() -> None:
    assert revert_reason(PANIC + abi_encode(["uint256"], [0x99])) == "unknown panic code: 0x99"


def test_a_truncated_error_string_has_no_reason() -> None:
    assert revert_reason(ERROR_STRING + b"\x00" * 10) is None
