"""Audit replay speed vs the node's own block import, on the same chain in the same run.

The chain: ``--txs`` transactions (100,000 by default) in blocks of ``--txs-per-block``, four in
five ``Recorder.record(key, value)`` contract calls (one storage write, one event) from many
accounts and one in five 1-wei transfers from the genesis' funded accounts, built in process by
the node's own block builder (``Ledger.build_block`` + ``commit_sealed``, the code a validator
runs) into a one-validator data directory, then written with ``dcl export-chain``.

Figures, from this run, on the same chain file:

1. node: ``dcl import-chain --genesis G --datadir NEW CHAIN.rlp``, the node importing a chain
   (every seal checked, every block executed and written with its indexes).
2. audit: ``dcl audit replay --genesis G --chain CHAIN.rlp``, the regulator's replay (every
   check of ``node/audit/checks.py``, every block executed and written to a scratch LevelDB).

Both are timed as whole processes (start-up and genesis included, the same for both); the
rounds are interleaved and each figure is the median of its rounds. The target: the replay at
least 80% of the import's speed.

Usage: ``.venv/bin/python benchmarks/replay.py [--txs 100000] [--txs-per-block 500]
[--rounds 1] [--workdir DIR]``; ``--txs 2000`` is a quick check. A workdir whose chain is
already built is reused (building 100,000 transactions takes minutes); the figures count the
blocks and transactions of the chain file itself.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rlp
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from benchmarks.throughput import accounts, bootstrap, deploy_recorder_raw, record_calldata
from node.chain.chain_file import split_blocks
from node.chain.header import commit_seal_digest
from node.chain.ledger import Ledger
from node.chain.seals import address_of, sign_digest
from node.chain_transfer import export_chain
from node.datadir import DataDir
from node.storage.leveldb import LevelDB
from tests.support.node_process import make_network

CALL_SENDERS = 100
TRANSFER_EVERY = 5
ZERO_FEES = {"maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
CHAIN_FILE = "chain.rlp"


def funded_accounts(workdir: Path) -> list[LocalAccount]:
    listed = json.loads((workdir / "network" / "dev-only-accounts.json").read_text())["accounts"]
    return [Account.from_key(entry["privateKey"]) for entry in listed]


def sign_transactions(
    total: int, contract: bytes, chain_id: int, funded: list[LocalAccount]
) -> list[bytes]:
    """Calls round-robin over many senders; every fifth transaction a 1-wei transfer."""
    senders = accounts(CALL_SENDERS)
    nonces: dict[str, int] = {}
    raws = []
    for index in range(total):
        if index % TRANSFER_EVERY == TRANSFER_EVERY - 1:
            account = funded[index // TRANSFER_EVERY % len(funded)]
            fields = {"to": keccak(index.to_bytes(8, "big"))[12:], "gas": 21_000, "value": 1}
        else:
            account = senders[index % len(senders)]
            fields = {"to": contract, "gas": 100_000, "value": 0, "data": record_calldata(index)}
        nonce = nonces.get(account.address, 0)
        nonces[account.address] = nonce + 1
        tx = {"type": 2, "chainId": chain_id, "nonce": nonce, **fields, **ZERO_FEES}
        raws.append(bytes(account.sign_transaction(tx).raw_transaction))
    return raws


def build_chain(workdir: Path, total: int, per_block: int) -> Path:
    datadir = make_network(workdir, accounts=5, bootstrap=bootstrap(accounts(CALL_SENDERS)))
    data = DataDir(datadir)
    genesis = data.load_genesis()
    key = data.load_key()
    deploy, contract = deploy_recorder_raw(genesis.chain_id, ZERO_FEES)
    print(f"signing {total} transactions ...", flush=True)
    raws = sign_transactions(total, contract, genesis.chain_id, funded_accounts(workdir))
    db = LevelDB(data.chaindata)
    try:
        ledger = Ledger(db, genesis)
        builder = ledger.transaction_builder
        blocks = 1 + -(-total // per_block)
        timestamp = max(ledger.head().timestamp, int(time.time()) - blocks - 10)
        started = time.perf_counter()
        for first in [-1, *range(0, total, per_block)]:
            chunk = [deploy] if first < 0 else raws[first : first + per_block]
            timestamp += 1
            txs = [builder.decode(raw) for raw in chunk]
            built = ledger.build_block(txs, coinbase=address_of(key), timestamp=timestamp)
            assert not built.rejected and not built.deferred, (built.rejected, built.deferred)
            seal = sign_digest(key, commit_seal_digest(built.block.header))
            ledger.commit_sealed(built, [seal])
            done = max(first, 0) + len(chunk)
            rate = done / (time.perf_counter() - started)
            print(f"  built block {ledger.head().block_number}: {done} txs ({rate:.0f} tx/s)")
    finally:
        db.close()
    chain = workdir / CHAIN_FILE
    export_chain(datadir, chain)
    return chain


def chain_size(chain: Path) -> tuple[int, int]:
    """Blocks after genesis and their transactions, counted in the file itself (a reused
    workdir may hold a chain of another size)."""
    blocks = transactions = 0
    for _, encoded in split_blocks(chain.read_bytes()):
        transactions += len(rlp.decode(encoded)[1])
        blocks += 1
    return blocks - 1, transactions


def timed_dcl(*arguments: str | Path) -> float:
    command = [sys.executable, "-m", "node.cli", "--log-level", "warning", *map(str, arguments)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--txs", type=int, default=100_000)
    parser.add_argument("--txs-per-block", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dcl-replay-bench-"))
    chain = workdir / CHAIN_FILE
    genesis = workdir / "network" / "genesis.json"
    try:
        if not chain.exists():
            if workdir.exists() and any(workdir.iterdir()):
                shutil.rmtree(workdir)
            started = time.perf_counter()
            build_chain(workdir, args.txs, args.txs_per_block)
            print(f"chain built in {time.perf_counter() - started:.0f} s", flush=True)
        blocks, transactions = chain_size(chain)
        seconds: dict[str, list[float]] = {"import": [], "replay": []}
        for round_number in range(1, args.rounds + 1):
            target = workdir / f"import-{round_number}"
            seconds["import"].append(
                timed_dcl("import-chain", "--genesis", genesis, "--datadir", target, chain)
            )
            shutil.rmtree(target)
            seconds["replay"].append(
                timed_dcl("audit", "replay", "--genesis", genesis, "--chain", chain)
            )
            print(
                f"round {round_number}: import {seconds['import'][-1]:.1f} s,"
                f" replay {seconds['replay'][-1]:.1f} s",
                flush=True,
            )
        node, audit = (statistics.median(values) for values in seconds.values())
        transfers = (transactions - 1) // TRANSFER_EVERY
        print(
            f"chain: {transactions} transactions ({transactions - 1 - transfers} Recorder.record"
            f" calls, {transfers} transfers, 1 deployment) in {blocks} blocks after genesis"
        )
        for name, value in (("node: dcl import-chain", node), ("audit: dcl audit replay", audit)):
            print(
                f"{name:26} {value:8.1f} s  {blocks / value:7.2f} blocks/s"
                f"  {transactions / value:8.1f} tx/s"
            )
        print(f"replay / import            {node / audit:8.1%}   (target >= 80%)")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
