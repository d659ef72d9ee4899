"""The command-line shell of ``dcl audit verify-db``: open a stopped node's directory, print
the findings, write the report, set the exit code."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from node.audit.verify_db import VERIFY_CHECKS, VerifyResult, verify_db
from node.datadir import DataDir, DataDirError
from node.storage.leveldb import LevelDB

FAILED_EXIT_CODE = 2
"""Records were found altered (1 means the verification could not run at all)."""


def add_verify_db_command(commands: Any) -> None:
    verify = commands.add_parser(
        "verify-db",
        help="detect records of a stopped node's database altered after they were written",
        description="Checks, in order: " + ", ".join(VERIFY_CHECKS) + ". Exits 2 listing each"
        " altered record with the check that found it and its LevelDB key.",
    )
    verify.add_argument(
        "--datadir", type=Path, required=True, help="a stopped node's data directory (or a copy)"
    )
    verify.add_argument("--report", type=Path, metavar="OUT.json", help="write a JSON report")
    verify.set_defaults(handler=cmd_verify_db)


def cmd_verify_db(args: argparse.Namespace) -> int:
    data = DataDir(args.datadir)
    genesis = data.load_genesis()
    if not data.chaindata.is_dir():
        raise DataDirError(f"{data.chaindata} does not exist: {args.datadir} holds no chain")
    db = LevelDB(data.chaindata)
    try:
        result = verify_db(db, genesis)
    finally:
        db.close()
    if args.report is not None:
        args.report.write_text(json.dumps(result.to_json(), indent=2) + "\n")
    print(summary(result))
    for finding in result.findings:
        print(f"{finding.check} 0x{finding.key.hex()} {finding.detail}", file=sys.stderr)
    return 0 if result.ok else FAILED_EXIT_CODE


def summary(result: VerifyResult) -> str:
    head = f"head #{result.head_number} 0x{result.head_hash.hex()}"
    counted = f"{result.blocks} blocks, {result.transactions} transactions"
    if result.ok:
        return f"verified {counted}; {head}: every check passed"
    return f"checked {counted}; {head}: {len(result.findings)} altered records found"
