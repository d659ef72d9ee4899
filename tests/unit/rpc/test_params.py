"""Parameter decoding refuses what geth refuses, in geth's words."""

from __future__ import annotations

import pytest

from node.rpc import params
from node.rpc.params import (
    AccessListEntry,
    BlockHashRef,
    BlockTag,
    CallArgs,
    Field,
    LogFilter,
    ParamError,
)

ADDRESS = "0x" + "ab" * 20
HASH = "0x" + "cd" * 32


def refusal(decode, value) -> str:
    with pytest.raises(ParamError) as caught:
        decode(value)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("0x0", 0), ("0x1", 1), ("0xff", 255), ("0XFF", 255), ("", 0), ("0x" + "f" * 16, 2**64 - 1)],
)
def test_a_uint64_quantity_decodes_like_hexutil(text: str, value: int) -> None:
    assert params.uint64(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0x01", "hex number with leading zero digits"),
        ("1", "hex string without 0x prefix"),
        ("0x", 'hex string "0x"'),
        ("0xg", "invalid hex string"),
        ("0x1_0", "invalid hex string"),
        ("0x" + "1" * 17, "hex number > 64 bits"),
    ],
)
def test_a_bad_uint64_quantity_is_refused_with_hexutils_reason(text: str, reason: str) -> None:
    assert refusal(params.uint64, text) == (
        f"json: cannot unmarshal {reason} into Go value of type hexutil.Uint64"
    )


def test_a_quantity_that_is_not_a_string_is_a_non_string() -> None:
    assert (
        refusal(params.big, 5)
        == "json: cannot unmarshal non-string into Go value of type *hexutil.Big"
    )


def test_a_big_quantity_holds_256_bits_and_no_more() -> None:
    assert params.big("0x" + "f" * 64) == 2**256 - 1
    assert refusal(params.big, "0x1" + "0" * 64) == (
        "json: cannot unmarshal hex number > 256 bits into Go value of type *hexutil.Big"
    )


def test_a_refusal_inside_a_struct_names_the_field() -> None:
    with pytest.raises(ParamError) as caught:
        params.uint64("0x01", Field("TransactionArgs", "gas"))

    assert str(caught.value) == (
        "json: cannot unmarshal hex number with leading zero digits into Go struct field"
        " TransactionArgs.gas of type hexutil.Uint64"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "0xabc",
            "json: cannot unmarshal hex string of odd length into Go value of type hexutil.Bytes",
        ),
        (
            "abcd",
            "json: cannot unmarshal hex string without 0x prefix"
            " into Go value of type hexutil.Bytes",
        ),
        ("0xzz", "json: cannot unmarshal invalid hex string into Go value of type hexutil.Bytes"),
    ],
)
def test_bad_data_is_refused_with_hexutils_reason(text: str, message: str) -> None:
    assert refusal(params.data, text) == message


def test_data_decodes_even_length_hex_and_the_empty_string() -> None:
    assert (params.data("0x00ff"), params.data("0x"), params.data("")) == (b"\x00\xff", b"", b"")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0x" + "ab" * 19, "hex string has length 38, want 40 for common.Address"),
        (
            "ab" * 20,
            "json: cannot unmarshal hex string without 0x prefix"
            " into Go value of type common.Address",
        ),
        (
            "0x" + "zz" * 20,
            "json: cannot unmarshal invalid hex string into Go value of type common.Address",
        ),
        (
            "0x" + "a" * 39,
            "json: cannot unmarshal hex string of odd length into Go value of type common.Address",
        ),
    ],
)
def test_an_address_must_be_exactly_20_bytes_of_hex(text: str, message: str) -> None:
    assert refusal(params.address, text) == message


def test_a_hash_must_be_exactly_32_bytes() -> None:
    assert params.hash32(HASH) == bytes.fromhex("cd" * 32)
    assert refusal(params.hash32, "0x1234") == "hex string has length 4, want 64 for common.Hash"


@pytest.mark.parametrize("tag", ["latest", "earliest", "pending", "safe", "finalized"])
def test_a_block_tag_is_a_block_number(tag: str) -> None:
    assert params.block_number(tag) is BlockTag(tag)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0x01", "hex number with leading zero digits"),
        ("", "empty hex string"),
        ("12", "hex string without 0x prefix"),
        (12, "hex string without 0x prefix"),
        ("0x8000000000000000", "block number larger than int64"),
        ("newest", "hex string without 0x prefix"),
    ],
)
def test_a_bad_block_number_is_refused_as_geth_refuses_it(value: object, message: str) -> None:
    assert refusal(params.block_number, value) == message


def test_a_block_selector_takes_a_number_a_hash_or_an_eip1898_object() -> None:
    assert [
        params.block_selector("0x10"),
        params.block_selector(HASH),
        params.block_selector({"blockHash": HASH, "requireCanonical": True}),
        params.block_selector({"blockNumber": "safe"}),
    ] == [
        16,
        BlockHashRef(bytes.fromhex("cd" * 32)),
        BlockHashRef(bytes.fromhex("cd" * 32), True),
        BlockTag.SAFE,
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"blockHash": HASH, "blockNumber": "0x1"},
            "cannot specify both BlockHash and BlockNumber, choose one or the other",
        ),
        ({}, "must specify either BlockHash or BlockNumber"),
        (12, "json: cannot unmarshal number into Go value of type string"),
        ("0x8000000000000000", "blocknumber too high"),
    ],
)
def test_a_bad_block_selector_is_refused_with_geths_text(value: object, message: str) -> None:
    assert refusal(params.block_selector, value) == message


def test_a_call_object_decodes_every_field_geth_reads() -> None:
    args = params.call_args(
        {
            "from": ADDRESS,
            "to": None,
            "gas": "0x5208",
            "maxFeePerGas": "0x2",
            "maxPriorityFeePerGas": "0x1",
            "value": "0x3",
            "nonce": "0x4",
            "input": "0x01",
            "accessList": [{"address": ADDRESS, "storageKeys": [HASH]}],
            "chainId": "0x539",
            "type": "0x2",
            "someClientExtension": True,
        }
    )

    assert args == CallArgs(
        sender=bytes.fromhex("ab" * 20),
        gas=21000,
        max_fee_per_gas=2,
        max_priority_fee_per_gas=1,
        value=3,
        nonce=4,
        input=b"\x01",
        access_list=(AccessListEntry(bytes.fromhex("ab" * 20), (bytes.fromhex("cd" * 32),)),),
        chain_id=1337,
        tx_type=2,
    )


def test_a_bad_access_list_entry_names_its_nested_field() -> None:
    call = {"accessList": [{"address": ADDRESS, "storageKeys": ["0x12"]}]}

    assert refusal(params.call_args, call) == "hex string has length 2, want 64 for common.Hash"
    assert refusal(params.call_args, {"accessList": [{"address": "ab"}]}) == (
        "json: cannot unmarshal hex string without 0x prefix into Go struct field"
        " TransactionArgs.accessList.address of type common.Address"
    )


def test_an_authorization_missing_a_field_is_refused() -> None:
    call = {"authorizationList": [{"chainId": "0x1", "address": ADDRESS, "nonce": "0x0"}]}

    assert (
        refusal(params.call_args, call)
        == "missing required field 'yParity' for SetCodeAuthorization"
    )


def test_a_call_object_must_be_an_object() -> None:
    assert refusal(params.call_args, "0x") == (
        "json: cannot unmarshal string into Go value of type ethapi.TransactionArgs"
    )


def test_state_overrides_decode_balances_code_and_storage() -> None:
    overrides = params.state_overrides(
        {ADDRESS: {"balance": "0x10", "code": "0x6000", "stateDiff": {HASH: HASH}}}
    )

    override = overrides[bytes.fromhex("ab" * 20)]
    assert (override.balance, override.code, dict(override.state_diff or {})) == (
        16,
        b"\x60\x00",
        {int("cd" * 32, 16): int("cd" * 32, 16)},
    )


def test_a_precompile_move_override_is_refused() -> None:
    overrides = {ADDRESS: {"movePrecompileToAddress": ADDRESS}}

    assert refusal(params.state_overrides, overrides) == "movePrecompileToAddress is not supported"


def test_a_log_filter_takes_one_address_or_a_list_and_topic_alternatives() -> None:
    criteria = params.log_filter(
        {
            "fromBlock": "0x1",
            "address": ADDRESS,
            "topics": [HASH, [HASH, HASH], [], [None, HASH]],
        }
    )

    topic = bytes.fromhex("cd" * 32)
    assert criteria == LogFilter(
        block_hash=None,
        from_block=1,
        to_block=None,
        addresses=(bytes.fromhex("ab" * 20),),
        topics=((topic,), (topic, topic), None, None),
    )


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        (
            {"address": "0x12"},
            "invalid address: hex has invalid length 1 after decoding; expected 20 for address",
        ),
        ({"address": [ADDRESS, 5]}, "non-string address at index 1"),
        ({"address": [ADDRESS, ""]}, "invalid address at index 1: empty hex string"),
        ({"address": 5}, "invalid addresses in query"),
        ({"topics": [5]}, "invalid topic(s)"),
        ({"topics": [[HASH, 5]]}, "invalid topic(s)"),
        ({"topics": [None] * 5}, "exceed max topics"),
        (
            {"blockHash": HASH, "toBlock": "latest"},
            "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other",
        ),
    ],
)
def test_a_bad_log_filter_is_refused_with_geths_text(criteria: dict, message: str) -> None:
    assert refusal(params.log_filter, criteria) == message


@pytest.mark.parametrize(("value", "count"), [(5, 5), ("5", 5), ("0x5", 5), ("0x05", 5), ("", 0)])
def test_a_fee_history_block_count_is_hex_or_decimal(value: object, count: int) -> None:
    assert params.hex_or_decimal64(value) == count


@pytest.mark.parametrize("value", ["five", "0x", 5.5, -1, "0xg", "18446744073709551616"])
def test_a_bad_fee_history_block_count_is_refused(value: object) -> None:
    assert refusal(params.hex_or_decimal64, value).startswith("invalid hex or decimal integer ")


@pytest.mark.parametrize(
    ("key", "slot"),
    [("0x1", 1), ("0x0001", 1), ("ff", 255), ("0x", 0), ("0x" + "00" * 31 + "2a", 42)],
)
def test_a_storage_key_is_read_leniently_as_geth_reads_it(key: str, slot: int) -> None:
    assert params.storage_slot(key) == slot
