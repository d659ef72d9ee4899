"""One chain for the audit tests, built once: the market scenario on a real `dcl run` process
(stopped after it), then more trades on the same data directory (stopped again), with the
events each stage's own ``eth_getLogs`` served, decoded through ``EventDecoder``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from client import connect
from client.contracts import system_address
from client.domain_events import SYSTEM_CONTRACTS, EventDecoder, Involvement, raw_log, to_json
from tests.integration.test_market_scenario import Story, delivered_order, run_story
from tests.support.market_node import MarketNode, consortium_file, participant
from tests.support.node_process import make_consortium_network, run_dcl, running_node, wait_for


@dataclass
class AuditChain:
    datadir: Path
    """The scenario's data directory, its node stopped, holding both stages."""
    first_head: int
    """The head after the scenario's first stage."""
    first_events: list[dict[str, Any]]
    """Every system contract event of the first stage, as ``eth_getLogs`` served it."""
    new_events: list[dict[str, Any]]
    """The events the second stage added."""
    fork: Path
    """A data directory of the same genesis whose node made other (empty) blocks."""
    exports: Path
    """Directories exported after the first stage (``<format>-first``) by the fixture."""
    in_use: Any = None
    """``dcl audit export`` run on the data directory while its node ran."""
    in_use_before: dict[str, bytes] = field(default_factory=dict)
    in_use_after: dict[str, bytes] = field(default_factory=dict)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` and its bytes."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def expected_events(
    w3: Web3, first: int, involvement: Involvement, decoder: EventDecoder
) -> list[dict[str, Any]]:
    """The system contracts' events from block ``first`` on, as the node's own eth_getLogs
    serves them, decoded and attributed (``involvement`` has seen those before ``first``)."""
    logs = w3.eth.get_logs(
        {
            "fromBlock": first,
            "toBlock": "latest",
            "address": [system_address(name) for name in SYSTEM_CONTRACTS],
        }
    )
    timestamps: dict[int, int] = {}
    found = []
    for log in logs:
        number = int(log["blockNumber"])
        if number not in timestamps:
            timestamps[number] = int(w3.eth.get_block(number)["timestamp"])
        event = decoder.decode(raw_log(log["address"], log["topics"], log["data"]))
        concerns = involvement.concerns(event)
        found.append(
            {
                "block_number": number,
                "block_timestamp": timestamps[number],
                "transaction_hash": log["transactionHash"].to_0x_hex(),
                "log_index": int(log["logIndex"]),
                "contract": event.contract,
                "event": event.name,
                "exchanges": list(concerns.exchanges),
                "parties": list(concerns.parties),
                "fields": to_json(event.args),
                "args": event.args,
            }
        )
    return found


def audit_export(datadir: Path, out: Path, chosen_format: str) -> Any:
    return run_dcl("audit", "export", "--datadir", datadir, "--out", out, "--format", chosen_format)


FORMATS = ("jsonl", "csv", "parquet")


@pytest.fixture(scope="package")
def audit_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditChain]:
    root = tmp_path_factory.mktemp("audit")
    datadir = make_consortium_network(root, consortium_file(root))
    fork = root / "fork"
    shutil.copytree(datadir, fork)
    decoder, involvement = EventDecoder(), Involvement()
    with running_node(datadir, "--no-empty-blocks") as node:
        market = MarketNode(connect(node.rpc_url))
        story = Story(market, [])
        run_story(market, story)
        first_head = int(market.w3.eth.block_number)
        first_events = expected_events(market.w3, 1, involvement, decoder)
    exports = root / "exports"
    for chosen in FORMATS:
        done = audit_export(datadir, exports / f"{chosen}-first", chosen)
        assert done.returncode == 0, done.stderr
    chain = AuditChain(datadir, first_head, first_events, [], fork, exports)
    with running_node(datadir, "--no-empty-blocks") as node:
        chain.in_use_before = snapshot(exports / "jsonl-first")
        chain.in_use = audit_export(datadir, exports / "jsonl-first", "jsonl")
        chain.in_use_after = snapshot(exports / "jsonl-first")
        market = MarketNode(connect(node.rpc_url))
        s = market.contract("TradeSettlement").functions
        seller, buyer = participant(1), participant(3)
        third = delivered_order(market, buyer, seller, story.product, "third")
        market.send(s.confirm(third, 0), buyer)
        chain.new_events = expected_events(market.w3, first_head + 1, involvement, decoder)
    with running_node(fork) as node:
        w3 = connect(node.rpc_url)
        wait_for(lambda: w3.eth.block_number >= 3, timeout=60)
    yield chain
