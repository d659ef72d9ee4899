"""The JSON-RPC options of ``dcl run`` on a real node process: the eth_getLogs range limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.node_process import NodeProcess, make_network, running_node, wait_for
from tests.support.rpc import RpcError, rpc

LIMIT = 2


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    datadir = make_network(tmp_path_factory.mktemp("rpc-options"))
    with running_node(datadir, "--rpc-max-log-range", str(LIMIT)) as process:
        wait_for(lambda: int(str(rpc(process.rpc_url, "eth_blockNumber")), 16) >= LIMIT + 1)
        yield process


def test_a_log_range_wider_than_the_configured_limit_is_refused_naming_the_limit(
    node: NodeProcess,
) -> None:
    with pytest.raises(RpcError) as refused:
        rpc(node.rpc_url, "eth_getLogs", {"fromBlock": "0x0", "toBlock": hex(LIMIT + 1)})
    assert refused.value.error == {"code": -32602, "message": f"exceed maximum block range {LIMIT}"}


def test_a_log_range_as_wide_as_the_configured_limit_is_served(node: NodeProcess) -> None:
    assert rpc(node.rpc_url, "eth_getLogs", {"fromBlock": "0x0", "toBlock": hex(LIMIT)}) == []
