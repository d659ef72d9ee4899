"""eth_blockNumber latency while the node builds 500-transaction blocks.

The node executes blocks on a worker thread so its event loop keeps answering; this prints the
latency percentiles of a steady stream of eth_blockNumber calls when idle and while blocks of
``--block-txs`` Recorder.record() calls are submitted (as one JSON-RPC batch) and built, and,
as the peer figure, how long each of those builds took: the stall a node that builds on its
event loop (as a naive asyncio design would) imposes on every request that arrives meanwhile.
Target: p99 under 50 ms while building.

Usage: ``.venv/bin/python benchmarks/rpc_latency.py [--blocks 4] [--block-txs 500]``
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
    bootstrap,
    deploy_recorder_raw,
    rpc,
    sign_calls,
    wait_receipt,
)
from node.chain.genesis import load_genesis
from tests.support.node_process import make_network, start_node

ZERO_FEES = {"maxFeePerGas": 0, "maxPriorityFeePerGas": 0}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def poll(url: str, stop: threading.Event, samples: list[float]) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}
    with requests.Session() as session:
        while not stop.is_set():
            start = time.perf_counter()
            session.post(url, json=body, timeout=30).raise_for_status()
            samples.append((time.perf_counter() - start) * 1000)
            time.sleep(0.005)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--block-txs", type=int, default=500)
    args = parser.parse_args()
    senders = accounts(50)
    datadir = make_network(
        Path(tempfile.mkdtemp(prefix="dcl-latency-")), bootstrap=bootstrap(senders)
    )
    chain_id = load_genesis(datadir / "genesis.json").chain_id
    node = start_node(datadir)
    try:
        url = node.rpc_url
        deploy, contract = deploy_recorder_raw(chain_id, ZERO_FEES)
        wait_receipt(url, str(rpc(url, "eth_sendRawTransaction", "0x" + deploy.hex())))
        raws = sign_calls(senders, args.blocks * args.block_txs, contract, chain_id, ZERO_FEES)

        idle: list[float] = []
        stop = threading.Event()
        poller = threading.Thread(target=poll, args=(url, stop, idle))
        poller.start()
        time.sleep(3)
        stop.set()
        poller.join()

        busy: list[float] = []
        for block in range(args.blocks):
            chunk = raws[block * args.block_txs : (block + 1) * args.block_txs]
            head = int(str(rpc(url, "eth_blockNumber")), 16)
            # Submit right after a block lands so that the whole chunk goes into the next one.
            while int(str(rpc(url, "eth_blockNumber")), 16) == head:
                time.sleep(0.01)
            body = [
                {"jsonrpc": "2.0", "id": i, "method": "eth_sendRawTransaction",
                 "params": ["0x" + raw.hex()]}
                for i, raw in enumerate(chunk)
            ]  # fmt: skip
            stop = threading.Event()
            samples: list[float] = []
            poller = threading.Thread(target=poll, args=(url, stop, samples))
            poller.start()
            requests.post(url, json=body, timeout=60).raise_for_status()
            last = "0x" + keccak(chunk[-1]).hex()
            receipt = wait_receipt(url, last)
            stop.set()
            poller.join()
            busy.extend(samples)
            block_info = rpc(url, "eth_getBlockByNumber", receipt["blockNumber"], False)
            count = len(block_info["transactions"])  # type: ignore[index]
            print(f"block {int(str(receipt['blockNumber']), 16)}: {count} txs", flush=True)
    finally:
        node.stop()
    durations = [
        float(line.split("build_ms=")[1].split()[0])
        for line in node.log_lines
        if 'msg="block sealed"' in line and f"txs={args.block_txs}" in line
    ]

    idle_line = f"p50 {statistics.median(idle):6.1f} ms  p99 {percentile(idle, 0.99):6.1f} ms"
    busy_line = f"p50 {statistics.median(busy):6.1f} ms  p99 {percentile(busy, 0.99):6.1f} ms"
    print(f"eth_blockNumber idle               {idle_line}  ({len(idle)} calls)")
    print(f"eth_blockNumber while building     {busy_line}  max {max(busy):6.1f} ms")
    stall = statistics.median(durations)
    print(f"peer: a loop-bound builder stalls every request for its build, {stall:.0f} ms")
    print("target: p99 while building < 50 ms")


if __name__ == "__main__":
    main()
