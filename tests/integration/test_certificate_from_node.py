"""A certificate built from a real node's data directory: a `dcl run` validator (the sample
consortium, QBFT core with its commit seals) settles a trade sent as signed transactions over
JSON-RPC; once the node has stopped, its data directory is read, the certificate built, and
`dcl-client verify-certificate` (a separate process) finds it valid against the network's
genesis file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from client import connect
from client.contracts import encode_exchange_code
from node.certificate import build_trade_certificate
from node.chain.chain_reader import ChainReader
from node.datadir import DataDir
from node.storage.leveldb import LevelDB
from tests.support.certificate_chain import (
    BUYER,
    EVALUATOR,
    PRICE,
    SUPPLIER,
    h,
    listing_terms,
    order_request,
)
from tests.support.market_node import MarketNode, operator, participant
from tests.support.node_process import make_consortium_network, running_node

ROOT = Path(__file__).resolve().parents[2]
A, B = "SHDE", "SZDE"


def settle_one_trade(m: MarketNode) -> int:
    seller, evaluator, buyer = (participant(i) for i in (1, 2, 3))
    s = m.contract("TradeSettlement").functions
    m.send(s.setFeeSchedule(250, 100), operator(A))
    m.send(s.setFeeSchedule(200, 150), operator(B))
    participants = m.contract("ParticipantRegistry").functions
    for account, roles, home in (
        (seller, SUPPLIER, A),
        (evaluator, EVALUATOR, A),
        (buyer, BUYER, B),
    ):
        credit = h(f"consortium-key|{account.address}")
        m.send(participants.register(account.address, roles, b"CN", credit), operator(home))
    products = m.contract("DataProductRegistry").functions
    terms = {**listing_terms(), "deliveryAccount": seller.address}
    m.send(products.submit(encode_exchange_code(A), terms), seller)
    m.send(products.attestCompliance(1, 1, terms["complianceReportHash"]), evaluator)
    m.send(products.approve(1, 1), operator(A))
    m.send(s.createOrder(order_request(1, m.now - 60)), buyer)
    m.send(s.accept(1), seller)
    m.send(s.pay(1, 0, h("payment")), operator(B))
    m.send(s.deliver(1, h("delivery")), seller)
    m.send(s.confirm(1, 0), buyer)
    return 1


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], Path]]:
    root = tmp_path_factory.mktemp("node-certificate")
    datadir = make_consortium_network(root)
    with running_node(datadir) as node:
        order_id = settle_one_trade(MarketNode(connect(node.rpc_url)))
    data = DataDir(datadir)
    db = LevelDB(data.chaindata)
    try:
        document = build_trade_certificate(ChainReader(db, data.load_genesis()), order_id)
    finally:
        db.close()
    yield document, root / "network" / "genesis.json"


def test_the_certificate_of_a_real_nodes_trade_verifies_with_the_command(
    built: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    document, genesis = built
    certificate = tmp_path / "cert.json"
    certificate.write_text(json.dumps(document))
    command = ["verify-certificate", str(certificate), "--genesis", str(genesis)]
    result = subprocess.run(
        [sys.executable, "-m", "client.cli", *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == "valid"
    assert f"settlement.certificate.amount  {PRICE}" in lines
    assert "state.billStatus  Settled" in lines


def test_a_one_validator_network_needs_no_validator_set_change(
    built: tuple[dict[str, Any], Path],
) -> None:
    document, _ = built
    assert document["validatorSetChanges"] == []
