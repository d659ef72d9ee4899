"""Revert data decoded into the system contracts' custom errors."""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak

from client.revert_errors import decode_revert


def test_a_custom_error_is_named_with_its_arguments() -> None:
    data = keccak(text="BillNotInStatus(uint256,uint32,uint8)")[:4] + encode(
        ["uint256", "uint32", "uint8"], [7, 0, 1]
    )
    assert decode_revert(data) == {
        "error": "BillNotInStatus",
        "args": {"orderId": 7, "billNo": 0, "status": 1},
        "data": "0x" + data.hex(),
    }


def test_a_reason_string_is_an_error_with_its_message() -> None:
    data = keccak(text="Error(string)")[:4] + encode(["string"], ["no"])
    assert decode_revert(data)["args"] == {"message": "no"}


def test_data_that_names_no_known_error_is_kept_as_it_is() -> None:
    assert decode_revert(b"\x01\x02\x03\x04") == {"error": None, "args": {}, "data": "0x01020304"}


def test_a_revert_without_data_names_no_error() -> None:
    assert decode_revert(b"") == {"error": None, "args": {}, "data": "0x"}
