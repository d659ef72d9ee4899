"""``dcl audit export``: every domain event of a stopped node's chain, decoded, into files.

A first run exports blocks 1 to the head (the genesis block has no receipts: the constructors'
events of a consortium genesis are not on the chain, and they teach ``Involvement`` nothing,
since a genesis registers no participant, product, order, grant or proposal). Each later run
appends the blocks after the last exported one, after ``manifest.check_continuation``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from client.domain_events import EventDecoder, Involvement
from node.audit.datadir_events import OpenLedger, ledger_events, open_ledger
from node.audit.export_files import ExportWriter, make_writer
from node.audit.involvement_state import dump_involvement, load_involvement
from node.audit.ledger_event import LedgerEvent
from node.audit.manifest import (
    FORMATS,
    Manifest,
    check_continuation,
    read_manifest,
    write_manifest,
)

logger = logging.getLogger(__name__)
EVENTS_PER_PART = 50_000
"""Events held in memory before they are written (one Parquet part file each)."""


@dataclass(frozen=True)
class AuditExportSummary:
    first_block: int
    last_block: int
    events: int
    """Events this run appended."""


def export_events(datadir: Path, out: Path, chosen_format: str) -> AuditExportSummary:
    """Append the events of the blocks after the export's last one (all, for a new export);
    with no new block, only what an interrupted run left beyond the manifest is removed."""
    if chosen_format not in FORMATS:
        raise ValueError(f"unknown export format {chosen_format!r} (jsonl, csv or parquet)")
    manifest = read_manifest(out)
    decoder = EventDecoder()
    with open_ledger(datadir) as ledger:
        head = ledger.head
        if manifest is not None:
            check_continuation(
                manifest,
                chosen_format,
                ledger.genesis_hash,
                ledger.hash_at(manifest.last_block),
                head.block_number,
            )
        involvement = Involvement() if manifest is None else load_involvement(manifest.involvement)
        out.mkdir(parents=True, exist_ok=True)
        writer = make_writer(chosen_format, out, decoder)
        writer.restore({} if manifest is None else manifest.files)
        first = 1 if manifest is None else manifest.last_block + 1
        if manifest is not None and first > head.block_number:
            return AuditExportSummary(first, head.block_number, 0)
        run = 1 if manifest is None else manifest.runs + 1
        written = _write_run(ledger, writer, first, head.block_number, involvement, decoder, run)
        write_manifest(
            out,
            Manifest(
                format=chosen_format,
                genesis_hash=ledger.genesis_hash,
                last_block=head.block_number,
                last_hash=bytes(head.hash),
                runs=run,
                files=writer.files(),
                involvement=dump_involvement(involvement),
            ),
        )
    summary = AuditExportSummary(first, head.block_number, written)
    logger.info(
        "audit export done",
        extra={"fields": {"first": first, "last": head.block_number, "events": written}},
    )
    return summary


def _write_run(
    ledger: OpenLedger,
    writer: ExportWriter,
    first: int,
    last: int,
    involvement: Involvement,
    decoder: EventDecoder,
    run: int,
) -> int:
    if first > last:
        return 0
    batch: list[LedgerEvent] = []
    written = parts = 0
    for event in ledger_events(ledger, first, last, involvement, decoder):
        batch.append(event)
        if len(batch) == EVENTS_PER_PART:
            parts += 1
            writer.write(batch, f"part-{run:06d}-{parts:04d}")
            written += len(batch)
            batch = []
    if batch:
        parts += 1
        writer.write(batch, f"part-{run:06d}-{parts:04d}")
        written += len(batch)
    return written
