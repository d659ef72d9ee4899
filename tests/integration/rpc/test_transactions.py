"""Transactions of every type and their receipts, shaped as geth shapes them."""

from __future__ import annotations

from eth_abi import encode as abi_encode
from eth_utils import keccak

RECORDED_TOPIC = "0x" + keccak(text="Recorded(address,bytes32,uint256)").hex()


def _word(value: bytes) -> str:
    return "0x" + value.rjust(32, b"\x00").hex()


def _address(checksummed: str) -> bytes:
    return bytes.fromhex(checksummed[2:])


def test_a_dynamic_fee_transaction_has_geths_fields_in_order(recorded, kit) -> None:
    tx = recorded.dynamic
    block_hash = kit.hex(recorded.node.ledger.header_by_number(2).hash)

    found = recorded.node.rpc.result("eth_getTransactionByHash", kit.hex(tx.hash))

    assert list(found.items()) == [
        ("blockHash", block_hash),
        ("blockNumber", "0x2"),
        ("from", kit.ALICE.address.lower()),
        ("gas", "0x493e0"),
        ("gasPrice", "0x0"),
        ("maxFeePerGas", "0x0"),
        ("maxPriorityFeePerGas", "0x0"),
        ("hash", kit.hex(tx.hash)),
        ("input", kit.hex(kit.record_call(kit.KEY_1, 42))),
        ("nonce", "0x1"),
        ("to", recorded.recorder.lower()),
        ("transactionIndex", "0x0"),
        ("value", "0x0"),
        ("type", "0x2"),
        ("accessList", []),
        ("chainId", "0x539"),
        ("v", hex(tx.y_parity)),
        ("r", hex(tx.r)),
        ("s", hex(tx.s)),
        ("yParity", hex(tx.y_parity)),
    ]


def test_a_legacy_eip155_transaction_has_its_chain_id_and_raw_v_and_no_y_parity(
    recorded, kit
) -> None:
    tx = recorded.legacy

    found = recorded.node.rpc.result("eth_getTransactionByHash", kit.hex(tx.hash))

    assert {key: found[key] for key in ("from", "gasPrice", "type", "chainId", "v")} == {
        "from": kit.BOB.address.lower(),
        "gasPrice": "0x0",
        "type": "0x0",
        "chainId": "0x539",
        "v": hex(kit.CHAIN_ID * 2 + 35 + tx.y_parity),
    }
    assert list(found)[-4:] == ["chainId", "v", "r", "s"]


def test_an_access_list_transaction_lists_its_accesses(recorded, kit) -> None:
    tx = recorded.access_list

    found = recorded.node.rpc.result("eth_getTransactionByHash", kit.hex(tx.hash))

    assert {key: found[key] for key in ("type", "gasPrice", "accessList", "yParity")} == {
        "type": "0x1",
        "gasPrice": "0x0",
        "accessList": [{"address": recorded.recorder.lower(), "storageKeys": ["0x" + "00" * 32]}],
        "yParity": hex(tx.y_parity),
    }
    assert "maxFeePerGas" not in found


def test_a_set_code_transaction_lists_its_authorizations(recorded, kit) -> None:
    tx = recorded.set_code
    authorization = tx.authorization_list[0]

    found = recorded.node.rpc.result("eth_getTransactionByHash", kit.hex(tx.hash))

    assert (found["type"], found["to"]) == ("0x4", kit.BOB.address.lower())
    assert found["authorizationList"] == [
        {
            "chainId": "0x539",
            "address": recorded.recorder.lower(),
            "nonce": "0x1",
            "yParity": hex(authorization.y_parity),
            "r": hex(authorization.r),
            "s": hex(authorization.s),
        }
    ]
    assert list(found)[-7:] == [
        "accessList",
        "chainId",
        "authorizationList",
        "v",
        "r",
        "s",
        "yParity",
    ]


def test_a_transaction_by_block_and_index_is_the_transaction_by_hash(recorded, kit) -> None:
    rpc = recorded.node.rpc
    block_hash = rpc.result("eth_getBlockByNumber", "0x2", False)["hash"]
    by_hash = rpc.result("eth_getTransactionByHash", kit.hex(recorded.legacy.hash))

    found = (
        rpc.result("eth_getTransactionByBlockNumberAndIndex", "0x2", "0x1"),
        rpc.result("eth_getTransactionByBlockHashAndIndex", block_hash, "0x1"),
    )

    assert found == (by_hash, by_hash)


def test_a_transaction_index_past_the_block_is_null(recorded) -> None:
    assert recorded.node.rpc.result("eth_getTransactionByBlockNumberAndIndex", "0x2", "0x3") is None


def test_an_unknown_transaction_and_its_receipt_are_null(recorded) -> None:
    rpc = recorded.node.rpc
    unknown = "0x" + "00" * 32

    assert (
        rpc.result("eth_getTransactionByHash", unknown),
        rpc.result("eth_getTransactionReceipt", unknown),
    ) == (None, None)


def test_a_pooled_transaction_has_null_block_fields_and_a_null_receipt(node, kit) -> None:
    tx = kit.sign(kit.ALICE, nonce=0, to=kit.BOB.address, maxFeePerGas=7, maxPriorityFeePerGas=2)
    tx_hash = node.rpc.result("eth_sendRawTransaction", kit.hex(tx.encode()))

    found = node.rpc.result("eth_getTransactionByHash", tx_hash)

    assert {key: found[key] for key in _LOCATION_AND_PRICE} == {
        "blockHash": None,
        "blockNumber": None,
        "transactionIndex": None,
        "gasPrice": "0x7",
    }
    assert node.rpc.result("eth_getTransactionReceipt", tx_hash) is None


_LOCATION_AND_PRICE = ("blockHash", "blockNumber", "transactionIndex", "gasPrice")


def test_an_included_dynamic_fee_transaction_shows_its_effective_gas_price(node, kit) -> None:
    tx = kit.sign(kit.ALICE, nonce=0, to=kit.BOB.address, maxFeePerGas=7, maxPriorityFeePerGas=2)
    node.backend.seal([tx])

    found = node.rpc.result("eth_getTransactionByHash", kit.hex(tx.hash))
    receipt = node.rpc.result("eth_getTransactionReceipt", kit.hex(tx.hash))

    assert (found["gasPrice"], receipt["effectiveGasPrice"]) == ("0x2", "0x2")


def test_a_contract_creation_receipt_names_the_created_contract(recorded, kit) -> None:
    tx = recorded.deploy
    header = recorded.node.ledger.header_by_number(1)
    gas_used = recorded.node.ledger.receipts(header)[0].gas_used

    receipt = recorded.node.rpc.result("eth_getTransactionReceipt", kit.hex(tx.hash))

    assert receipt == {
        "blockHash": kit.hex(header.hash),
        "blockNumber": "0x1",
        "contractAddress": recorded.recorder.lower(),
        "cumulativeGasUsed": hex(gas_used),
        "effectiveGasPrice": "0x0",
        "from": kit.ALICE.address.lower(),
        "gasUsed": hex(gas_used),
        "logs": [],
        "logsBloom": "0x" + "00" * 256,
        "status": "0x1",
        "to": None,
        "transactionHash": kit.hex(tx.hash),
        "transactionIndex": "0x0",
        "type": "0x2",
    }


def test_a_receipt_in_the_middle_of_a_block_has_its_own_gas_and_block_wide_log_index(
    recorded, kit
) -> None:
    ledger = recorded.node.ledger
    header = ledger.header_by_number(2)
    first, second, _ = (receipt.gas_used for receipt in ledger.receipts(header))

    receipt = recorded.node.rpc.result("eth_getTransactionReceipt", kit.hex(recorded.legacy.hash))

    assert {key: receipt[key] for key in ("cumulativeGasUsed", "gasUsed", "status", "type")} == {
        "cumulativeGasUsed": hex(second),
        "gasUsed": hex(second - first),
        "status": "0x1",
        "type": "0x0",
    }
    assert receipt["logs"] == [
        {
            "address": recorded.recorder.lower(),
            "topics": [RECORDED_TOPIC, _word(_address(kit.BOB.address)), _word(kit.KEY_2)],
            "data": "0x" + abi_encode(["uint256"], [7]).hex(),
            "blockNumber": "0x2",
            "transactionHash": kit.hex(recorded.legacy.hash),
            "transactionIndex": "0x1",
            "blockHash": kit.hex(header.hash),
            "logIndex": "0x1",
            "removed": False,
        }
    ]


def test_a_reverted_transaction_has_a_receipt_with_status_zero(node, kit) -> None:
    deploy = kit.sign(
        kit.ALICE, nonce=0, gas=1_000_000, data=kit.recorder().bytecode, **kit.ZERO_FEES
    )
    recorder = kit.created_address(kit.ALICE.address, 0)
    reject = kit.sign(kit.ALICE, nonce=1, to=recorder, data=kit.reject_call(7), **kit.ZERO_FEES)
    node.backend.seal([deploy, reject])

    receipt = node.rpc.result("eth_getTransactionReceipt", kit.hex(reject.hash))

    assert (receipt["status"], receipt["logs"], receipt["transactionIndex"]) == ("0x0", [], "0x1")


def test_block_receipts_are_every_receipt_of_the_block_in_order(recorded, kit) -> None:
    rpc = recorded.node.rpc
    one_by_one = [
        rpc.result("eth_getTransactionReceipt", kit.hex(tx.hash))
        for tx in (recorded.dynamic, recorded.legacy, recorded.access_list)
    ]

    receipts = rpc.result("eth_getBlockReceipts", "0x2")

    assert receipts == one_by_one
    assert [log["logIndex"] for receipt in receipts for log in receipt["logs"]] == [
        "0x0",
        "0x1",
        "0x2",
    ]


def test_block_receipts_of_genesis_are_empty_and_of_an_unknown_block_null(recorded) -> None:
    rpc = recorded.node.rpc

    assert (
        rpc.result("eth_getBlockReceipts", "earliest"),
        rpc.result("eth_getBlockReceipts", "0x" + "de" * 32),
        rpc.result("eth_getBlockReceipts", "0x9"),
    ) == ([], None, None)


def test_a_raw_transaction_that_does_not_decode_is_refused_with_the_pools_text(node) -> None:
    error = node.rpc.error("eth_sendRawTransaction", "0xc5")

    assert error == {"code": -32000, "message": "invalid transaction encoding: malformed RLP"}
