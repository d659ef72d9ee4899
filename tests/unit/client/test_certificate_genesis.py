"""The verifier's trust anchor: chain id, genesis hash and validators computed from the genesis
JSON alone equal what the node computes for the same file."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from client.certificate.genesis import GenesisFileError, trust_anchor
from genesis.generator import genesis_document
from node.chain.genesis import genesis_state_root, parse_genesis, qbft_genesis_header
from node.chain.seals import address_of
from tests.support.certificate_chain import market_genesis

VALIDATORS = [address_of(bytes([i]) * 32) for i in (3, 1, 2)]


def node_genesis_hash(document: dict[str, Any]) -> bytes:
    genesis = parse_genesis(document)
    return bytes(qbft_genesis_header(genesis, genesis_state_root(genesis.alloc)).hash)


def plain_genesis(**changes: Any) -> dict[str, Any]:
    document = genesis_document(VALIDATORS, [b"\x44" * 20], chain_id=2026, timestamp=1_700_000_000)
    document.update(changes)
    return document


def test_the_genesis_hash_of_a_plain_network_is_the_nodes() -> None:
    document = plain_genesis()
    assert trust_anchor(document).genesis_hash == node_genesis_hash(document)


def test_the_genesis_hash_with_predeployed_system_contracts_is_the_nodes() -> None:
    document = market_genesis()
    assert trust_anchor(document).genesis_hash == node_genesis_hash(document)


def test_alloc_storage_and_addresses_are_read_as_the_node_reads_them() -> None:
    document = plain_genesis(
        alloc={
            "55" * 20: {"balance": "12", "nonce": "0x3", "code": "0x6001"},
            "0x" + "66" * 20: {"storage": {"0x01": "0x" + "00" * 32, "0x02": "0x2a"}},
        }
    )
    assert trust_anchor(document).genesis_hash == node_genesis_hash(document)


def test_chain_id_and_sorted_validators_come_from_the_file() -> None:
    anchor = trust_anchor(plain_genesis())
    assert (anchor.chain_id, anchor.validators) == (2026, tuple(sorted(VALIDATORS)))


def test_any_change_of_the_alloc_changes_the_genesis_hash() -> None:
    document = plain_genesis()
    changed = copy.deepcopy(document)
    changed["alloc"]["0x" + "44" * 20]["balance"] = "0x1"
    assert trust_anchor(changed).genesis_hash != trust_anchor(document).genesis_hash


def test_a_genesis_without_qbft_is_refused() -> None:
    document = plain_genesis()
    del document["config"]["qbft"]
    with pytest.raises(GenesisFileError, match=r"config\.qbft"):
        trust_anchor(document)


def test_a_genesis_with_a_base_fee_is_refused() -> None:
    with pytest.raises(GenesisFileError, match="baseFeePerGas is 0"):
        trust_anchor(plain_genesis(baseFeePerGas="0x7"))


def test_a_genesis_whose_extra_data_is_not_qbft_is_refused() -> None:
    with pytest.raises(GenesisFileError, match="extraData is not QBFT extraData"):
        trust_anchor(plain_genesis(extraData="0x1234"))
