"""`dcl devnet --validators N`: N validator processes and an observer (serving the gateway when
asked), stopped by Ctrl-C."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.gateway import GatewayClient
from tests.support.market_node import regulator
from tests.support.node_process import SAMPLE_CONSORTIUM, start_dcl, wait_for
from tests.support.qbft_processes import free_port
from tests.support.rpc import rpc

pytestmark = [pytest.mark.network, pytest.mark.slow]
ENDPOINT = re.compile(r"^\s+(\S+)\s+JSON-RPC (http://\S+)$", re.MULTILINE)
GATEWAY = re.compile(
    r"^\s+(\S+)\s+JSON-RPC http://\S+\n(?:\s+WS\s+\S+\n)?\s+Gateway\s+(http://\S+)$", re.MULTILINE
)


def test_devnet_starts_four_validators_and_an_observer_that_agree_and_stops_them_all(
    tmp_path: Path,
) -> None:
    base = free_port(5)
    devnet = start_dcl(tmp_path, "devnet", "--datadir", str(tmp_path), "--p2p-port", str(base))
    try:
        wait_for(lambda: "Press Ctrl-C" in "".join(devnet.log_lines), timeout=60)
        endpoints = dict(ENDPOINT.findall("".join(devnet.log_lines)))
        assert sorted(endpoints) == [
            "observer", "validator-1", "validator-2", "validator-3", "validator-4"
        ]  # fmt: skip
        urls = list(endpoints.values())

        def head(url: str) -> int:
            return int(str(rpc(url, "eth_blockNumber")), 16)

        wait_for(lambda: min(head(url) for url in urls) >= 3, timeout=90)
        hashes = {str(rpc(url, "eth_getBlockByNumber", "0x3", False)["hash"]) for url in urls}  # type: ignore[index]
        assert len(hashes) == 1
    finally:
        assert devnet.stop() == 0
    for url in urls:
        with pytest.raises(OSError):
            rpc(url, "eth_blockNumber", timeout=2)


def test_a_devnet_of_the_consortium_serves_the_gateway_on_its_observer(tmp_path: Path) -> None:
    devnet = start_dcl(
        tmp_path, "devnet", "--validators", "2", "--datadir", str(tmp_path),
        "--p2p-port", str(free_port()), "--consortium", str(SAMPLE_CONSORTIUM),
        "--gateway", "127.0.0.1:0",
    )  # fmt: skip
    try:
        wait_for(lambda: "Press Ctrl-C" in "".join(devnet.log_lines), timeout=60)
        output = "".join(devnet.log_lines)
        [(name, url)] = GATEWAY.findall(output)
        assert name == "observer"
        client = GatewayClient(url)
        token = client.sign_in(regulator())
        wait_for(
            lambda: client.get("/v1/audit/figures", token).json()["chain"]["head block"] >= 2,
            timeout=60,
            interval=0.5,
        )
        me = client.get("/v1/me", token).json()
        assert (me["regulator"], me["exchange"]) == (True, None)
    finally:
        assert devnet.stop() == 0
