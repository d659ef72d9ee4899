"""The execution-apis rpc-compat suite, replayed under hive's rules against a real node.

As in hive, the node is given the fixtures' genesis and chain (``dcl import-chain``), then
serves it with ``dcl run`` on loopback; every ``.io`` file is one case, so a failure names it.
One node serves all cases, in file order, as hive's single client does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.node_process import NodeProcess, run_dcl, running_node
from tests.support.rpc_compat import FIXTURES, CompatCase, comparable, load_cases

CASES = load_cases()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    datadir: Path = tmp_path_factory.mktemp("rpc-compat") / "node"
    imported = run_dcl(
        "import-chain",
        "--genesis",
        FIXTURES / "genesis.json",
        "--datadir",
        datadir,
        FIXTURES / "chain.rlp",
    )
    assert imported.returncode == 0, imported.stderr
    with running_node(datadir) as running:
        yield running


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_node_answers_exactly_as_recorded(node: NodeProcess, case: CompatCase) -> None:
    for exchange in case.exchanges:
        reply = requests.post(
            node.rpc_url,
            data=exchange.request,
            headers={"Content-Type": "application/json"},
            timeout=60,
        ).json()
        expected, actual = comparable(exchange.expected, reply)
        assert actual == expected
