"""`dcl devnet --consortium ... --gateway` (behind `make devnet`) prints the gateway's URL,
which serves; a gateway on a chain without the system contracts is refused at start."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.support.gateway import GatewayClient, gateway_url
from tests.support.market_node import regulator
from tests.support.node_process import SAMPLE_CONSORTIUM, make_network, run_dcl, start_dcl


def test_the_one_validator_devnet_prints_a_gateway_url_where_a_regulator_signs_in(
    tmp_path: Path,
) -> None:
    devnet = start_dcl(
        tmp_path, "devnet", "--validators", "1", "--datadir", str(tmp_path),
        "--consortium", str(SAMPLE_CONSORTIUM), "--gateway", "127.0.0.1:0",
    )  # fmt: skip
    try:
        client = GatewayClient(gateway_url(devnet))
        document = requests.get(client.url + "/openapi.json", timeout=30)
        assert (document.status_code, document.json()["openapi"]) == (200, "3.1.0")
        me = client.get("/v1/me", client.sign_in(regulator()))
        assert (me.status_code, me.json()["regulator"]) == (200, True)
    finally:
        devnet.stop()


def test_a_gateway_on_a_chain_without_the_system_contracts_is_refused_at_start(
    tmp_path: Path,
) -> None:
    datadir = make_network(tmp_path)
    run = run_dcl("run", "--datadir", datadir, "--rpc", "127.0.0.1:0", "--gateway", "127.0.0.1:0")
    assert (run.returncode, run.stderr) == (
        1,
        "dcl: error: --gateway serves the system contracts' market, which this chain's genesis"
        " does not hold (make the network with `dcl genesis new --consortium FILE`)\n",
    )


def test_a_devnet_made_without_the_consortium_is_refused_with_it(tmp_path: Path) -> None:
    first = start_dcl(tmp_path, "devnet", "--validators", "1", "--datadir", str(tmp_path))
    assert first.stop() == 0
    run = run_dcl(
        "devnet", "--validators", "1", "--datadir", tmp_path, "--consortium", SAMPLE_CONSORTIUM
    )
    assert (run.returncode, run.stderr) == (
        1,
        f"dcl: error: {tmp_path} holds a network without the system contracts; use another"
        " --datadir for --consortium\n",
    )
