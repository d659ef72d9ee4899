"""web3.py, unmodified but for the POA middleware, deploys and uses a contract over HTTP.

The sender has no balance at all: web3.py's defaults (a tip from eth_maxPriorityFeePerGas and
a fee cap from the latest block's base fee) must come out as zero for that to work.
"""

from __future__ import annotations

import threading

import pytest
from web3 import Web3
from web3.exceptions import TransactionNotFound
from web3.middleware import ExtraDataToPOAMiddleware


@pytest.fixture
def w3(node) -> Web3:
    client = Web3(Web3.HTTPProvider(node.rpc.url, request_kwargs={"timeout": 60}))
    client.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return client


def _send_and_wait(w3: Web3, node, account, transaction: dict) -> dict:
    """Sign and send; a block is sealed shortly after, while web3.py polls for the receipt."""
    signed = account.sign_transaction(transaction)
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    with pytest.raises(TransactionNotFound):
        w3.eth.get_transaction_receipt(tx_hash)
    sealer = threading.Timer(0.3, node.backend.seal_pool)
    sealer.start()
    try:
        return dict(w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.1))
    finally:
        sealer.join()


def test_web3_deploys_a_contract_records_a_value_and_reads_it_back(w3, node, kit) -> None:
    bob = kit.BOB
    artifact = kit.recorder()
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    deploy = factory.constructor().build_transaction(
        {"from": bob.address, "nonce": w3.eth.get_transaction_count(bob.address)}
    )
    deployed = _send_and_wait(w3, node, bob, deploy)
    recorder = w3.eth.contract(address=deployed["contractAddress"], abi=artifact.abi)
    record = recorder.functions.record(kit.KEY_1, 42).build_transaction(
        {"from": bob.address, "nonce": w3.eth.get_transaction_count(bob.address, "pending")}
    )

    recorded = _send_and_wait(w3, node, bob, record)
    (event,) = recorder.events.Recorded().process_receipt(recorded)

    assert (deployed["status"], recorded["status"]) == (1, 1)
    assert (event["args"]["author"], event["args"]["key"], event["args"]["value"]) == (
        bob.address,
        kit.KEY_1,
        42,
    )
    assert recorder.functions.values(kit.KEY_1).call() == 42
    assert w3.eth.get_balance(bob.address) == 0


def test_web3_reads_a_qbft_block_through_the_poa_middleware(w3, node, kit) -> None:
    node.backend.seal([])

    block = w3.eth.get_block("latest")

    assert (block["number"], block["hash"], block["baseFeePerGas"]) == (
        1,
        node.ledger.head().hash,
        0,
    )
    assert block["proofOfAuthorityData"] == node.ledger.head().extra_data
