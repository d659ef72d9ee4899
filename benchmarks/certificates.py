"""Trade certificates: how many the node builds and a verifier checks per second.

The chain: the sample consortium's system contracts in genesis, four validators, ``--orders``
fixed-price trades settled in batches (order, accept, pay, deliver, confirm: one block each
per batch), the registry adding a fifth validator half-way, and ``--empty-blocks`` empty
blocks spread between the batches (a chain mostly made of quiet blocks, as a 2-second block
period makes it). Everything is built in process by the node's own ``Ledger`` on LevelDB,
with real signed transactions and real commit seals.

Figures, all from this run:

1. build, warm: ``build_trade_certificate`` for random settled orders with one
   ``ValidatorSetHistory`` kept across calls (the default: one per chain reader).
2. build, cold: the same with a fresh history each time, so every header since genesis is
   read again (a node's first certificate after it starts).
3. peer for building: an ``eth_getProof``-style proof (``node.chain.proofs.prove_account``,
   what eth_getProof serves) of the same four TradeSettlement slots against the head: the
   plain state proof a certificate contains and extends with seals, receipts and the
   validator-set chain.
4. verify: ``verify_certificate`` of those certificates against the genesis JSON, with the
   genesis hash computed each time (as one run of the command does) and with the trust
   anchor computed once and kept (as a gateway verifying many does).
5. peer for verifying: the same account and four storage proofs checked with py-trie's
   ``HexaryTrie.get_from_proof``, what a plain ``eth_getProof`` client does.

Usage: ``.venv/bin/python benchmarks/certificates.py [--orders 200] [--batch 20]
[--empty-blocks 2000] [--samples 50]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rlp
from eth_typing import Address
from eth_utils import keccak
from trie import HexaryTrie

from client.certificate import trust_anchor, verify_certificate
from client.certificate.layout import SETTLEMENT_ADDRESS, order_state_slots
from node.certificate import ValidatorSetHistory, build_trade_certificate
from node.chain.chain_reader import ChainReader
from node.chain.proofs import prove_account
from tests.support.certificate_chain import (
    BUYER_ACCOUNT,
    SELLER,
    MarketChain,
    add_fifth_validator,
    call,
    h,
    market_genesis,
    open_chain,
    operator,
    order_request,
    set_up_market,
)


def build_chain(chain: MarketChain, orders: int, batch: int, empty_blocks: int) -> None:
    set_up_market(chain)
    batches = max(1, orders // batch)
    for number in range(batches):
        first = number * batch + 1
        ids = range(first, first + batch)
        request = order_request(1, chain.timestamp)
        chain.block(*(call("TradeSettlement", "createOrder", BUYER_ACCOUNT, request) for _ in ids))
        chain.block(*(call("TradeSettlement", "accept", SELLER, i) for i in ids))
        chain.block(
            *(call("TradeSettlement", "pay", operator("SZDE"), i, 0, h(f"p{i}")) for i in ids)
        )
        chain.block(*(call("TradeSettlement", "deliver", SELLER, i, h(f"d{i}")) for i in ids))
        chain.block(*(call("TradeSettlement", "confirm", BUYER_ACCOUNT, i, 0) for i in ids))
        if number == batches // 2:
            add_fifth_validator(chain)
            chain.sealers = (2, 3, 4, 5)
        for _ in range(empty_blocks // batches):
            chain.block()


def rate(runs: int, action: Callable[[], Any]) -> float:
    """Actions per second, from the median of ``runs`` timed calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return 1 / statistics.median(times)


def plain_proof(reader: ChainReader, order_id: int) -> Any:
    head = reader.head()
    slots = order_state_slots(order_id, 0)
    return prove_account(reader.db, head.state_root, Address(SETTLEMENT_ADDRESS), slots)


def check_plain_proof(reader: ChainReader, proof: Any) -> None:
    root = reader.head().state_root
    nodes = [rlp.decode(node) for node in proof.account_proof]
    HexaryTrie.get_from_proof(root, keccak(proof.address), nodes)
    for entry in proof.storage_proofs:
        key = keccak(entry.slot.to_bytes(32, "big"))
        nodes = [rlp.decode(node) for node in entry.proof]
        HexaryTrie.get_from_proof(proof.storage_hash, key, nodes)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--empty-blocks", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args(argv)
    genesis = market_genesis()
    with tempfile.TemporaryDirectory() as workdir:
        chain = open_chain(Path(workdir) / "ledger", genesis)
        started = time.perf_counter()
        build_chain(chain, args.orders, args.batch, args.empty_blocks)
        reader = chain.ledger
        head = reader.head().block_number
        print(f"chain: {head} blocks, {args.orders} settled orders, one validator-set change")
        print(f"chain built in {time.perf_counter() - started:.0f} s", flush=True)
        picks = random.Random(6).choices(range(1, args.orders + 1), k=args.samples)
        history = ValidatorSetHistory()
        build_trade_certificate(reader, 1, history=history)
        orders = itertools.cycle(picks)
        warm = rate(
            args.samples, lambda: build_trade_certificate(reader, next(orders), history=history)
        )
        cold_runs = max(3, args.samples // 10)
        cold = rate(
            cold_runs,
            lambda: build_trade_certificate(reader, next(orders), history=ValidatorSetHistory()),
        )
        peer_build = rate(args.samples, lambda: plain_proof(reader, next(orders)))
        documents = [build_trade_certificate(reader, order, history=history) for order in picks]
        assert all(verify_certificate(d, genesis).valid for d in documents)
        certificates = itertools.cycle(documents)
        verify = rate(args.samples, lambda: verify_certificate(next(certificates), genesis))
        anchor = trust_anchor(genesis)
        verify_kept = rate(args.samples, lambda: verify_certificate(next(certificates), anchor))
        proofs = iter([plain_proof(reader, order) for order in picks])
        peer_verify = rate(args.samples, lambda: check_plain_proof(reader, next(proofs)))
        size = statistics.median(len(json.dumps(d)) for d in documents)
        runs = f"({args.samples} runs)"
        print(f"certificate size (JSON), median             {size / 1024:8.1f} KiB")
        print(f"node, build (validator-set history kept)    {warm:8.1f} /s  {runs}")
        print(f"node, build (every header read again)       {cold:8.1f} /s  ({cold_runs} runs)")
        print(f"peer, eth_getProof-style state proof        {peer_build:8.1f} /s  {runs}")
        print(f"client, verify (genesis hash each time)     {verify:8.1f} /s  {runs}")
        print(f"client, verify (trust anchor kept)          {verify_kept:8.1f} /s  {runs}")
        print(f"peer, py-trie get_from_proof of that proof  {peer_verify:8.1f} /s  {runs}")
        reader.db.close()


if __name__ == "__main__":
    main()
