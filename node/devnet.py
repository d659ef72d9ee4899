"""``dcl devnet --validators N``: N validator processes and one observer on loopback.

Each node is its own ``dcl run`` process (as in production, each executes every block on its
own), so the devnet shows real consensus: proposer rotation, round changes when one is
stopped. Ports: JSON-RPC ``rpc_port + i``, WebSocket ``ws_port + i`` (when asked for) and
peer-to-peer ``p2p_port + i`` for validator i (0-based), the observer next after them; an RPC
port of 0 lets each process pick its own. The observer alone serves the gateway (when asked
for): it follows the chain without voting, as a regulator's node does.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from genesis.consortium import load_consortium
from genesis.generator import write_network
from node.chain.genesis import load_genesis
from node.datadir import DataDir, init_datadir, read_key
from node.gateway.chain_views import market_predeployed
from node.p2p.peer_url import PeerUrl, node_public_key

URL_LINE = re.compile(r"^\s+(JSON-RPC|WebSocket|Gateway|P2P)\s+(\S+)")
STARTUP_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 20


class DevnetError(RuntimeError):
    """The devnet directory holds a network of another size, or a node failed to start."""


@dataclass
class DevnetNode:
    name: str
    datadir: Path
    arguments: list[str]
    process: subprocess.Popen[str] | None = None
    rpc_url: str = ""
    ws_url: str = ""
    gateway_url: str = ""
    p2p_url: str = ""


def create_network(network: Path, validators: int, consortium: Path | None) -> None:
    """Write the devnet's network on first use (DEV ONLY keys); an existing one must have
    ``validators`` validators, and the system contracts if ``consortium`` is given."""
    if not (network / "genesis.json").exists():
        write_network(
            network,
            validators=validators,
            accounts=5,
            dev_only_keys=True,
            consortium=None if consortium is None else load_consortium(consortium),
        )
    listed = load_genesis(network / "genesis.json")
    if listed.qbft is None or len(_validators_of(network)) != validators:
        raise DevnetError(
            f"{network.parent} holds a network of {len(_validators_of(network))} validators;"
            " use another --datadir"
        )
    if consortium is not None and not market_predeployed(listed):
        raise DevnetError(
            f"{network.parent} holds a network without the system contracts; use another"
            " --datadir for --consortium"
        )


def prepare(
    root: Path,
    validators: int,
    host: str,
    rpc_port: int,
    p2p_port: int,
    ws_port: int | None = None,
    *,
    consortium: Path | None = None,
    gateway: list[str] | None = None,
    options: list[str] | None = None,
) -> list[DevnetNode]:
    """Create (on first use) the network, the data directories and each node's arguments;
    ``gateway`` holds the observer's gateway options (``--gateway HOST:PORT ...``), ``options``
    those of every node (``--rpc-no-auth``)."""
    network = root / "network"
    create_network(network, validators, consortium)
    nodes: list[DevnetNode] = []
    urls: list[PeerUrl] = []
    for index in range(validators):
        datadir = root / f"validator-{index + 1}"
        if not DataDir(datadir).is_initialised():
            init_datadir(
                datadir, network / "genesis.json", network / f"validator-{index + 1}" / "key"
            )
        urls.append(PeerUrl(node_public_key(read_key(datadir / "key")), host, p2p_port + index))
    observer_dir = root / "observer"
    if not DataDir(observer_dir).is_initialised():
        init_datadir(observer_dir, network / "genesis.json")
    observer_url = PeerUrl(
        node_public_key(read_key(observer_dir / "key")), host, p2p_port + validators
    )
    allowlist = root / "allowlist"
    allowlist.write_text(f"# the devnet's observer\n{observer_url}\n")
    for index in range(validators):
        peers = [arg for i, url in enumerate(urls) if i != index for arg in ("--peer", str(url))]
        datadir = root / f"validator-{index + 1}"
        arguments = _common(datadir, host, (rpc_port, ws_port, p2p_port), index)
        arguments += [*peers, "--allowlist", str(allowlist), *(options or [])]
        nodes.append(DevnetNode(f"validator-{index + 1}", datadir, arguments))
    peers = [arg for url in urls for arg in ("--peer", str(url))]
    nodes.append(
        DevnetNode(
            "observer",
            observer_dir,
            [
                *_common(observer_dir, host, (rpc_port, ws_port, p2p_port), validators),
                "--observer",
                *peers,
                *(gateway or []),
                *(options or []),
            ],
        )
    )
    return nodes


def _validators_of(network: Path) -> list[str]:
    return sorted(p.name for p in network.glob("validator-*") if (p / "key").exists())


def _common(datadir: Path, host: str, ports: tuple[int, int | None, int], index: int) -> list[str]:
    """``dcl run`` arguments of node ``index`` from the first (RPC, WebSocket, P2P) ports."""
    rpc_port, ws_port, p2p_port = ports
    rpc = rpc_port + index if rpc_port else 0
    ws = [] if ws_port is None else ["--ws", f"{host}:{ws_port + index if ws_port else 0}"]
    return [
        "run",
        "--datadir",
        str(datadir),
        "--rpc",
        f"{host}:{rpc}",
        *ws,
        "--p2p",
        f"{host}:{p2p_port + index}",
    ]


def _watch(node: DevnetNode, ready: threading.Event, log_level: str) -> None:
    assert node.process is not None and node.process.stdout is not None
    for line in node.process.stdout:
        match = URL_LINE.match(line)
        if match and match.group(1) == "JSON-RPC":
            node.rpc_url = match.group(2)
        elif match and match.group(1) == "WebSocket":
            node.ws_url = match.group(2)
        elif match and match.group(1) == "Gateway":
            node.gateway_url = match.group(2)
        elif match:
            node.p2p_url = match.group(2)
        if "Press Ctrl-C" in line:
            ready.set()
        elif line.startswith("{") and log_level == "debug":
            sys.stderr.write(f"[{node.name}] {line}")
    ready.set()


def run(
    root: Path,
    validators: int,
    host: str,
    ports: tuple[int, int | None, int],
    log_level: str,
    *,
    consortium: Path | None = None,
    gateway: list[str] | None = None,
    options: list[str] | None = None,
) -> None:
    """Start the devnet with the first (RPC, WebSocket or None, P2P) ports; Ctrl-C stops it."""
    rpc_port, ws_port, p2p_port = ports
    nodes = prepare(
        root,
        validators,
        host,
        rpc_port,
        p2p_port,
        ws_port,
        consortium=consortium,
        gateway=gateway,
        options=options,
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        readiness = []
        for node in nodes:
            node.process = subprocess.Popen(
                [sys.executable, "-m", "node.cli", "--log-level", log_level, *node.arguments],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            ready = threading.Event()
            threading.Thread(target=_watch, args=(node, ready, log_level), daemon=True).start()
            readiness.append(ready)
        for node, ready in zip(nodes, readiness, strict=True):
            if not ready.wait(STARTUP_TIMEOUT_SECONDS) or not node.rpc_url:
                raise DevnetError(f"{node.name} did not start")
        _print(root, nodes)
        while not stop.wait(0.5):
            if any(node.process is not None and node.process.poll() is not None for node in nodes):
                raise DevnetError("a devnet node exited; stopping the others")
    finally:
        _stop_all(nodes)


def _stop_all(nodes: list[DevnetNode]) -> None:
    """Ctrl-C every node at once, then kill any that has not stopped within the deadline."""
    for node in nodes:
        if node.process is not None and node.process.poll() is None:
            node.process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for node in nodes:
        if node.process is not None:
            try:
                node.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait()


def _print(root: Path, nodes: list[DevnetNode]) -> None:
    network = root / "network"
    accounts = json.loads((network / "dev-only-accounts.json").read_text())["accounts"]
    lines = [f"Data Circulation Ledger devnet: {len(nodes) - 1} validators and 1 observer"]
    for node in nodes:
        lines.append(f"  {node.name:<13} JSON-RPC {node.rpc_url}")
        if node.ws_url:
            lines.append(f"  {'':<13} WS       {node.ws_url}")
        if node.gateway_url:
            lines.append(f"  {'':<13} Gateway  {node.gateway_url}")
        lines.append(f"  {'':<13} P2P      {node.p2p_url}")
    lines.append(f"  genesis       {network / 'genesis.json'}")
    lines.append("  dev accounts  (DEV ONLY keys)")
    lines += [f"    {a['address']}  {a['privateKey']}" for a in accounts]
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)
