"""The files of an export directory, one writer per format.

JSONL and CSV grow one file each (``events.jsonl``, ``events.csv`` with a header row); Parquet
adds part files (``parquet_layout``). Before a run appends, each writer cuts the directory back
to what the manifest committed: a run that died after writing events but before rewriting the
manifest leaves nothing that the next run would repeat.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import pyarrow.parquet as pq

from client.domain_events import EventDecoder
from node.audit.ledger_event import LedgerEvent
from node.audit.manifest import NotAnExportError
from node.audit.parquet_layout import EventTypeTables, by_type, events_table
from node.audit.rows import COLUMNS, csv_row, json_line

PARTIAL_SUFFIX = ".partial"


class ExportWriter(Protocol):
    def restore(self, committed: dict[str, int]) -> None:
        """Cut the directory back to the committed files and sizes."""

    def write(self, events: Sequence[LedgerEvent], part: str) -> None:
        """Append ``events`` (in chain order); ``part`` names this batch's new files."""

    def files(self) -> dict[str, int]:
        """The files written so far and their sizes, for the manifest."""


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


class _AppendedFile:
    """One file that only grows."""

    def __init__(self, out: Path, name: str, header: bytes) -> None:
        self.out = out
        self.name = name
        self.path = out / name
        self.header = header

    def restore(self, committed: dict[str, int]) -> None:
        size = committed.get(self.name)
        if size is None:
            self.path.unlink(missing_ok=True)
            return
        if not self.path.is_file() or self.path.stat().st_size < size:
            raise NotAnExportError(f"{self.path} is shorter than its manifest says ({size} bytes)")
        with self.path.open("r+b") as handle:
            handle.truncate(size)

    def append(self, data: bytes) -> None:
        with self.path.open("ab") as handle:
            if handle.tell() == 0:
                handle.write(self.header)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    def files(self) -> dict[str, int]:
        return {self.name: self.path.stat().st_size} if self.path.is_file() else {}


class JsonLinesWriter:
    def __init__(self, out: Path) -> None:
        self._file = _AppendedFile(out, "events.jsonl", b"")

    def restore(self, committed: dict[str, int]) -> None:
        self._file.restore(committed)

    def write(self, events: Sequence[LedgerEvent], part: str) -> None:
        self._file.append("".join(json_line(e) for e in events).encode())

    def files(self) -> dict[str, int]:
        return self._file.files()


def _csv_text(rows: Sequence[Sequence[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode()


class CsvWriter:
    def __init__(self, out: Path) -> None:
        self._file = _AppendedFile(out, "events.csv", _csv_text([COLUMNS]))

    def restore(self, committed: dict[str, int]) -> None:
        self._file.restore(committed)

    def write(self, events: Sequence[LedgerEvent], part: str) -> None:
        self._file.append(_csv_text([csv_row(e) for e in events]))

    def files(self) -> dict[str, int]:
        return self._file.files()


class ParquetWriter:
    def __init__(self, out: Path, decoder: EventDecoder) -> None:
        self._out = out
        self._tables = EventTypeTables(decoder)

    def _parts(self) -> list[Path]:
        return sorted(
            path
            for folder in ("events", "by_event")
            for path in (self._out / folder).rglob("*")
            if path.is_file()
        )

    def restore(self, committed: dict[str, int]) -> None:
        for path in self._parts():
            if path.relative_to(self._out).as_posix() not in committed:
                path.unlink()
        for name in committed:
            if not (self._out / name).is_file():
                raise NotAnExportError(f"{self._out / name} is missing")

    def write(self, events: Sequence[LedgerEvent], part: str) -> None:
        self._write(self._out / "events" / f"{part}.parquet", events_table(events))
        for (contract, name), group in by_type(events).items():
            folder = self._out / "by_event" / f"{contract}.{name}"
            self._write(folder / f"{part}.parquet", self._tables.table(contract, name, group))

    def _write(self, path: Path, table: object) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + PARTIAL_SUFFIX)
        pq.write_table(table, partial)
        _fsync(partial)
        partial.replace(path)

    def files(self) -> dict[str, int]:
        return {
            path.relative_to(self._out).as_posix(): path.stat().st_size
            for path in self._parts()
            if not path.name.endswith(PARTIAL_SUFFIX)
        }


def make_writer(chosen_format: str, out: Path, decoder: EventDecoder) -> ExportWriter:
    if chosen_format == "jsonl":
        return JsonLinesWriter(out)
    if chosen_format == "csv":
        return CsvWriter(out)
    if chosen_format == "parquet":
        return ParquetWriter(out, decoder)
    raise ValueError(f"unknown export format {chosen_format!r} (jsonl, csv or parquet)")
