"""A validator of a several-validator genesis serves JSON-RPC but seals nothing on its own:
a block needs a quorum of the validators' commit seals."""

from __future__ import annotations

import time
from pathlib import Path

from genesis.generator import write_network
from node.datadir import init_datadir
from tests.support.node_process import running_node
from tests.support.rpc import rpc


def test_one_of_four_validators_alone_produces_no_block_and_says_why(tmp_path: Path) -> None:
    write_network(tmp_path / "network", validators=4)
    datadir = init_datadir(
        tmp_path / "node", tmp_path / "network" / "genesis.json",
        tmp_path / "network" / "validator-1" / "key",
    ).root  # fmt: skip
    with running_node(datadir) as node:
        time.sleep(2.5)
        assert rpc(node.rpc_url, "eth_blockNumber") == "0x0"
        assert any("not producing" in line for line in node.log_lines)
