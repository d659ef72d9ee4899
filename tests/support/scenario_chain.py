"""A chain produced by the contracts' acceptance scenario on a real node, for the audit tests:
the story of ``tests/integration/test_market_scenario.py`` run by a `dcl run` process, the node
stopped, and its blocks exported with `dcl export-chain`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from client import connect
from tests.integration.test_market_scenario import Story, run_story
from tests.support.market_node import MarketNode, consortium_file
from tests.support.node_process import make_consortium_network, run_dcl, running_node
from tests.support.rpc import rpc


@dataclass(frozen=True)
class ScenarioChain:
    genesis: Path
    datadir: Path
    """The stopped validator's data directory."""
    chain: Path
    """Its blocks, genesis to head, as `dcl export-chain` writes them."""
    head_number: int
    head_hash: str
    head_state_root: str


def build_scenario_chain(root: Path) -> ScenarioChain:
    datadir = make_consortium_network(root, consortium_file(root))
    with running_node(datadir, "--no-empty-blocks") as node:
        market = MarketNode(connect(node.rpc_url))
        run_story(market, Story(market, []))
        head = rpc(node.rpc_url, "eth_getBlockByNumber", "latest", False)
    assert isinstance(head, dict)
    chain = root / "scenario.rlp"
    exported = run_dcl("export-chain", "--datadir", datadir, chain)
    assert exported.returncode == 0, exported.stderr
    return ScenarioChain(
        genesis=root / "network" / "genesis.json",
        datadir=datadir,
        chain=chain,
        head_number=int(head["number"], 16),
        head_hash=head["hash"],
        head_state_root=head["stateRoot"],
    )


_built: dict[Path, ScenarioChain] = {}


def shared_scenario_chain(factory: pytest.TempPathFactory) -> ScenarioChain:
    """One scenario chain per test session (per xdist worker): it takes a minute of blocks.
    Tests must not change it; they copy what they alter."""
    root = factory.getbasetemp() / "scenario-chain"
    if root not in _built:
        root.mkdir()
        _built[root] = build_scenario_chain(root)
    return _built[root]
