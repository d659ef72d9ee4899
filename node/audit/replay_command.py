"""The command-line shell of ``dcl audit replay``: options, output, report file, exit code."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from node.audit.block_source import ChainFileSource, DataDirSource
from node.audit.progress import TerminalProgress
from node.audit.replay import Replayer, ReplayResult, open_replay_ledger
from node.chain.genesis import load_genesis
from node.datadir import DataDirError, init_datadir

FAILED_EXIT_CODE = 2
"""The chain failed a check (1 means the replay could not run at all)."""


def add_replay_command(commands: Any) -> None:
    replay = commands.add_parser(
        "replay",
        help="re-execute every block from genesis in a fresh state and verify it",
        description="Re-execute every block from genesis in a fresh state. Checks, in order:"
        " decoding, parent-link, seals, proposer, timestamp, header-fields, transactions-root,"
        " permissioning, transaction-validity, gas-used, receipts-root, logs-bloom, state-root,"
        " requests-hash (seals and proposer on QBFT chains only, permissioning where the"
        " genesis switches it on). Exits 2 naming the first bad block and its first failed"
        " check.",
    )
    replay.add_argument("--genesis", type=Path, required=True, help="the genesis file trusted")
    source = replay.add_mutually_exclusive_group(required=True)
    source.add_argument("--chain", type=Path, metavar="FILE.rlp", help="a chain file")
    source.add_argument(
        "--datadir", type=Path, help="a stopped node's data directory (or a copy of one)"
    )
    replay.add_argument("--report", type=Path, metavar="OUT.json", help="write a JSON report")
    replay.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="replay into a new data directory DIR and keep it (default: a temporary one)",
    )
    replay.set_defaults(handler=cmd_replay)


def cmd_replay(args: argparse.Namespace) -> int:
    genesis = load_genesis(args.genesis)
    source = ChainFileSource(args.chain) if args.chain else DataDirSource(args.datadir)
    scratch = None
    try:
        if args.keep is not None:
            if args.keep.exists() and any(args.keep.iterdir()):
                raise DataDirError(f"{args.keep} is not empty: --keep needs a new directory")
            chaindata = init_datadir(args.keep, args.genesis).chaindata
        else:
            scratch = Path(tempfile.mkdtemp(prefix="dcl-replay-"))
            chaindata = scratch / "chaindata"
        db, ledger = open_replay_ledger(chaindata, genesis)
        try:
            progress = TerminalProgress(sys.stderr, source.count()) if sys.stderr.isatty() else None
            result = Replayer(ledger, source=source.description).run(
                source, None if progress is None else progress.update
            )
            if progress is not None:
                progress.finish()
        finally:
            db.close()
    finally:
        source.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.report is not None:
        args.report.write_text(json.dumps(result.to_json(), indent=2) + "\n")
    print(summary(result))
    if result.failure is not None:
        failure = result.failure
        print(
            f"dcl: audit replay: block #{failure.block} failed check {failure.check}:"
            f" {failure.detail}",
            file=sys.stderr,
        )
        return FAILED_EXIT_CODE
    return 0


def summary(result: ReplayResult) -> str:
    rate = ""
    if result.seconds > 0:
        rate = (
            f" ({result.blocks / result.seconds:.1f} blocks/s,"
            f" {result.transactions / result.seconds:.1f} tx/s)"
        )
    verdict = "verified" if result.ok else "verified before the failure"
    return (
        f"replayed {result.blocks} blocks, {result.transactions} transactions"
        f" in {result.seconds:.1f} s{rate}\n"
        f"{verdict}: head #{result.head_number} 0x{result.head_hash.hex()}"
        f" state root 0x{result.head_state_root.hex()}"
    )
