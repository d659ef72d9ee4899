"""Finalised contract calls per second on 4 validators + 1 observer, beside one node.

Both figures come from the same run and the same kind of calls: ``Recorder.record(key,
value)`` (one storage write, one event), signed by many accounts.

1. single node: a one-validator node process fed over JSON-RPC (``benchmarks/throughput.py``'s
   measurement).
2. network: four validator processes and one observer on loopback (each executes every block);
   the calls are spread over the four validators' JSON-RPC in batches and count once the
   observer holds their receipts. Maximum rate: everything submitted at once.
3. latency: calls paced at 50% of the network's maximum for ``--latency-seconds``; each call's
   submit-to-finality time is the moment a validator's head first contains it (polled every
   20 ms) minus the moment it was submitted; p50 and p99.

Usage: ``.venv/bin/python benchmarks/network.py [--txs 3000] [--request-timeout 4]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
from eth_utils import keccak

from benchmarks.throughput import (
    accounts,
    bench_node,
    bootstrap,
    deploy_recorder_raw,
    sign_calls,
    wait_receipt,
)
from genesis.generator import DEFAULT_CHAIN_ID
from tests.support.node_process import wait_for
from tests.support.qbft_processes import QbftNetwork, head_number
from tests.support.rpc import rpc

MAX_ROUND_TIMEOUT_SECONDS = 30
"""The node's default cap: under full load a large block can take validators longer than a
short cap allows, and every round would time out."""
ZERO_FEES = {"maxFeePerGas": 0, "maxPriorityFeePerGas": 0}


def submit(url: str, raws: list[bytes]) -> list[float]:
    """Send ``raws`` in one JSON-RPC batch; the submission time of each."""
    body = [
        {"jsonrpc": "2.0", "id": i, "method": "eth_sendRawTransaction", "params": ["0x" + r.hex()]}
        for i, r in enumerate(raws)
    ]
    sent = time.monotonic()
    replies = requests.post(url, json=body, timeout=120).json()
    errors = [r["error"] for r in replies if "error" in r]
    if errors:
        raise RuntimeError(f"{len(errors)} submissions refused, first: {errors[0]}")
    return [sent] * len(raws)


def start_network(workdir: Path, request_timeout: int, senders: int) -> QbftNetwork:
    network = QbftNetwork.create(
        workdir, 4, request_timeout=request_timeout, bootstrap=bootstrap(accounts(senders))
    )
    network.max_round_timeout = str(MAX_ROUND_TIMEOUT_SECONDS)
    network.add_observer()
    network.start_all()
    network.start(network.observers[0])
    wait_for(lambda: head_number(network.observers[0]) >= 2, timeout=120)
    return network


def urls(network: QbftNetwork) -> list[str]:
    return [m.process.rpc_url for m in network.validators if m.process is not None]


def bench_max(network: QbftNetwork, raws: list[bytes], batch: int, senders: int) -> float:
    targets = urls(network)
    observer = network.observers[0].process
    assert observer is not None
    chunks = [raws[i : i + batch] for i in range(0, len(raws), batch)]
    start = time.perf_counter()

    def feed(k: int) -> None:
        for chunk in chunks[k :: len(targets)]:
            submit(targets[k], chunk)

    threads = [threading.Thread(target=feed, args=(k,)) for k in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for raw in raws[-senders:]:
        wait_receipt(observer.rpc_url, "0x" + keccak(raw).hex(), timeout=300)
    return len(raws) / (time.perf_counter() - start)


def bench_latency(
    network: QbftNetwork, raws: list[bytes], rate: float, seconds: float
) -> tuple[float, float, int]:
    targets = urls(network)
    submitted: dict[str, float] = {}
    finalised: dict[str, float] = {}
    total = min(len(raws), int(rate * seconds))
    done = threading.Event()

    def watch() -> None:
        url = targets[0]
        seen = int(str(rpc(url, "eth_blockNumber")), 16)
        while not done.is_set() or len(finalised) < total:
            head = int(str(rpc(url, "eth_blockNumber")), 16)
            now = time.monotonic()
            for number in range(seen + 1, head + 1):
                block = rpc(url, "eth_getBlockByNumber", hex(number), False)
                for tx_hash in block["transactions"]:  # type: ignore[index]
                    finalised.setdefault(str(tx_hash), now)
            seen = head
            time.sleep(0.02)
            if done.is_set() and time.monotonic() > deadline:
                break

    deadline = float("inf")
    watcher = threading.Thread(target=watch)
    watcher.start()
    tick = 0.1
    per_tick = max(1, round(rate * tick))
    start = time.monotonic()
    for index, offset in enumerate(range(0, total, per_tick)):
        due = start + index * tick
        time.sleep(max(0.0, due - time.monotonic()))
        chunk = raws[offset : offset + per_tick]
        times = submit(targets[index % len(targets)], chunk)
        for raw, at in zip(chunk, times, strict=True):
            submitted["0x" + keccak(raw).hex()] = at
    deadline = time.monotonic() + 60
    done.set()
    watcher.join()
    latencies = sorted(finalised[h] - submitted[h] for h in submitted if h in finalised)
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return p50, p99, len(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--txs", type=int, default=3000)
    parser.add_argument("--accounts", type=int, default=40)
    parser.add_argument("--batch", type=int, default=100, help="calls per JSON-RPC batch")
    parser.add_argument("--latency-seconds", type=float, default=20.0)
    parser.add_argument(
        "--request-timeout", type=int, default=4, help="genesis requesttimeoutseconds"
    )
    args = parser.parse_args()
    senders = accounts(args.accounts)
    single, _ = bench_node(args.txs, senders, args.batch)
    print(f"single node: {single:.0f} tx/s", flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="dcl-network-bench-"))
    network = start_network(workdir, args.request_timeout, args.accounts)
    try:
        deploy, contract = deploy_recorder_raw(DEFAULT_CHAIN_ID, ZERO_FEES)
        url = urls(network)[0]
        wait_receipt(url, str(rpc(url, "eth_sendRawTransaction", "0x" + deploy.hex())))
        raws = sign_calls(senders, args.txs, contract, DEFAULT_CHAIN_ID, ZERO_FEES)
        maximum = bench_max(network, raws, args.batch, len(senders))
        print(f"network maximum: {maximum:.0f} tx/s", flush=True)
        latency_calls = int(maximum * 0.5 * args.latency_seconds)
        later = sign_calls(senders, args.txs + latency_calls, contract, DEFAULT_CHAIN_ID, ZERO_FEES)
        p50, p99, counted = bench_latency(
            network, later[args.txs :], maximum * 0.5, args.latency_seconds
        )
    finally:
        for member in network.running():
            assert member.process is not None
            (workdir / f"{member.datadir.name}.log").write_text("".join(member.process.log_lines))
        network.stop_all()
        print(f"node logs: {workdir}/*.log")
    print(
        f"calls: Recorder.record() from {args.accounts} accounts, block period 1 s,"
        f" request timeout {args.request_timeout} s"
    )
    print(f"single node (1 validator)               {single:8.1f} tx/s")
    print(f"4 validators + 1 observer, maximum      {maximum:8.1f} tx/s")
    print(f"network / single node                   {maximum / single:8.1%}   (target >= 25%)")
    print(
        f"latency at {maximum * 0.5:.0f} tx/s ({counted} calls)   p50 {p50:.2f} s  p99 {p99:.2f} s"
    )


if __name__ == "__main__":
    main()
