"""`dcl devnet --gateway` (behind `make devnet`) prints the gateway's URL, which serves."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.support.gateway import gateway_url
from tests.support.node_process import run_dcl, start_dcl


def test_the_one_validator_devnet_prints_a_gateway_url_that_serves(tmp_path: Path) -> None:
    devnet = start_dcl(
        tmp_path, "devnet", "--validators", "1", "--datadir", str(tmp_path),
        "--gateway", "127.0.0.1:0",
    )  # fmt: skip
    try:
        document = requests.get(gateway_url(devnet) + "/openapi.json", timeout=30)
        assert (document.status_code, document.json()["openapi"]) == (200, "3.1.0")
    finally:
        devnet.stop()


def test_a_several_validator_devnet_refuses_the_gateway(tmp_path: Path) -> None:
    run = run_dcl("devnet", "--validators", "2", "--datadir", tmp_path, "--gateway", "127.0.0.1:0")
    assert (run.returncode, run.stderr) == (
        1,
        "dcl: error: --gateway is served by the one-validator devnet (--validators 1)\n",
    )
