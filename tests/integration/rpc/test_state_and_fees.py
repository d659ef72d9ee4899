"""Account state reads, fee figures and the node's identity methods."""

from __future__ import annotations

from eth_utils import keccak


def test_a_balance_is_read_at_the_block_named(recorded, kit) -> None:
    rpc = recorded.node.rpc
    block_hash = rpc.result("eth_getBlockByNumber", "0x1", False)["hash"]

    balances = (
        rpc.result("eth_getBalance", kit.ALICE.address, "latest"),
        rpc.result("eth_getBalance", kit.ALICE.address, {"blockHash": block_hash}),
        rpc.result("eth_getBalance", kit.ALICE.address),
        rpc.result("eth_getBalance", kit.BOB.address, "latest"),
    )

    assert balances == (
        hex(kit.ALICE_BALANCE),
        hex(kit.ALICE_BALANCE),
        hex(kit.ALICE_BALANCE),
        "0x0",
    )


def test_a_balance_at_an_unknown_block_is_header_not_found(recorded, kit) -> None:
    assert recorded.node.rpc.error("eth_getBalance", kit.ALICE.address, "0x9") == {
        "code": -32000,
        "message": "header not found",
    }


def test_code_is_the_deployed_runtime_code(recorded, kit) -> None:
    rpc = recorded.node.rpc

    assert (
        rpc.result("eth_getCode", recorded.recorder, "latest"),
        rpc.result("eth_getCode", recorded.recorder, "earliest"),
    ) == (kit.hex(kit.recorder().deployed_bytecode), "0x")


def test_storage_is_a_32_byte_word_at_the_slot(recorded, kit) -> None:
    slot = keccak(kit.KEY_1 + bytes(32))

    value = recorded.node.rpc.result("eth_getStorageAt", recorded.recorder, kit.hex(slot))

    assert value == "0x" + (42).to_bytes(32, "big").hex()


def test_a_malformed_storage_key_is_refused_as_geth_refuses_it(recorded) -> None:
    rpc = recorded.node.rpc

    assert (
        rpc.error("eth_getStorageAt", recorded.recorder, "0xasdf", "latest"),
        rpc.error("eth_getStorageAt", recorded.recorder, "0x" + "00" * 33, "latest"),
    ) == (
        {"code": -32000, "message": "unable to decode storage key: hex string invalid"},
        {
            "code": -32000,
            "message": "unable to decode storage key: hex string too long, want at most 32 bytes",
        },
    )


def test_a_transaction_count_is_the_nonce_at_the_block_and_pending_counts_the_pool(
    node, kit
) -> None:
    first = kit.sign(kit.ALICE, nonce=0, to=kit.BOB.address, **kit.ZERO_FEES)
    node.backend.seal([first])
    second = kit.sign(kit.ALICE, nonce=1, to=kit.BOB.address, **kit.ZERO_FEES)
    node.rpc.result("eth_sendRawTransaction", kit.hex(second.encode()))

    counts = tuple(
        node.rpc.result("eth_getTransactionCount", kit.ALICE.address, block)
        for block in ("earliest", "latest", "pending")
    )

    assert counts == ("0x0", "0x1", "0x2")


def test_fee_history_has_geths_shape_with_zero_fees(recorded, kit) -> None:
    gas_used = recorded.node.ledger.header_by_number(4).gas_used

    history = recorded.node.rpc.result("eth_feeHistory", "0x2", "latest", [25, 75])

    assert list(history.items()) == [
        ("oldestBlock", "0x3"),
        ("reward", [["0x0", "0x0"], ["0x0", "0x0"]]),
        ("baseFeePerBlobGas", ["0x1", "0x1", "0x1"]),
        ("baseFeePerGas", ["0x0", "0x0", "0x0"]),
        ("blobGasUsedRatio", [0, 0]),
        ("gasUsedRatio", [0, gas_used / kit.GAS_LIMIT]),
    ]


def test_fee_history_without_percentiles_has_no_rewards(recorded) -> None:
    history = recorded.node.rpc.result("eth_feeHistory", 2, "0x1")

    assert (history["oldestBlock"], "reward" in history, len(history["baseFeePerGas"])) == (
        "0x0",
        False,
        3,
    )


def test_fee_history_rewards_are_the_tips_paid_weighted_by_gas(node, kit) -> None:
    low = kit.sign(kit.ALICE, nonce=0, to=kit.BOB.address, maxFeePerGas=9, maxPriorityFeePerGas=1)
    high = kit.sign(kit.ALICE, nonce=1, to=kit.BOB.address, maxFeePerGas=9, maxPriorityFeePerGas=5)
    node.backend.seal([low, high])

    history = node.rpc.result("eth_feeHistory", "0x1", "latest", [10, 50, 90])

    assert history["reward"] == [["0x1", "0x1", "0x5"]]


def test_fee_history_of_zero_blocks_is_empty(recorded) -> None:
    assert recorded.node.rpc.result("eth_feeHistory", "0x0", "latest", []) == {
        "oldestBlock": "0x0",
        "gasUsedRatio": None,
    }


def test_fee_history_beyond_the_head_is_refused(recorded) -> None:
    assert recorded.node.rpc.error("eth_feeHistory", "0x1", "0x9") == {
        "code": -32000,
        "message": "request beyond head block: requested 9, head 4",
    }


def test_fee_history_percentiles_out_of_order_are_refused(recorded) -> None:
    assert recorded.node.rpc.error("eth_feeHistory", "0x1", "latest", [50, 10]) == {
        "code": -32000,
        "message": "invalid reward percentile: #0:50.000000 >= #1:10.000000",
    }


def test_fee_suggestions_are_zero(recorded) -> None:
    rpc = recorded.node.rpc

    assert (
        rpc.result("eth_gasPrice"),
        rpc.result("eth_maxPriorityFeePerGas"),
        rpc.result("eth_blobBaseFee"),
    ) == ("0x0", "0x0", "0x1")


def test_identity_methods_answer_as_geth(recorded, kit) -> None:
    rpc = recorded.node.rpc
    answers = {
        method: rpc.result(method)
        for method in (
            "eth_chainId",
            "net_version",
            "net_listening",
            "net_peerCount",
            "eth_syncing",
            "eth_accounts",
            "eth_blockNumber",
            "web3_clientVersion",
        )
    }

    assert answers == {
        "eth_chainId": "0x539",
        "net_version": "1337",
        "net_listening": True,
        "net_peerCount": "0x0",
        "eth_syncing": False,
        "eth_accounts": [],
        "eth_blockNumber": "0x4",
        "web3_clientVersion": kit.CLIENT_VERSION,
    }


def test_web3_sha3_is_keccak_256(recorded) -> None:
    assert recorded.node.rpc.result("web3_sha3", "0x68656c6c6f") == "0x" + keccak(b"hello").hex()
