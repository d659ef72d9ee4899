"""A node stopped with Ctrl-C and started again continues from its head with every block."""

from __future__ import annotations

from pathlib import Path

from eth_account import Account

from tests.support.node_process import make_network, running_node, wait_for
from tests.support.rpc import rpc


def test_restart_keeps_every_block_and_receipt_and_continues_from_the_head(
    tmp_path: Path,
) -> None:
    account = Account.from_key(b"\x42" * 32)
    datadir = make_network(tmp_path, bootstrap=[bytes.fromhex(account.address[2:])])
    sent = []
    with running_node(datadir) as node:
        chain_id = int(str(rpc(node.rpc_url, "eth_chainId")), 16)
        for nonce in range(5):
            signed = account.sign_transaction(
                {"type": 2, "chainId": chain_id, "nonce": nonce, "gas": 21_000, "value": 0,
                 "to": "0x" + "11" * 20, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
            )  # fmt: skip
            sent.append(
                rpc(node.rpc_url, "eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
            )
        wait_for(lambda: all(rpc(node.rpc_url, "eth_getTransactionReceipt", h) for h in sent))
        receipts = [rpc(node.rpc_url, "eth_getTransactionReceipt", h) for h in sent]
        head = int(str(rpc(node.rpc_url, "eth_blockNumber")), 16)
        blocks = [rpc(node.rpc_url, "eth_getBlockByNumber", hex(n), False) for n in range(head + 1)]
        assert node.stop() == 0

    with running_node(datadir) as node:
        restarted_head = int(str(rpc(node.rpc_url, "eth_blockNumber")), 16)
        assert restarted_head >= head
        for number, block in enumerate(blocks):
            assert rpc(node.rpc_url, "eth_getBlockByNumber", hex(number), False) == block
        assert [rpc(node.rpc_url, "eth_getTransactionReceipt", h) for h in sent] == receipts
        assert rpc(node.rpc_url, "eth_getTransactionCount", account.address, "latest") == "0x5"
        wait_for(lambda: int(str(rpc(node.rpc_url, "eth_blockNumber")), 16) > restarted_head)
