"""`dcl devnet` (behind `make devnet`) prints a JSON-RPC URL that web3.py can use as is."""

from __future__ import annotations

import json
from pathlib import Path

from eth_account import Account
from web3 import Web3
from web3.middleware import ExtraDataToPOAMiddleware

from genesis.dev_keys import dev_account_key
from tests.support.node_process import start_dcl


def test_devnet_prints_an_rpc_url_web3_with_the_poa_middleware_can_transact_on(
    tmp_path: Path,
) -> None:
    devnet = start_dcl(tmp_path, "devnet", "--validators", "1", "--datadir", str(tmp_path))
    try:
        w3 = Web3(Web3.HTTPProvider(devnet.rpc_url))
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
        account = Account.from_key(dev_account_key(1))
        tx = {
            "from": account.address,
            "to": "0x" + "33" * 20,
            "value": 12345,
            "nonce": w3.eth.get_transaction_count(account.address),
            "chainId": w3.eth.chain_id,
            "gas": 21_000,
            "maxFeePerGas": w3.eth.gas_price,
            "maxPriorityFeePerGas": w3.eth.max_priority_fee,
        }
        tx_hash = w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
        assert w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)["status"] == 1
        assert w3.eth.get_balance("0x" + "33" * 20) == 12345
    finally:
        devnet.stop()
    output = "".join(devnet.log_lines)
    assert account.address.lower() in output.lower()
    accounts = json.loads((tmp_path / "network" / "dev-only-accounts.json").read_text())
    assert accounts["warning"].startswith("DEV ONLY")


def test_devnet_restarts_on_its_existing_chain(tmp_path: Path) -> None:
    first = start_dcl(tmp_path, "devnet", "--validators", "1", "--datadir", str(tmp_path))
    genesis = Web3(Web3.HTTPProvider(first.rpc_url)).provider.make_request(
        "eth_getBlockByNumber", ["0x0", False]
    )["result"]["hash"]
    assert first.stop() == 0
    second = start_dcl(tmp_path, "devnet", "--validators", "1", "--datadir", str(tmp_path))
    try:
        again = Web3(Web3.HTTPProvider(second.rpc_url)).provider.make_request(
            "eth_getBlockByNumber", ["0x0", False]
        )["result"]["hash"]
        assert again == genesis
    finally:
        second.stop()
