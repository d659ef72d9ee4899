"""The ``dcl audit export`` and ``dcl audit report`` subcommands (parsing and printing only)."""

from __future__ import annotations

import argparse
from pathlib import Path

from node.audit.export import export_events
from node.audit.manifest import FORMATS
from node.audit.report import write_report


def cmd_audit_export(args: argparse.Namespace) -> None:
    summary = export_events(args.datadir, args.out, args.format)
    if summary.first_block > summary.last_block:
        print(f"nothing new: {args.out} already holds blocks up to #{summary.last_block}")
        return
    print(
        f"exported {summary.events} events of blocks {summary.first_block}..{summary.last_block}"
        f" to {args.out} ({args.format})"
    )


def cmd_audit_report(args: argparse.Namespace) -> None:
    summary = write_report(args.datadir, args.out, args.json)
    also = f" and {args.json}" if args.json else ""
    print(f"wrote {args.out}{also}: {summary.events} events up to block #{summary.head}")


def add_commands(audit: argparse._SubParsersAction) -> None:
    exporter = audit.add_parser(
        "export", help="every domain event of a stopped node's chain, decoded (incremental)"
    )
    exporter.add_argument("--datadir", type=Path, required=True)
    exporter.add_argument("--out", type=Path, required=True, metavar="DIR")
    exporter.add_argument("--format", choices=FORMATS, required=True)
    exporter.set_defaults(handler=cmd_audit_export)

    report = audit.add_parser(
        "report", help="a self-contained HTML report of the market figures (and JSON)"
    )
    report.add_argument("--datadir", type=Path, required=True)
    report.add_argument("--out", type=Path, required=True, metavar="REPORT.html")
    report.add_argument("--json", type=Path, metavar="FIGURES.json", help="also the figures")
    report.set_defaults(handler=cmd_audit_report)
