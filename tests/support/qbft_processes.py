"""A QBFT network of real ``dcl run`` processes on loopback: validators dialling each other
by ``dcl://`` URL, and observers that any validator allows through an allowlist file."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from genesis.generator import write_network
from node.datadir import init_datadir, read_key
from node.p2p.peer_url import PeerUrl, node_public_key
from tests.support.node_process import NodeProcess, StartingProcess, spawn_node
from tests.support.rpc import rpc

MAX_ROUND_TIMEOUT_SECONDS = "4"
STOP_TIMEOUT_SECONDS = 30


FIRST_PORT = 20_000
PORTS_PER_WORKER = 2_000
"""Peer ports are chosen below Linux's ephemeral range (32768 and up), from which the OS hands
out ports for binds to port 0 and for outgoing connections: a port chosen there could be
taken (24 validators open 552 connections) before the node that was given it binds it. Each
pytest-xdist worker draws from its own slice."""
_next_offset = random.randrange(PORTS_PER_WORKER)


def free_port(count: int = 1) -> int:
    """The first of ``count`` consecutive loopback ports that are free now."""
    global _next_offset
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    first = FIRST_PORT + PORTS_PER_WORKER * (int(worker) % 6 if worker.isdigit() else 0)
    for _ in range(PORTS_PER_WORKER):
        offset = _next_offset % (PORTS_PER_WORKER - count)
        _next_offset = offset + count
        if all(_bindable(first + offset + i) for i in range(count)):
            return first + offset
    raise RuntimeError("no free loopback ports")


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class Member:
    datadir: Path
    url: PeerUrl
    observer: bool = False
    process: NodeProcess | None = None


@dataclass
class QbftNetwork:
    root: Path
    validators: list[Member]
    observers: list[Member] = field(default_factory=list)
    max_round_timeout: str = MAX_ROUND_TIMEOUT_SECONDS

    @classmethod
    def create(
        cls, root: Path, size: int, *, request_timeout: int = 1, bootstrap: Sequence[bytes] = ()
    ) -> QbftNetwork:
        """``size`` validators of a network without a consortium, whose dev accounts and
        ``bootstrap`` may transact."""
        network = root / "network"
        write_network(
            network,
            validators=size,
            request_timeout_seconds=request_timeout,
            bootstrap_accounts=bootstrap,
        )
        members = []
        for index in range(1, size + 1):
            datadir = init_datadir(
                root / f"validator-{index}", network / "genesis.json",
                network / f"validator-{index}" / "key",
            ).root  # fmt: skip
            members.append(Member(datadir, _url(datadir)))
        return cls(root, members)

    @property
    def genesis(self) -> Path:
        return self.root / "network" / "genesis.json"

    @property
    def allowlist(self) -> Path:
        return self.root / "allowlist"

    def add_observer(self) -> Member:
        datadir = init_datadir(self.root / f"observer-{len(self.observers) + 1}", self.genesis).root
        member = Member(datadir, _url(datadir), observer=True)
        self.observers.append(member)
        self.allowlist.write_text("".join(f"{m.url}\n" for m in self.observers))
        return member

    def start(
        self,
        member: Member,
        *extra: str,
        log_level: str = "info",
        dials: list[Member] | None = None,
        module: str = "node.cli",
    ) -> NodeProcess:
        """Start ``member`` dialling (and naming as allowed) every validator, or ``dials``,
        with ``extra`` ``dcl run`` options; ``module`` runs a patched node."""
        member.process = self._spawn(member, log_level, module, extra, dials).ready()
        return member.process

    def start_many(
        self, members: Sequence[Member], *, log_level: str = "info", timeout: float = 120
    ) -> None:
        """Launch ``members`` side by side, then wait until every one is ready."""
        starting = [(member, self._spawn(member, log_level)) for member in members]
        deadline = time.monotonic() + timeout
        for member, process in starting:
            member.process = process.ready(max(0.0, deadline - time.monotonic()))

    def _spawn(
        self,
        member: Member,
        log_level: str,
        module: str = "node.cli",
        extra: Sequence[str] = (),
        dials: list[Member] | None = None,
    ) -> StartingProcess:
        peers = [m.url for m in (self.validators if dials is None else dials) if m is not member]
        arguments = [
            "--p2p", f"127.0.0.1:{member.url.port}",
            *(arg for url in peers for arg in ("--peer", str(url))),
            "--max-round-timeout", self.max_round_timeout, *extra,
        ]  # fmt: skip
        if member.observer:
            arguments.append("--observer")
        elif self.allowlist.exists():
            arguments += ["--allowlist", str(self.allowlist)]
        return spawn_node(member.datadir, *arguments, log_level=log_level, module=module)

    def start_all(self) -> None:
        self.start_many(self.validators)

    def stop(self, member: Member) -> None:
        assert member.process is not None
        assert member.process.stop() == 0
        member.process = None

    def stop_many(self, members: Sequence[Member]) -> None:
        """Ctrl-C to every one of ``members`` at once, then wait for each clean exit."""
        for member in members:
            assert member.process is not None
            member.process.process.send_signal(signal.SIGINT)
        for member in members:
            assert member.process is not None
            assert member.process.process.wait(STOP_TIMEOUT_SECONDS) == 0
            member.process = None

    def stop_all(self) -> None:
        members = [m for m in [*self.validators, *self.observers] if m.process is not None]
        for member in members:
            assert member.process is not None
            if member.process.process.poll() is None:
                member.process.process.send_signal(signal.SIGINT)
        for member in members:
            assert member.process is not None
            try:
                member.process.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                member.process.kill()
                raise
            finally:
                member.process = None

    def running(self) -> list[Member]:
        return [m for m in [*self.validators, *self.observers] if m.process is not None]

    def dev_account(self, index: int = 0) -> LocalAccount:
        accounts = json.loads((self.root / "network" / "dev-only-accounts.json").read_text())
        return Account.from_key(accounts["accounts"][index]["privateKey"])


def _url(datadir: Path) -> PeerUrl:
    return PeerUrl(node_public_key(read_key(datadir / "key")), "127.0.0.1", free_port())


def head_number(member: Member) -> int:
    assert member.process is not None
    return int(str(rpc(member.process.rpc_url, "eth_blockNumber")), 16)


def block_hash(member: Member, number: int) -> str:
    assert member.process is not None
    block = rpc(member.process.rpc_url, "eth_getBlockByNumber", hex(number), False)
    assert isinstance(block, dict)
    return str(block["hash"])


def hashes_up_to(member: Member, height: int) -> list[str]:
    return [block_hash(member, number) for number in range(height + 1)]


def send_transfer(member: Member, account: LocalAccount, nonce: int, chain_id: int) -> str:
    """A signed zero-value EIP-1559 transfer (fees are zero on this chain); its hash."""
    assert member.process is not None
    signed = account.sign_transaction(
        {"type": 2, "chainId": chain_id, "nonce": nonce, "gas": 21_000, "value": 0,
         "to": "0x" + "11" * 20, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
    )  # fmt: skip
    url = member.process.rpc_url
    return str(rpc(url, "eth_sendRawTransaction", "0x" + signed.raw_transaction.hex()))


def receipt(member: Member, tx_hash: str) -> dict[str, object] | None:
    assert member.process is not None
    found = rpc(member.process.rpc_url, "eth_getTransactionReceipt", tx_hash)
    return found if isinstance(found, dict) else None
