"""Real node processes for end-to-end tests: `dcl run` on a loopback port chosen by the OS."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from genesis.consortium import load_consortium
from genesis.generator import write_network
from node.datadir import init_datadir

RPC_LINE = re.compile(r"JSON-RPC\s+(http://\S+)")
WS_LINE = re.compile(r"WebSocket\s+(ws://\S+)")
READY_LINE = "Press Ctrl-C to stop."
STARTUP_TIMEOUT_SECONDS = 60


@dataclass
class NodeProcess:
    datadir: Path
    process: subprocess.Popen[str]
    rpc_url: str
    log_lines: list[str] = field(default_factory=list)
    ws_url: str | None = None

    def stop(self, timeout: float = 30) -> int:
        """Ctrl-C, as an operator would, and wait for a clean exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(30)


def make_network(
    root: Path, *, accounts: int = 5, block_period: int = 1, bootstrap: Sequence[bytes] = ()
) -> Path:
    """A one-validator network and its initialised validator data directory; its dev accounts
    and ``bootstrap`` may transact (the genesis bootstrap accounts)."""
    network = root / "network"
    write_network(
        network,
        validators=1,
        accounts=accounts,
        block_period_seconds=block_period,
        bootstrap_accounts=bootstrap,
    )
    datadir = root / "validator-1"
    init_datadir(datadir, network / "genesis.json", network / "validator-1" / "key")
    return datadir


SAMPLE_CONSORTIUM = Path(__file__).resolve().parents[2] / "genesis" / "consortium.toml"


def make_consortium_network(
    root: Path, consortium: Path = SAMPLE_CONSORTIUM, *, validators: int = 1
) -> Path:
    """A network with the system contracts predeployed for ``consortium`` (DEV ONLY keys;
    the first ``validators`` exchanges run validators) and its first validator's initialised
    data directory."""
    network = root / "network"
    write_network(
        network,
        validators=validators,
        consortium=load_consortium(consortium),
        dev_only_keys=True,
    )
    datadir = root / "validator-1"
    init_datadir(datadir, network / "genesis.json", network / "validator-1" / "key")
    return datadir


def _pump(stream: object, sink: list[str], ready: threading.Event, urls: dict[str, str]) -> None:
    """Collect the output; the endpoint lines come before the ready line."""
    for line in stream:  # type: ignore[attr-defined]
        sink.append(line)
        for name, pattern in (("rpc", RPC_LINE), ("ws", WS_LINE)):
            match = pattern.search(line)
            if match and name not in urls:
                urls[name] = match.group(1)
        if READY_LINE in line:
            ready.set()
    ready.set()


def run_dcl(*arguments: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run one ``dcl`` command to completion, as an operator would, capturing its output."""
    command = [sys.executable, "-m", "node.cli", *map(str, arguments)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def start_node(
    datadir: Path,
    *extra_args: str,
    log_level: str = "info",
    rpc_auth: bool = False,
    module: str = "node.cli",
) -> NodeProcess:
    return spawn_node(
        datadir, *extra_args, log_level=log_level, rpc_auth=rpc_auth, module=module
    ).ready()


def spawn_node(
    datadir: Path,
    *extra_args: str,
    log_level: str = "info",
    rpc_auth: bool = False,
    module: str = "node.cli",
) -> StartingProcess:
    return spawn_dcl(
        datadir, "run", "--datadir", str(datadir), *extra_args, log_level=log_level,
        rpc_auth=rpc_auth, module=module,
    )  # fmt: skip


def start_dcl(
    datadir: Path, *arguments: str, log_level: str = "info", rpc_auth: bool = False
) -> NodeProcess:
    """Run ``dcl ARGUMENTS --rpc 127.0.0.1:0`` and wait until it prints its endpoints."""
    return spawn_dcl(datadir, *arguments, log_level=log_level, rpc_auth=rpc_auth).ready()


@dataclass
class StartingProcess:
    """A ``dcl`` process launched but not yet ready: many can start side by side."""

    datadir: Path
    process: subprocess.Popen[str]
    lines: list[str]
    urls: dict[str, str]
    started: threading.Event

    def ready(self, timeout: float = STARTUP_TIMEOUT_SECONDS) -> NodeProcess:
        """Wait until it prints its endpoints."""
        if not self.started.wait(timeout) or "rpc" not in self.urls:
            self.process.kill()
            raise RuntimeError("node did not start:\n" + "".join(self.lines))
        return NodeProcess(
            self.datadir, self.process, self.urls["rpc"], self.lines, self.urls.get("ws")
        )


def spawn_dcl(
    datadir: Path,
    *arguments: str,
    log_level: str = "info",
    rpc_auth: bool = False,
    module: str = "node.cli",
) -> StartingProcess:
    """Launch ``dcl ARGUMENTS --rpc 127.0.0.1:0`` without waiting for it; its JSON-RPC takes
    no tokens (``--rpc-no-auth``, loopback) unless ``rpc_auth``, for the tests of
    authentication itself (``module``: a test's variant of the ``dcl`` command, run as
    ``python -m MODULE``)."""
    command = [
        sys.executable, "-m", module, "--log-level", log_level, *arguments,
        "--rpc", "127.0.0.1:0", *([] if rpc_auth else ["--rpc-no-auth"]),
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    urls: dict[str, str] = {}
    started = threading.Event()
    threading.Thread(target=_pump, args=(process.stdout, lines, started, urls), daemon=True).start()
    return StartingProcess(datadir, process, lines, urls, started)


@contextmanager
def running_node(datadir: Path, *extra_args: str, rpc_auth: bool = False) -> Iterator[NodeProcess]:
    node = start_node(datadir, *extra_args, rpc_auth=rpc_auth)
    try:
        yield node
    finally:
        if node.process.poll() is None:
            node.stop()


def rpc_token(datadir: Path, role: str, account: str | None = None) -> str:
    """A bearer token for the node of ``datadir``, issued by `dcl rpc-token`."""
    arguments: list[str | Path] = ["rpc-token", "--datadir", datadir, "--role", role]
    if account is not None:
        arguments += ["--account", account]
    issued = run_dcl(*arguments)
    assert issued.returncode == 0, issued.stderr
    return issued.stdout.strip()


def wait_for(predicate: object, timeout: float = 30, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(interval)
    raise TimeoutError("condition not met in time")
