"""Column types of the Parquet export follow the ABI: exact integers, hex bytes, lists, and
structs flattened into dotted column names."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest

from client.domain_events import EventDecoder
from node.audit.ledger_event import LedgerEvent
from node.audit.parquet_layout import (
    EVENTS_SCHEMA,
    EventTypeTables,
    ParquetValueError,
    arrow_type,
    events_table,
)

TABLES = EventTypeTables(EventDecoder())
COMMON = [
    "block_number",
    "block_timestamp",
    "transaction_hash",
    "log_index",
    "contract",
    "event",
    "exchanges",
    "parties",
]


def use_recorded(grant_id: int, count: int) -> LedgerEvent:
    args = {
        "grantId": grant_id,
        "count": count,
        "uses": count,
        "evidenceHash": b"\x0e" * 32,
        "recordedBy": "0x" + "11" * 20,
    }
    return LedgerEvent(
        5,
        1_795_305_600,
        b"\xab" * 32,
        2,
        "AuthorizationRegistry",
        "UseRecorded",
        ("SHDE",),
        (),
        args,
    )


@pytest.mark.parametrize(
    ("abi_type", "arrow"),
    [
        ("uint8", pa.uint8()),
        ("uint16", pa.uint16()),
        ("uint32", pa.uint32()),
        ("uint64", pa.uint64()),
        ("int64", pa.int64()),
        ("uint128", pa.decimal256(39, 0)),
        ("uint256", pa.decimal256(76, 0)),
        ("bool", pa.bool_()),
        ("address", pa.string()),
        ("string", pa.string()),
        ("bytes32", pa.string()),
        ("bytes", pa.string()),
        ("bytes2[]", pa.list_(pa.string())),
    ],
)
def test_abi_types_map_to_exact_arrow_types(abi_type: str, arrow: pa.DataType) -> None:
    assert arrow_type({"type": abi_type})[0] == arrow


def test_money_converts_to_an_exact_decimal_never_a_float() -> None:
    _, convert = arrow_type({"type": "uint128"})
    assert convert(2**128 - 1) == Decimal(2**128 - 1)


def test_a_uint256_beyond_decimal256_precision_is_refused() -> None:
    _, convert = arrow_type({"type": "uint256"})
    with pytest.raises(ParquetValueError, match="more than 76 digits"):
        convert(10**76)


def test_bytes_convert_to_hex_text() -> None:
    _, convert = arrow_type({"type": "bytes3"})
    assert convert(b"CNY") == "0x434e59"


def test_a_struct_argument_becomes_one_column_per_component() -> None:
    names = TABLES.schema("TradeSettlement", "TradeSettled").names
    assert names[len(COMMON) :][:3] == ["orderId", "billNo", "certificate.orderId"]
    assert "certificate.legs.buyerRefund" in names
    assert TABLES.schema("TradeSettlement", "TradeSettled").field(
        "certificate.amount"
    ).type == pa.decimal256(39, 0)


def test_an_event_type_table_holds_the_common_and_the_flattened_columns() -> None:
    table = TABLES.table("AuthorizationRegistry", "UseRecorded", [use_recorded(4, 2)])
    assert table.column_names == [
        *COMMON,
        "grantId",
        "count",
        "uses",
        "evidenceHash",
        "recordedBy",
    ]
    assert table.to_pylist()[0] | {"block_timestamp": None} == {
        "block_number": 5,
        "block_timestamp": None,
        "transaction_hash": "0x" + "ab" * 32,
        "log_index": 2,
        "contract": "AuthorizationRegistry",
        "event": "UseRecorded",
        "exchanges": ["SHDE"],
        "parties": [],
        "grantId": Decimal(4),
        "count": 2,
        "uses": 2,
        "evidenceHash": "0x" + "0e" * 32,
        "recordedBy": "0x" + "11" * 20,
    }


def test_the_events_table_keeps_fields_as_json_text() -> None:
    table = events_table([use_recorded(4, 2)])
    assert table.schema == EVENTS_SCHEMA
    row = table.to_pylist()[0]
    assert row["fields"] == (
        '{"grantId":4,"count":2,"uses":2,"evidenceHash":"0x' + "0e" * 32 + '",'
        '"recordedBy":"0x' + "11" * 20 + '"}'
    )
    assert int(row["block_timestamp"].timestamp()) == 1_795_305_600


def test_an_empty_batch_makes_an_empty_table_of_the_same_schema() -> None:
    assert events_table([]).num_rows == 0
    assert events_table([]).schema == EVENTS_SCHEMA
