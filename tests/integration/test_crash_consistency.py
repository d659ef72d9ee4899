"""SIGKILL at random moments of block production under load; every restart finds a whole head.

Each round loads the pool and then kills the node at one of two kinds of moment: a random delay
of 0-150 ms after it announces a sealed block (its commit follows), or the instant its debug
log announces that a LevelDB batch write has begun (the kill then lands inside the write unless
the write finished first; the test counts the ones that did not). After each kill the data
directory is checked offline, then the node restarts. Blocks announced as committed before a
kill must survive it unchanged.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import requests
from eth_account import Account

from node.chain.genesis import load_genesis
from node.chain.ledger import Ledger
from node.storage.leveldb import LevelDB
from tests.support.consistency import assert_head_is_whole
from tests.support.node_process import NodeProcess, make_network, start_node, wait_for
from tests.support.rpc import rpc

KILLS = 50
SENDERS = 6
TXS_PER_SENDER = 50


SEALED = 'msg="block sealed"'
COMMITTED = 'msg="block committed"'
WRITE_BEGIN = 'msg="batch write begin"'
WRITE_END = 'msg="batch write end"'

pytestmark = pytest.mark.slow


def load_pool(url: str, chain_id: int) -> None:
    batch = []
    for index in range(SENDERS):
        account = Account.from_key((0xC0FFEE + index).to_bytes(32, "big"))
        nonce = int(str(rpc(url, "eth_getTransactionCount", account.address, "pending")), 16)
        for offset in range(TXS_PER_SENDER):
            signed = account.sign_transaction(
                {
                    "type": 2,
                    "chainId": chain_id,
                    "nonce": nonce + offset,
                    "gas": 30_000,
                    "maxFeePerGas": 0,
                    "maxPriorityFeePerGas": 0,
                    "value": 0,
                    "to": "0x" + bytes([index + 1]).rjust(20, b"\x00").hex(),
                    "data": "0x" + "ab" * 64,
                }
            )
            batch.append(
                {
                    "jsonrpc": "2.0",
                    "id": len(batch),
                    "method": "eth_sendRawTransaction",
                    "params": ["0x" + signed.raw_transaction.hex()],
                }
            )
    requests.post(url, json=batch, timeout=60).raise_for_status()


def committed_hashes(node: NodeProcess) -> dict[int, str]:
    found = {}
    for line in list(node.log_lines):
        if COMMITTED in line:
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            found[int(fields["number"])] = fields["hash"]
    return found


def check_offline(datadir: Path, survivors: dict[int, str]) -> int:
    db = LevelDB(datadir / "chaindata")
    try:
        ledger = Ledger(db, load_genesis(datadir / "genesis.json"))
        assert_head_is_whole(ledger)
        for number, block_hash in survivors.items():
            header = ledger.header_by_number(number)
            assert header is not None and "0x" + header.hash.hex() == block_hash
        return ledger.head().block_number
    finally:
        db.close()


def wait_for_line(node: NodeProcess, marker: str, after: int, timeout: float = 60) -> int:
    """Index of the first log line from ``after`` on that holds ``marker``, polled tightly."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = node.log_lines
        for index in range(after, len(lines)):
            if marker in lines[index]:
                return index
        time.sleep(0.0002)
    raise TimeoutError(marker)


def kill_at_a_random_moment(node: NodeProcess, rng: random.Random, round_number: int) -> bool:
    """Kill the node; True when the kill landed between a batch write's begin and end."""
    seen = len(node.log_lines)
    if round_number % 2:
        wait_for_line(node, SEALED, seen)
        time.sleep(rng.uniform(0, 0.15))
    else:
        # A block with transactions writes thousands of keys; an empty one writes a handful.
        sealed = wait_for_line(node, SEALED + " ", seen)
        while "txs=0" in node.log_lines[sealed]:
            sealed = wait_for_line(node, SEALED + " ", sealed + 1)
        wait_for_line(node, WRITE_BEGIN, sealed)
    node.kill()
    lines = node.log_lines
    begins = sum(WRITE_BEGIN in line for line in lines)
    ends = sum(WRITE_END in line for line in lines)
    return begins > ends


def test_fifty_sigkills_during_block_production_leave_a_whole_head(tmp_path: Path) -> None:
    senders = [Account.from_key((0xC0FFEE + i).to_bytes(32, "big")) for i in range(SENDERS)]
    datadir = make_network(tmp_path, bootstrap=[bytes.fromhex(a.address[2:]) for a in senders])
    chain_id = load_genesis(datadir / "genesis.json").chain_id
    rng = random.Random(20261122)
    survivors: dict[int, str] = {}
    inside_write = 0
    for round_number in range(KILLS):
        node = start_node(datadir, log_level="debug")
        try:
            load_pool(node.rpc_url, chain_id)
            inside_write += kill_at_a_random_moment(node, rng, round_number)
        finally:
            node.kill()
        survivors.update(committed_hashes(node))
        check_offline(datadir, survivors)
    node = start_node(datadir)
    try:
        head = int(str(rpc(node.rpc_url, "eth_blockNumber")), 16)
        assert head >= max(survivors)
        wait_for(lambda: int(str(rpc(node.rpc_url, "eth_blockNumber")), 16) > head, timeout=30)
    finally:
        node.stop()
    print(f"kills inside a LevelDB batch write: {inside_write} of {KILLS}")
    assert inside_write > 0
