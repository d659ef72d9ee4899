"""Committed blocks are final, and one transaction py-evm cannot execute never stops a block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
import rlp
from eth.abc import SignedTransactionAPI
from eth_utils import ValidationError

from node.chain.extra_data import QbftExtraData, decode_extra_data, encode_extra_data
from node.chain.genesis import GenesisError, parse_genesis
from node.chain.header import QbftBlock
from node.chain.header_rules import HeaderRuleViolation
from node.chain.ledger import BuiltBlock, Ledger

SignTx = Callable[..., SignedTransactionAPI]
Build = Callable[..., BuiltBlock]
Commit = Callable[[Ledger, BuiltBlock], QbftBlock]

SENDER_KEY = b"\x44" * 32
OTHER_KEY = b"\x55" * 32
TOO_LARGE_INIT_CODE = b"\x00" * (49152 + 1)


def over_the_wire(block: QbftBlock) -> QbftBlock:
    return cast(QbftBlock, rlp.decode(rlp.encode(block), sedes=QbftBlock))


def test_a_competing_block_at_a_committed_height_is_refused_as_final(
    ledger: Ledger, follower: Ledger, build: Build, commit: Commit
) -> None:
    first = commit(ledger, build(ledger))
    rival = commit(follower, build(follower, timestamp=first.header.timestamp + 5))
    assert rival.number == first.number
    with pytest.raises(HeaderRuleViolation) as refused:
        ledger.import_block(over_the_wire(rival), now=rival.header.timestamp)
    assert refused.value.rule == "finality"
    assert ledger.head().hash == first.hash


def test_importing_a_block_already_committed_returns_it_and_changes_nothing(
    ledger: Ledger, follower: Ledger, build: Build, commit: Commit
) -> None:
    first = commit(ledger, build(ledger))
    second = commit(ledger, build(ledger))
    for block in (first, second):
        follower.import_block(over_the_wire(block), now=block.header.timestamp)
    again = follower.import_block(over_the_wire(first), now=first.header.timestamp)
    assert again.hash == first.hash
    assert follower.head().hash == second.hash


def test_a_transaction_py_evm_cannot_execute_is_rejected_and_the_block_still_built(
    ledger: Ledger, follower: Ledger, sign_tx: SignTx, build: Build, commit: Commit
) -> None:
    poison = sign_tx(SENDER_KEY, 0, data=TOO_LARGE_INIT_CODE, gas=30_000_000)
    healthy = sign_tx(OTHER_KEY, 0, to=b"\x01" * 20)
    built = build(ledger, [poison, healthy])
    assert [r.hash for r in built.rejected] == [poison.hash]
    assert [tx.hash for tx in built.block.transactions] == [healthy.hash]
    block = commit(ledger, built)
    imported = follower.import_block(over_the_wire(block), now=block.header.timestamp)
    assert imported.header.state_root == block.header.state_root


def test_blocks_list_the_genesis_validators_in_ascending_order(
    genesis_document: dict[str, Any], open_ledger: Any, build: Build
) -> None:
    validators = [b"\x09" * 20, b"\x03" * 20, b"\x07" * 20]
    extra = decode_extra_data(bytes.fromhex(genesis_document["extraData"][2:]))
    unsorted = encode_extra_data(QbftExtraData(extra.vanity, tuple(validators), None, 0, ()))
    genesis_document["extraData"] = "0x" + unsorted.hex()
    ledger = open_ledger("unsorted", parse_genesis(genesis_document))
    header = build(ledger, coinbase=b"\x03" * 20).block.header
    assert decode_extra_data(header.extra_data).validators == tuple(sorted(validators))


def test_a_genesis_listing_a_validator_twice_is_refused(genesis_document: dict[str, Any]) -> None:
    extra = decode_extra_data(bytes.fromhex(genesis_document["extraData"][2:]))
    doubled = QbftExtraData(extra.vanity, extra.validators * 2, None, 0, ())
    genesis_document["extraData"] = "0x" + encode_extra_data(doubled).hex()
    with pytest.raises(GenesisError, match="extraData lists a validator twice"):
        parse_genesis(genesis_document)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("blob_gas_used", 131072, "a QBFT block carries no blobs"),
        ("excess_blob_gas", 131072, "a QBFT block carries no blobs"),
        ("parent_beacon_block_root", b"\x01" * 32, "parent beacon block root is zero"),
    ],
)
def test_a_block_with_blob_or_beacon_fields_is_refused(
    ledger: Ledger,
    follower: Ledger,
    build: Build,
    commit: Commit,
    reseal: Callable[..., QbftBlock],
    field: str,
    value: object,
    message: str,
) -> None:
    block = commit(ledger, build(ledger))
    tampered = reseal(block, **{field: value})
    with pytest.raises(ValidationError, match=message):
        follower.import_block(over_the_wire(tampered), now=block.header.timestamp)
    assert follower.head().block_number == 0
