"""eth_getLogs over a million logs: the log index vs a scan of the receipts.

The chain: ``LogBurst.burst(100 * k, 100)`` for k = 0 .. 9,999, ten thousand transactions
emitting 100 ``Tick(tag, seq, n)`` events each (1,000,000 logs), built in process by the node's
own block builder (``Ledger.build_block`` + ``commit_sealed``, the code a validator runs) in
blocks of ``--txs-per-block`` calls, into a real validator data directory. Tag ``t`` is
``(100 * k + n) % 1000``, so each tag is carried by exactly 1,000 logs, one every tenth call.

The query: ``eth_getLogs`` from block 0 to the head with ``topics: [Tick, tag 7]`` (what
ethers' ``queryFilter(contract.filters.Tick(7))`` sends), matching 1,000 logs; the range
limit is raised with ``--rpc-max-log-range`` to cover any chain length.

Figures, all from this run, all on the same LevelDB and returning identical logs:

1. index in process: ``node.rpc.log_filter.find_logs``, the function eth_getLogs runs.
2. peer, receipt scan in process: the same query answered the way a node without a log index
   must (and this node did before its log index held positions): read each block of the range
   and its receipts, test every log, format the matches. Each run uses a fresh chain reader,
   since no node can keep a million logs' receipts decoded; LevelDB's own cache stays warm.
3. node over JSON-RPC: a real ``dcl run`` process on the data directory answers the query
   over HTTP (request, index lookup, JSON encoding, transfer): the figure a client sees.

Usage: ``.venv/bin/python benchmarks/getlogs.py [--calls 10000] [--logs-per-call 100]
[--txs-per-block 400] [--runs 5] [--workdir DIR]``. A workdir whose chain is already built is
reused (building takes minutes); without ``--workdir`` a temporary one is used and removed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from node.artifacts import load_artifact
from node.chain.chain_reader import ChainReader
from node.chain.header import commit_seal_digest
from node.chain.ledger import Ledger
from node.chain.seals import address_of, sign_digest
from node.datadir import DataDir
from node.rpc.format import log_json, tx_location
from node.rpc.limits import RpcLimits
from node.rpc.log_filter import find_logs
from node.rpc.params import LogFilter, log_filter
from node.storage.leveldb import LevelDB
from tests.support.node_process import make_network, running_node
from tests.support.rpc import rpc

TICK_TOPIC = "0x" + keccak(text="Tick(uint256,uint256,uint256)").hex()
BURST = keccak(text="burst(uint256,uint256)")[:4]
TAG = 7
GAS_PER_LOG = 2_500
DONE_MARKER = "chain-built"


def tag_topic(tag: int) -> str:
    return "0x" + tag.to_bytes(32, "big").hex()


def sender(index: int) -> LocalAccount:
    return Account.from_key(keccak(f"getlogs-benchmark-{index}".encode()))


def sign(account: LocalAccount, nonce: int, chain_id: int, **fields: Any) -> bytes:
    tx = {"chainId": chain_id, "nonce": nonce, "gasPrice": 0, "value": 0, **fields}
    return bytes(account.sign_transaction(tx).raw_transaction)


def build_chain(datadir: Path, calls: int, logs_per_call: int, txs_per_block: int) -> None:
    """Deploy LogBurst, then ``calls`` bursts, one sender per block, sealed by the validator."""
    data = DataDir(datadir)
    genesis = data.load_genesis()
    key = data.load_key()
    db = LevelDB(data.chaindata)
    ledger = Ledger(db, genesis)
    builder = ledger.transaction_builder
    timestamp = ledger.head().timestamp
    started = time.perf_counter()

    def seal(raws: list[bytes]) -> None:
        nonlocal timestamp
        timestamp += 1
        txs = [builder.decode(raw) for raw in raws]
        built = ledger.build_block(txs, coinbase=address_of(key), timestamp=timestamp)
        assert not built.rejected and not built.deferred, (built.rejected, built.deferred)
        ledger.commit_sealed(built, [sign_digest(key, commit_seal_digest(built.block.header))])

    deployer = sender(-1)
    bytecode = load_artifact("LogBurst").bytecode
    seal([sign(deployer, 0, genesis.chain_id, gas=1_000_000, data=bytecode)])
    contract = keccak(b"\xd6\x94" + bytes.fromhex(deployer.address[2:]) + b"\x80")[12:]
    gas = 60_000 + GAS_PER_LOG * logs_per_call
    for block_index, first_call in enumerate(range(0, calls, txs_per_block)):
        account = sender(block_index)
        raws = [
            sign(
                account,
                nonce,
                genesis.chain_id,
                to=contract,
                gas=gas,
                data=BURST
                + abi_encode(["uint256", "uint256"], [logs_per_call * call, logs_per_call]),
            )
            for nonce, call in enumerate(range(first_call, min(first_call + txs_per_block, calls)))
        ]
        seal(raws)
        head = ledger.head().block_number
        rate = (first_call + len(raws)) / (time.perf_counter() - started)
        print(
            f"  built block {head}: {first_call + len(raws)} calls ({rate:.0f} calls/s)", flush=True
        )
    db.close()
    (datadir / DONE_MARKER).write_text("built\n")


def scan_receipts(
    reader: ChainReader, criteria: LogFilter, first: int, last: int
) -> list[dict[str, Any]]:
    """The peer: every receipt of every block of the range, every log tested."""
    found = []
    for number in range(first, last + 1):
        header = reader.header_by_number(number)
        assert header is not None
        block = reader.block(header)
        log_index = 0
        for index, (tx, receipt) in enumerate(
            zip(block.transactions, reader.receipts(header), strict=True)
        ):
            location = tx_location(header, index)
            for log in receipt.logs:
                topics = [topic.to_bytes(32, "big") for topic in log.topics]
                if criteria.matches(log.address, topics):
                    found.append(log_json(log, tx, location, log_index))
                log_index += 1
    return found


def timed(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median milliseconds over ``runs`` calls, and the last result."""
    durations = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--logs-per-call", type=int, default=100)
    parser.add_argument("--txs-per-block", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dcl-getlogs-"))
    datadir = workdir / "validator-1"
    try:
        if not (datadir / DONE_MARKER).exists():
            if workdir.exists() and any(workdir.iterdir()):
                shutil.rmtree(workdir)
            print(
                f"building {args.calls} calls x {args.logs_per_call} logs in {workdir} ...",
                flush=True,
            )
            started = time.perf_counter()
            blocks = -(-args.calls // args.txs_per_block)
            make_network(
                workdir,
                bootstrap=[bytes.fromhex(sender(i).address[2:]) for i in range(-1, blocks)],
            )
            build_chain(datadir, args.calls, args.logs_per_call, args.txs_per_block)
            print(f"chain built in {time.perf_counter() - started:.0f} s", flush=True)
        measure(datadir, args.runs)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def measure(datadir: Path, runs: int) -> None:
    data = DataDir(datadir)
    genesis = data.load_genesis()
    db = LevelDB(data.chaindata)
    reader = ChainReader(db, genesis)
    head = reader.head().block_number
    request = {"fromBlock": "0x0", "toBlock": hex(head), "topics": [TICK_TOPIC, tag_topic(TAG)]}
    criteria = log_filter(request)
    limits = RpcLimits(max_log_block_range=max(head, 1))
    total_logs = sum(1 for _ in db.iterate_range(b"dcl:log:r:", b"dcl:log:r;"))
    print(f"chain: {head} blocks, {total_logs} logs")
    print(f"query: topics [Tick, tag {TAG}] over blocks 0..{head}", flush=True)
    index_ms, indexed = timed(lambda: find_logs(reader, criteria, limits), runs)
    print(f"matching logs: {len(indexed)}")
    print(f"node, log index in process (find_logs)  median {index_ms:8.1f} ms  ({runs} runs)")
    scan_runs = max(1, runs // 2)
    scan_ms, scanned = timed(
        lambda: scan_receipts(ChainReader(db, genesis), criteria, 0, head), scan_runs
    )
    print(f"peer, receipt scan in process           median {scan_ms:8.1f} ms  ({scan_runs} runs)")
    db.close()
    assert indexed == scanned, "the index and the receipt scan disagree"
    with running_node(
        datadir, "--no-empty-blocks", "--rpc-max-log-range", str(max(head, 1))
    ) as node:
        rpc_ms, served = timed(lambda: rpc(node.rpc_url, "eth_getLogs", request), runs)
    assert served == indexed, "the node served other logs than find_logs found"
    print(f"node, eth_getLogs over JSON-RPC (HTTP)  median {rpc_ms:8.1f} ms  ({runs} runs)")
    print("all three returned the same logs")


if __name__ == "__main__":
    main()
