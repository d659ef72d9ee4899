"""A real node from the 24-exchange sample consortium (one validator) serves the registry, and
16 exchanges' operators pass a proposal with real signed transactions over JSON-RPC."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from client import connect
from client.contracts import ExchangeRegistry, ExchangeStatus, Parameters, ProposalStatus, send
from genesis.consortium import Consortium, load_consortium
from genesis.dev_keys import dev_operator_key, dev_validator_key
from node.chain.extra_data import decode_extra_data
from node.chain.seals import address_of
from tests.support.node_process import NodeProcess, make_consortium_network, running_node

SAMPLE = Path(__file__).resolve().parents[2] / "genesis" / "consortium.toml"
NEW_PARAMETERS = Parameters(250, 150, 5 * 86_400, 20 * 86_400, 10 * 86_400)


@pytest.fixture(scope="module")
def consortium() -> Consortium:
    return load_consortium(SAMPLE)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    datadir = make_consortium_network(tmp_path_factory.mktemp("consortium"), SAMPLE)
    with running_node(datadir, "--no-empty-blocks") as process:
        yield process


@pytest.fixture(scope="module")
def w3(node: NodeProcess) -> Web3:
    return connect(node.rpc_url)


def operator(code: str) -> LocalAccount:
    return Account.from_key(dev_operator_key(code))


def test_the_registry_validators_equal_the_genesis_header_validators(w3: Web3) -> None:
    registry = ExchangeRegistry(w3)
    validator = Web3.to_checksum_address(address_of(dev_validator_key(1)))
    assert registry.validators() == [validator]
    genesis = w3.provider.make_request("eth_getBlockByNumber", ["0x0", False])  # type: ignore[arg-type]
    extra = decode_extra_data(bytes.fromhex(genesis["result"]["extraData"][2:]))
    assert extra.validators == (address_of(dev_validator_key(1)),)


def test_the_node_serves_every_exchange_of_the_consortium(w3: Web3, consortium: Consortium) -> None:
    registry = ExchangeRegistry(w3)
    assert registry.exchange_codes() == [e.code for e in consortium.exchanges]
    shde = registry.exchange("SHDE")
    assert (shde.name, shde.city, shde.status) == (
        "Shanghai Data Exchange", "Shanghai", ExchangeStatus.ACTIVE,
    )  # fmt: skip
    assert shde.validator == Web3.to_checksum_address(address_of(dev_validator_key(1)))
    assert registry.exchange("SZDE").validator is None
    assert registry.quorum() == 16


def test_sixteen_operators_pass_a_parameter_proposal(w3: Web3, consortium: Consortium) -> None:
    registry = ExchangeRegistry(w3)
    codes = [e.code for e in consortium.exchanges]
    receipt = send(w3, registry.propose_parameters(NEW_PARAMETERS), operator(codes[0]))
    assert receipt["status"] == 1
    proposal_id = registry.proposal_id(receipt)
    approvals = [
        w3.eth.send_raw_transaction(
            operator(code).sign_transaction(
                registry.approve(proposal_id).build_transaction(
                    {"from": operator(code).address, "nonce": w3.eth.get_transaction_count(
                        operator(code).address), "gas": 200_000, "maxFeePerGas": 0,
                     "maxPriorityFeePerGas": 0}
                )
            ).raw_transaction
        )
        for code in codes[:16]
    ]  # fmt: skip
    statuses = [w3.eth.wait_for_transaction_receipt(h, timeout=60)["status"] for h in approvals]
    assert statuses == [1] * 16
    assert registry.proposal(proposal_id).approvers == tuple(codes[:16])
    executed = send(w3, registry.execute(proposal_id), operator(codes[20]))
    assert executed["status"] == 1
    assert registry.parameters() == NEW_PARAMETERS
    assert registry.proposal(proposal_id).status == ProposalStatus.EXECUTED
