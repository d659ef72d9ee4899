"""Product search through the gateway over 100,000 listings, and the same question answered the
way a client without the gateway must: scan the log index for the product events and decode
them (``EventDecoder``) and fold them, in process (no JSON-RPC, which only adds to its cost).

The listings are real ABI-encoded ``ProductSubmitted`` / ``ProductApproved`` logs of the
DataProductRegistry proxy, written into a real LevelDB through the node's own log index and
domain index writers (``index_block_logs``, ``DomainIndexWriter``), 1,000 per block; the
gateway is the real aiohttp application on a loopback port over a ledger of the sample
consortium's genesis (sign-in and roles are real, read from that state once per caller and block).

Then the trade certificates' figures (``benchmarks/certificates.py``): generation and
verification rates on a chain of settled trades with a validator-set change, against plain
``eth_getProof``-style proofs of the same state.

Usage: ``.venv/bin/python benchmarks/gateway.py [--listings 100000] [--requests 200]
[--orders 200] [--samples 50]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from eth_abi import encode
from eth_utils import keccak

from benchmarks.certificates import main as certificate_figures
from client.contracts import encode_exchange_code, system_address
from client.domain_events import EventDecoder, raw_log
from client.registries_events import LISTED, RegistryState, apply_event
from genesis.consortium import load_consortium
from genesis.generator import write_network
from node.chain.ledger import Ledger
from node.datadir import DataDir, init_datadir
from node.gateway.app import create_gateway_app
from node.gateway.context import Gateway
from node.gateway.heads import HeadSignal
from node.gateway.limits import GatewayLimits
from node.storage.block_writes import PendingBlockWrites
from node.storage.domain_index import DomainIndexWriter
from node.storage.leveldb import LevelDB
from node.storage.log_index import index_block_logs, matching_logs
from tests.support.gateway import GatewayClient
from tests.support.market_node import operator
from tests.support.node_process import SAMPLE_CONSORTIUM

T = TypeVar("T")
PRODUCTS = bytes.fromhex(system_address("DataProductRegistry")[2:])
SUBMITTED = keccak(
    text="ProductSubmitted(uint256,address,bytes32,uint32,(string,bytes32,uint8,uint8,bool,uint8,uint8,uint8,uint128,bytes3,bytes32,bytes32,string,bool,address))"
)
APPROVED = keccak(text="ProductApproved(uint256,uint32,bytes32,address)")
TERMS = (
    "(string,bytes32,uint8,uint8,bool,uint8,uint8,uint8,uint128,bytes3,bytes32,bytes32,string,"
    "bool,address)"
)
EXCHANGES = ("SHDE", "SZDE", "BJIDE", "GZDE")
WORDS = ("port", "retail", "energy", "weather", "credit", "traffic", "health", "grain")
RARE = "zircon"
SUPPLIER = "0x" + "11" * 20
LISTINGS_PER_BLOCK = 1_000


@dataclass
class Log:
    address: bytes
    topics: tuple[int, ...]
    data: bytes


@dataclass
class Receipt:
    logs: tuple[Log, ...]


def _topic(value: bytes) -> int:
    return int.from_bytes(value, "big")


def listing_logs(product_id: int) -> list[Log]:
    exchange = encode_exchange_code(EXCHANGES[product_id % len(EXCHANGES)])
    title = f"{WORDS[product_id % len(WORDS)]} series {product_id}"
    if product_id % 10_000 == 7:
        title += f" {RARE}"
    terms = (title, keccak(text=WORDS[product_id % len(WORDS)]), 0, 0, False, 1,
             2 + (product_id % 2) * 4, 0, 1_000 + product_id, b"CNY", b"\x01" * 32,
             b"\x02" * 32, "https://catalogue.example", True, SUPPLIER)  # fmt: skip
    topics = (_topic(SUBMITTED), product_id, _topic(bytes(12) + bytes.fromhex(SUPPLIER[2:])),
              _topic(exchange))  # fmt: skip
    logs = [Log(PRODUCTS, topics, encode(["uint32", TERMS], [1, terms]))]
    if product_id % 2:
        approved = (_topic(APPROVED), product_id)
        data = encode(["uint32", "bytes32", "address"], [1, exchange, "0x" + "22" * 20])
        logs.append(Log(PRODUCTS, approved, data))
    return logs


def build_index(db: LevelDB, listings: int) -> None:
    writer = DomainIndexWriter(db)
    for block, first in enumerate(range(1, listings + 1, LISTINGS_PER_BLOCK), start=1):
        receipts = [
            Receipt(tuple(listing_logs(i)))
            for i in range(first, min(first + LISTINGS_PER_BLOCK, listings + 1))
        ]
        hashes = [
            keccak(block.to_bytes(8, "big") + i.to_bytes(4, "big")) for i in range(len(receipts))
        ]
        writes = PendingBlockWrites(db)
        index_block_logs(writes, block, hashes, receipts)  # type: ignore[arg-type]
        writer.index_block(writes, block, hashes, receipts)  # type: ignore[arg-type]
        writes.flush()


class BenchBackend:
    def __init__(self, ledger: Ledger, db: LevelDB) -> None:
        self.ledger, self.database, self.chain_id = ledger, db, ledger.chain_id
        self._pool = ThreadPoolExecutor(2)

    async def submit_raw_transaction(self, raw: bytes) -> Any:
        raise NotImplementedError("the benchmark only reads")

    def pooled_transaction(self, tx_hash: bytes) -> None:
        return None

    async def run_query(self, function: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, function)


def serve(app: web.Application) -> tuple[str, Callable[[], None]]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(app, access_log=None)
    asyncio.run_coroutine_threadsafe(runner.setup(), loop).result()
    asyncio.run_coroutine_threadsafe(web.TCPSite(runner, "127.0.0.1", 0).start(), loop).result()
    host, port = runner.addresses[0][:2]

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result()
        loop.call_soon_threadsafe(loop.stop)

    return f"http://{host}:{port}", stop


def scan_and_fold(
    db: LevelDB, last_block: int, admits: Callable[[dict[str, Any]], bool], limit: int
) -> list[int]:
    """The peer: every product event from the log index, decoded and folded, then filtered."""
    decoder = EventDecoder()
    state = RegistryState()
    for log in matching_logs(db, 0, last_block, [PRODUCTS], []):
        event = decoder.decode(raw_log(log.address, log.topics, log.data))
        apply_event(state, event.name, dict(event.args))
    return [pid for pid, product in sorted(state.products.items()) if admits(product)][:limit]


def measure(call: Callable[[], Any], count: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of ``count`` sequential calls."""
    latencies = []
    started = time.perf_counter()
    for _ in range(count):
        begin = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - begin) * 1000)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return count / elapsed, statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--peer-runs", type=int, default=3)
    parser.add_argument("--orders", type=int, default=200, help="settled trades (certificates)")
    parser.add_argument("--samples", type=int, default=50, help="certificates built and verified")
    args = parser.parse_args()
    search_figures(args)
    certificate_figures(["--orders", str(args.orders), "--samples", str(args.samples)])


def search_figures(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_network(
            root / "network",
            validators=1,
            consortium=load_consortium(SAMPLE_CONSORTIUM),
            dev_only_keys=True,
        )
        init_datadir(
            root / "node",
            root / "network" / "genesis.json",
            root / "network" / "validator-1" / "key",
        )
        data = DataDir(root / "node")
        db = LevelDB(data.chaindata)
        ledger = Ledger(db, data.load_genesis())
        started = time.perf_counter()
        build_index(db, args.listings)
        built = time.perf_counter() - started
        last_block = (args.listings + LISTINGS_PER_BLOCK - 1) // LISTINGS_PER_BLOCK
        print(
            f"indexed {args.listings} listings in {built:.1f} s"
            f" ({args.listings / built:.0f} listings/s into the log and domain indexes)"
        )
        state = Gateway(
            BenchBackend(ledger, db), GatewayLimits(rate_per_second=1e6, burst=10**6), HeadSignal(0)
        )  # type: ignore[arg-type]
        url, stop = serve(create_gateway_app(state))
        try:
            client = GatewayClient(url)
            token = client.sign_in(operator("SHDE"))
            queries: dict[str, tuple[dict[str, str], Callable[[dict[str, Any]], bool]]] = {
                "exchange=SZDE&status=listed, first 20": (
                    {"exchange": "SZDE", "status": "listed", "limit": "20"},
                    lambda p: (
                        p["listingExchange"] == encode_exchange_code("SZDE")
                        and p["status"] == LISTED
                    ),
                ),
                f"q={RARE} (one title in 10,000), first 20": (
                    {"q": RARE, "limit": "20"},
                    lambda p: RARE in p["terms"]["title"],
                ),
            }
            for label, (params, admits) in queries.items():
                answer = client.get("/v1/products", token, **params).json()["items"]
                ours = [p["productId"] for p in answer]
                peer_ids = scan_and_fold(db, last_block, admits, int(params["limit"]))
                assert ours == peer_ids, (ours, peer_ids)
                count = args.requests if "exchange" in params else max(10, args.requests // 10)
                rate, p50, p99 = measure(
                    partial(client.get, "/v1/products", token, **params), count
                )
                peer_times = []
                for _ in range(args.peer_runs):
                    begin = time.perf_counter()
                    scan_and_fold(db, last_block, admits, int(params["limit"]))
                    peer_times.append(time.perf_counter() - begin)
                peer = statistics.median(peer_times)
                print(f"{label}: {len(ours)} results")
                print(
                    f"  gateway (HTTP, token checked, roles per block) {rate:8.1f} req/s"
                    f"  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
                )
                print(
                    f"  peer: log index scan + decode + fold          {1 / peer:8.2f} req/s"
                    f"  each {peer * 1000:9.1f} ms (median of {args.peer_runs})"
                )
        finally:
            stop()
            db.close()


if __name__ == "__main__":
    main()
