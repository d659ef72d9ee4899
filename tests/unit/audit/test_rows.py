"""JSON lines and CSV rows carry the same columns, with exact integers."""

from __future__ import annotations

import csv
import io
import json

from node.audit.ledger_event import LedgerEvent
from node.audit.rows import COLUMNS, csv_row, json_line

EVENT = LedgerEvent(
    12,
    1_795_305_600,
    b"\x0f" * 32,
    3,
    "TradeSettlement",
    "OrderAccepted",
    ("SHDE", "SZDE"),
    ("0xAa", "0xBb"),
    {"orderId": 9, "billAmount": 2**60, "acceptedAt": 1_795_305_600},
)


def test_a_json_line_is_one_object_with_every_column() -> None:
    line = json_line(EVENT)
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line) == {
        "block_number": 12,
        "block_timestamp": 1_795_305_600,
        "transaction_hash": "0x" + "0f" * 32,
        "log_index": 3,
        "contract": "TradeSettlement",
        "event": "OrderAccepted",
        "exchanges": ["SHDE", "SZDE"],
        "parties": ["0xAa", "0xBb"],
        "fields": {"orderId": 9, "billAmount": str(2**60), "acceptedAt": 1_795_305_600},
    }


def test_a_csv_row_joins_lists_and_holds_fields_as_json() -> None:
    text = io.StringIO()
    csv.writer(text).writerows([COLUMNS, csv_row(EVENT)])
    [row] = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert row == {
        "block_number": "12",
        "block_timestamp": "1795305600",
        "transaction_hash": "0x" + "0f" * 32,
        "log_index": "3",
        "contract": "TradeSettlement",
        "event": "OrderAccepted",
        "exchanges": "SHDE;SZDE",
        "parties": "0xAa;0xBb",
        "fields": '{"orderId":9,"billAmount":"1152921504606846976","acceptedAt":1795305600}',
    }
