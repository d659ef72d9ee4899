"""Blocks by number, tag and hash: geth's fields and order, QBFT's values."""

from __future__ import annotations

import itertools

import rlp
from eth_utils import keccak

from node.chain.extra_data import decode_extra_data
from node.chain.header import BFT_MIX_HASH

BLOCK_KEYS = [
    "baseFeePerGas",
    "blobGasUsed",
    "difficulty",
    "excessBlobGas",
    "extraData",
    "gasLimit",
    "gasUsed",
    "hash",
    "logsBloom",
    "miner",
    "mixHash",
    "nonce",
    "number",
    "parentBeaconBlockRoot",
    "parentHash",
    "receiptsRoot",
    "requestsHash",
    "sha3Uncles",
    "size",
    "stateRoot",
    "timestamp",
    "totalDifficulty",
    "transactions",
    "transactionsRoot",
    "uncles",
    "withdrawals",
    "withdrawalsRoot",
]
EMPTY_TRIE = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
EMPTY_UNCLES = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
EMPTY_REQUESTS = "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_a_block_has_geths_fields_in_geths_order(recorded) -> None:
    block = recorded.node.rpc.result("eth_getBlockByNumber", "0x2", False)

    assert list(block) == BLOCK_KEYS


def test_a_block_carries_qbft_header_values(recorded, kit) -> None:
    ledger = recorded.node.ledger
    header = ledger.header_by_number(2)

    block = recorded.node.rpc.result("eth_getBlockByNumber", "0x2", False)

    assert block == {
        "baseFeePerGas": "0x0",
        "blobGasUsed": "0x0",
        "difficulty": "0x1",
        "excessBlobGas": "0x0",
        "extraData": kit.hex(header.extra_data),
        "gasLimit": hex(kit.GAS_LIMIT),
        "gasUsed": hex(sum(_gas_used(ledger, 2))),
        "hash": kit.hex(header.hash),
        "logsBloom": kit.hex(header.bloom.to_bytes(256, "big")),
        "miner": kit.hex(kit.VALIDATOR),
        "mixHash": kit.hex(BFT_MIX_HASH),
        "nonce": "0x0000000000000000",
        "number": "0x2",
        "parentBeaconBlockRoot": "0x" + "00" * 32,
        "parentHash": kit.hex(ledger.header_by_number(1).hash),
        "receiptsRoot": kit.hex(header.receipt_root),
        "requestsHash": EMPTY_REQUESTS,
        "sha3Uncles": EMPTY_UNCLES,
        "size": hex(len(rlp.encode(ledger.block(header)))),
        "stateRoot": kit.hex(header.state_root),
        "timestamp": hex(kit.GENESIS_TIME + 2),
        "totalDifficulty": "0x3",
        "transactions": [
            kit.hex(tx.hash) for tx in (recorded.dynamic, recorded.legacy, recorded.access_list)
        ],
        "transactionsRoot": kit.hex(header.transaction_root),
        "uncles": [],
        "withdrawals": [],
        "withdrawalsRoot": EMPTY_TRIE,
    }


def _gas_used(ledger, number: int) -> list[int]:
    receipts = ledger.receipts(ledger.header_by_number(number))
    cumulative = [0] + [receipt.gas_used for receipt in receipts]
    return [after - before for before, after in itertools.pairwise(cumulative)]


def test_a_block_hash_is_the_qbft_hash_not_the_keccak_of_the_sealed_header(recorded) -> None:
    header = recorded.node.ledger.header_by_number(2)

    block = recorded.node.rpc.result("eth_getBlockByNumber", "0x2", False)

    assert block["hash"] == "0x" + header.hash.hex()
    assert block["hash"] != "0x" + keccak(rlp.encode(header)).hex()


def test_extra_data_is_the_full_qbft_extra_data_with_the_commit_seal(recorded, kit) -> None:
    block = recorded.node.rpc.result("eth_getBlockByNumber", "0x2", False)

    extra = decode_extra_data(bytes.fromhex(block["extraData"][2:]))

    assert (extra.validators, extra.round, len(extra.seals)) == ((kit.VALIDATOR,), 0, 1)
    assert extra.vanity == recorded.node.ledger.genesis_hash


def test_a_block_with_full_transactions_lists_transaction_objects_in_order(recorded, kit) -> None:
    block = recorded.node.rpc.result("eth_getBlockByNumber", "0x2", True)

    assert [(tx["hash"], tx["transactionIndex"]) for tx in block["transactions"]] == [
        (kit.hex(recorded.dynamic.hash), "0x0"),
        (kit.hex(recorded.legacy.hash), "0x1"),
        (kit.hex(recorded.access_list.hash), "0x2"),
    ]


def test_a_block_by_hash_is_the_block_by_number(recorded) -> None:
    by_number = recorded.node.rpc.result("eth_getBlockByNumber", "0x2", True)

    by_hash = recorded.node.rpc.result("eth_getBlockByHash", by_number["hash"], True)

    assert by_hash == by_number


def test_latest_safe_finalized_and_pending_are_all_the_head(recorded) -> None:
    rpc = recorded.node.rpc
    head = rpc.result("eth_getBlockByNumber", "0x4", False)

    tagged = [rpc.result("eth_getBlockByNumber", tag, False) for tag in _HEAD_TAGS]

    assert tagged == [head] * 4


_HEAD_TAGS = ("latest", "safe", "finalized", "pending")


def test_earliest_is_the_genesis_block(recorded, kit) -> None:
    block = recorded.node.rpc.result("eth_getBlockByNumber", "earliest", False)

    assert (block["number"], block["hash"], block["totalDifficulty"]) == (
        "0x0",
        kit.hex(recorded.node.ledger.genesis_hash),
        "0x1",
    )


def test_an_unknown_block_number_is_null(recorded) -> None:
    assert recorded.node.rpc.result("eth_getBlockByNumber", "0x5", False) is None


def test_an_unknown_block_hash_is_null(recorded) -> None:
    assert recorded.node.rpc.result("eth_getBlockByHash", "0x" + "de" * 32, False) is None


def test_a_hash_naming_stored_contract_code_is_no_block(recorded, kit) -> None:
    code_hash = kit.hex(keccak(kit.recorder().deployed_bytecode))

    assert recorded.node.rpc.result("eth_getBlockByHash", code_hash, False) is None


def test_transaction_counts_by_number_and_hash(recorded) -> None:
    rpc = recorded.node.rpc
    block_hash = rpc.result("eth_getBlockByNumber", "0x2", False)["hash"]

    counts = (
        rpc.result("eth_getBlockTransactionCountByNumber", "0x2"),
        rpc.result("eth_getBlockTransactionCountByHash", block_hash),
        rpc.result("eth_getBlockTransactionCountByNumber", "0x3"),
        rpc.result("eth_getBlockTransactionCountByNumber", "0x9"),
    )

    assert counts == ("0x3", "0x3", "0x0", None)
