"""A QBFT network of real ``dcl run`` processes on loopback: validators dialling each other
by ``dcl://`` URL, and observers that any validator allows through an allowlist file."""

from __future__ import annotations

import json
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from genesis.generator import write_network
from node.datadir import init_datadir, read_key
from node.p2p.peer_url import PeerUrl, node_public_key
from tests.support.node_process import NodeProcess, start_node
from tests.support.rpc import rpc

MAX_ROUND_TIMEOUT_SECONDS = "4"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
        member.process = start_node(member.datadir, *arguments, log_level=log_level, module=module)
        return member.process

    def start_all(self) -> None:
        for member in self.validators:
            self.start(member)

    def stop(self, member: Member) -> None:
        assert member.process is not None
        assert member.process.stop() == 0
        member.process = None

    def stop_all(self) -> None:
        for member in [*self.validators, *self.observers]:
            if member.process is not None and member.process.process.poll() is None:
                member.process.stop()
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
