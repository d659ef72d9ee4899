"""`dcl devnet --validators 4`: four validator processes and an observer, stopped by Ctrl-C."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.node_process import start_dcl, wait_for
from tests.support.qbft_processes import free_port
from tests.support.rpc import rpc

pytestmark = [pytest.mark.network, pytest.mark.slow]
ENDPOINT = re.compile(r"^\s+(\S+)\s+JSON-RPC (http://\S+)$", re.MULTILINE)


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
