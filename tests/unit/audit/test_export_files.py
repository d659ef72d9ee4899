"""Each format's writer appends, and cuts a directory back to what its manifest committed."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from client.domain_events import EventDecoder
from node.audit.export_files import CsvWriter, JsonLinesWriter, ParquetWriter
from node.audit.ledger_event import LedgerEvent
from node.audit.manifest import NotAnExportError


def use_recorded(block: int) -> LedgerEvent:
    args = {
        "grantId": 1,
        "count": 1,
        "uses": block,
        "evidenceHash": b"\x0e" * 32,
        "recordedBy": "0x" + "11" * 20,
    }
    return LedgerEvent(
        block, 1_795_305_600 + block, bytes([block]) * 32, 0, "AuthorizationRegistry",
        "UseRecorded", ("SHDE",), (), args,
    )  # fmt: skip


def test_csv_has_one_header_and_appended_rows(tmp_path: Path) -> None:
    writer = CsvWriter(tmp_path)
    writer.write([use_recorded(1)], "part-1")
    writer.write([use_recorded(2), use_recorded(3)], "part-2")
    with (tmp_path / "events.csv").open(newline="") as source:
        rows = list(csv.DictReader(source))
    assert [row["block_number"] for row in rows] == ["1", "2", "3"]


def test_a_run_cut_short_is_cut_back_to_the_committed_size(tmp_path: Path) -> None:
    writer = JsonLinesWriter(tmp_path)
    writer.write([use_recorded(1)], "part-1")
    committed = writer.files()
    writer.write([use_recorded(2)], "part-2")
    JsonLinesWriter(tmp_path).restore(committed)
    assert (tmp_path / "events.jsonl").read_text().count("\n") == 1
    assert JsonLinesWriter(tmp_path).files() == committed


def test_a_file_shorter_than_its_manifest_says_is_refused(tmp_path: Path) -> None:
    writer = JsonLinesWriter(tmp_path)
    writer.write([use_recorded(1)], "part-1")
    with pytest.raises(NotAnExportError, match="is shorter than its manifest says"):
        writer.restore({"events.jsonl": 10_000})


def test_parquet_parts_not_in_the_manifest_are_removed(tmp_path: Path) -> None:
    writer = ParquetWriter(tmp_path, EventDecoder())
    writer.write([use_recorded(1)], "part-000001-0001")
    committed = writer.files()
    writer.write([use_recorded(2)], "part-000002-0001")
    assert sorted(writer.files()) == [
        "by_event/AuthorizationRegistry.UseRecorded/part-000001-0001.parquet",
        "by_event/AuthorizationRegistry.UseRecorded/part-000002-0001.parquet",
        "events/part-000001-0001.parquet",
        "events/part-000002-0001.parquet",
    ]
    writer.restore(committed)
    assert writer.files() == committed
    assert pq.read_table(tmp_path / "events").column("block_number").to_pylist() == [1]


def test_a_parquet_part_missing_from_the_directory_is_refused(tmp_path: Path) -> None:
    writer = ParquetWriter(tmp_path, EventDecoder())
    with pytest.raises(NotAnExportError, match=r"events/part-000001-0001\.parquet is missing"):
        writer.restore({"events/part-000001-0001.parquet": 100})
