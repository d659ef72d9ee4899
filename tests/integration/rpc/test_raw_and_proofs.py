"""debug_getRaw* and eth_getProof on a QBFT chain: the exact bytes a certificate is built
from, and proofs a verifier checks against a sealed header's state root."""

from __future__ import annotations

import rlp
from eth.rlp.accounts import Account
from eth_utils import keccak
from trie import HexaryTrie

from node.chain.extra_data import decode_extra_data
from node.chain.header import QbftBlock, QbftBlockHeader


def test_a_raw_header_carries_the_seals_and_hashes_to_the_block_hash(recorded) -> None:
    node = recorded.node
    raw = node.rpc.result("debug_getRawHeader", "0x2")
    header = rlp.decode(bytes.fromhex(raw[2:]), sedes=QbftBlockHeader)
    stored = node.ledger.header_by_number(2)
    assert header == stored
    assert "0x" + header.hash.hex() == node.rpc.result("eth_getBlockByNumber", "0x2", False)["hash"]
    assert len(decode_extra_data(header.extra_data).seals) == 1


def test_a_raw_block_is_the_stored_block_with_its_transactions(recorded) -> None:
    node = recorded.node
    raw = node.rpc.result("debug_getRawBlock", "latest")
    block = rlp.decode(bytes.fromhex(raw[2:]), sedes=QbftBlock)
    head = node.ledger.head()
    assert block.header == head
    assert [tx.hash for tx in block.transactions] == [
        tx.hash for tx in node.ledger.block(head).transactions
    ]


def test_raw_receipts_are_the_consensus_encodings_under_the_receipts_root(recorded) -> None:
    node = recorded.node
    header = node.ledger.header_by_number(2)
    raws = node.rpc.result("debug_getRawReceipts", "0x2")
    trie = HexaryTrie({})
    for index, raw in enumerate(raws):
        trie[rlp.encode(index)] = bytes.fromhex(raw[2:])
    assert raws and trie.root_hash == header.receipt_root


def test_a_raw_transaction_is_its_signed_encoding(recorded) -> None:
    node = recorded.node
    tx = node.ledger.block(node.ledger.header_by_number(2)).transactions[0]
    assert (
        node.rpc.result("debug_getRawTransaction", "0x" + tx.hash.hex()) == "0x" + tx.encode().hex()
    )


def test_an_unknown_transaction_has_no_raw_form(recorded) -> None:
    assert recorded.node.rpc.result("debug_getRawTransaction", "0x" + "ab" * 32) is None


def test_a_raw_header_of_an_unknown_block_is_an_error(recorded) -> None:
    assert recorded.node.rpc.error("debug_getRawHeader", "0x3e8") == {
        "code": -32000,
        "message": "header not found",
    }


def test_an_account_proof_verifies_against_the_sealed_state_root(recorded, kit) -> None:
    node = recorded.node
    head = node.ledger.head()
    proof = node.rpc.result("eth_getProof", kit.ALICE.address, [], "latest")
    nodes = [rlp.decode(bytes.fromhex(item[2:])) for item in proof["accountProof"]]
    encoded = HexaryTrie.get_from_proof(
        head.state_root, keccak(bytes.fromhex(kit.ALICE.address[2:])), nodes
    )
    account = rlp.decode(encoded, sedes=Account)
    assert (hex(account.balance), hex(account.nonce)) == (proof["balance"], proof["nonce"])
    assert proof["balance"] == node.rpc.result("eth_getBalance", kit.ALICE.address, "latest")


def test_a_storage_key_longer_than_32_bytes_is_refused_as_geth_does(recorded, kit) -> None:
    error = recorded.node.rpc.error("eth_getProof", kit.ALICE.address, ["0x" + "00" * 33], "latest")
    assert error == {
        "code": -32000,
        "message": "unable to decode storage key: hex string too long, want at most 32 bytes",
    }
