"""``dcl audit report``: the market figures of a stopped node's chain as an HTML report (and
as JSON), read from genesis to the head."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from client.domain_events import Involvement
from node.audit.datadir_events import ledger_events, open_ledger
from node.audit.figures import MarketFigures
from node.audit.market_desk import report_chain
from node.audit.report_html import CHART_JS, render_report


@dataclass(frozen=True)
class ReportSummary:
    head: int
    events: int


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as sink:
            sink.write(text)
            sink.flush()
            os.fsync(sink.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_report(datadir: Path, out: Path, json_out: Path | None = None) -> ReportSummary:
    fold = MarketFigures()
    events = 0
    with open_ledger(datadir) as ledger:
        head = ledger.head
        for event in ledger_events(ledger, 1, head.block_number, Involvement()):
            fold.add(event)
            events += 1
        chain = report_chain(
            ledger.reader.chain_id,
            ledger.genesis_hash,
            head.block_number,
            bytes(head.hash),
            events,
        )
    figures = fold.figures()
    _write_atomically(out, render_report(figures, chain, CHART_JS.read_text(encoding="utf-8")))
    if json_out is not None:
        document = {"chain": chain, "figures": figures}
        _write_atomically(json_out, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    return ReportSummary(head.block_number, events)
