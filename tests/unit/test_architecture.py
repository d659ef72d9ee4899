"""Which package may import which: the module boundaries of STYLE.md, checked on the source.

Pure cores know no I/O framework and no interface; the QBFT core reads no clock, starts no
thread and touches no disk or socket (time reaches it only in events); the storage layer knows
nothing of the chain rules above it; the peer transport carries bytes and knows neither the
consensus core nor the pool nor the disk; JSON-RPC reaches the node only through its backend
protocol; the client SDK never imports the node, so it can be installed and used without it
(the contract artifact loader therefore lives in the client, and the node imports it from
there), its offline certificate verifier opens no connection, and its gateway operations are
pure (only the blocking and the asyncio client touch a transport); certificates are built from
the chain reader, knowing no interface; the genesis generator builds files from the chain
rules and the client's bindings, never from a running node; the audit reads files and stopped
data directories, never a running node or the network, and its figures, report page and
regulator's desk are pure;
the gateway reaches the node only through its backend protocol, and its sign-in, limit and
call rules are pure.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "client": ("node", "genesis"),
    # The offline certificate verifier: pure checks over bytes, no network client or socket.
    "client/certificate": ("node", "genesis", "web3", "requests", "aiohttp", "asyncio", "socket"),
    # The SDK's operations are pure; only its two clients carry them over a transport.
    **{
        f"client/sdk/{module}.py": ("requests", "aiohttp", "asyncio", "socket", "time")
        for module in (
            "api",
            "demand_api",
            "operation",
            "models",
            "domain",
            "demand_terms",
            "calls",
            "sse",
            "errors",
        )
    },
    "client/sdk/sync_client.py": ("aiohttp", "asyncio"),
    "client/sdk/async_client.py": ("requests",),
    # Certificates are built from the chain reader and storage, never through an interface.
    "node/certificate": (
        "aiohttp",
        "asyncio",
        "node.rpc",
        "node.service",
        "node.producer",
        "node.cli",
        "node.p2p",
        "node.consensus",
        "node.txpool",
    ),
    "genesis": (
        "aiohttp",
        "asyncio",
        "node.rpc",
        "node.service",
        "node.producer",
        "node.cli",
        "node.storage",
        "node.txpool",
    ),
    "node/chain": ("aiohttp", "asyncio", "node.rpc", "node.service", "node.producer", "node.cli"),
    "node/consensus": (
        "aiohttp",
        "asyncio",
        "threading",
        "concurrent",
        "socket",
        "time",
        "datetime",
        "random",
        "plyvel",
        "node.storage",
        "node.rpc",
        "node.txpool",
        "node.p2p",
        "node.service",
        "node.producer",
        "node.cli",
    ),
    "node/p2p": (
        "plyvel",
        "node.storage",
        "node.consensus",
        "node.txpool",
        "node.rpc",
        "node.service",
        "node.network_service",
        "node.qbft_runner",
        "node.producer",
        "node.cli",
    ),
    # The audit works offline on files and stopped data directories: no server, no network,
    # no pool; its checks and progress formatting are plain functions.
    "node/audit": (
        "aiohttp",
        "asyncio",
        "node.rpc",
        "node.service",
        "node.producer",
        "node.p2p",
        "node.txpool",
        "node.cli",
    ),
    "node/audit/checks.py": ("plyvel", "node.storage", "node.datadir"),
    "node/storage": ("aiohttp", "asyncio", "node.chain", "node.rpc", "node.txpool"),
    "node/txpool": ("aiohttp", "asyncio", "node.rpc", "node.service", "node.storage"),
    "node/rpc": ("node.service", "node.producer", "node.cli"),
    # Pure cores inside the JSON-RPC layer: event fan-out and filter state, no sockets or loop.
    "node/rpc/subscriptions.py": ("aiohttp", "asyncio", "node.storage", "node.rpc.websocket"),
    "node/rpc/filters.py": ("aiohttp", "asyncio", "node.storage"),
    # Pure cores of the audit tools: figures and the report page from decoded events.
    "node/audit/figures.py": ("plyvel", "pyarrow", "node.storage", "node.chain", "os", "pathlib"),
    "node/audit/report_html.py": ("plyvel", "pyarrow", "node.storage", "node.chain", "os"),
    "node/audit/market_desk.py": ("plyvel", "pyarrow", "node.storage", "node.chain", "os"),
    # The gateway reaches the node only through its backend protocol; its rules are pure.
    "node/gateway": (
        "node.service",
        "node.producer",
        "node.cli",
        "node.p2p",
        "node.consensus",
        "node.qbft_runner",
        "node.network_service",
    ),
    **{
        f"node/gateway/{module}.py": ("aiohttp", "asyncio", "plyvel", "node.storage")
        for module in ("auth", "siwe", "limits", "call_rules", "problems")
    },
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for statement in ast.walk(tree):
        if isinstance(statement, ast.Import):
            found.update(alias.name for alias in statement.names)
        elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
            found.add(statement.module)
    return found


def violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    target = ROOT / package
    paths = [target] if target.is_file() else sorted(target.rglob("*.py"))
    for path in paths:
        for module in imported_modules(path):
            if any(module == banned or module.startswith(banned + ".") for banned in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_may(package: str) -> None:
    assert violations(package, FORBIDDEN[package]) == []


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text("import asyncio\nfrom node.rpc.server import create_rpc_app\n")
    assert imported_modules(module) == {"asyncio", "node.rpc.server"}
