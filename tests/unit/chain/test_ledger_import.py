"""A second node imports the producer's sealed blocks, re-executing them, and refuses any block
that breaks a QBFT or EVM rule without writing anything."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import pytest
import rlp
from eth._utils.address import generate_contract_address
from eth.abc import SignedTransactionAPI
from eth_abi import encode
from eth_utils import ValidationError, function_signature_to_4byte_selector

from node.artifacts import load_artifact
from node.chain.extra_data import QbftExtraData, decode_extra_data, encode_extra_data
from node.chain.header import QbftBlock
from node.chain.header_rules import HeaderRuleViolation
from node.chain.ledger import BuiltBlock, Ledger
from node.chain.seals import address_of
from node.chain.vm import QbftPragueVM
from node.storage.block_writes import PendingBlockWrites
from node.storage.leveldb import LevelDB
from node.storage.log_index import matching_logs

SignTx = Callable[..., SignedTransactionAPI]
Build = Callable[..., BuiltBlock]
Commit = Callable[[Ledger, BuiltBlock], QbftBlock]
SealBlock = Callable[..., QbftBlock]
DbItems = Callable[[LevelDB], dict[bytes, bytes]]


def indexed_blocks(
    db: LevelDB, first: int, last: int, addresses: list[bytes], topics: list[list[bytes] | None]
) -> list[int]:
    """The blocks of the logs the log index finds for a filter."""
    return [log.block_number for log in matching_logs(db, first, last, addresses, topics)]


DEPLOYER_KEY = b"\x22" * 32
AUTHOR_KEY = b"\x33" * 32
OUTSIDER_KEY = b"\x99" * 32
RECORDER = load_artifact("Recorder")


def record_call(key: bytes, value: int) -> bytes:
    selector = function_signature_to_4byte_selector("record(bytes32,uint256)")
    return selector + encode(["bytes32", "uint256"], [key, value])


def over_the_wire(block: QbftBlock) -> QbftBlock:
    """The block as a peer receives it: RLP bytes decoded again."""
    return cast(QbftBlock, rlp.decode(rlp.encode(block), sedes=QbftBlock))


def produce(
    producer: Ledger,
    build: Build,
    commit: Commit,
    transactions: Sequence[SignedTransactionAPI] = (),
) -> QbftBlock:
    return commit(producer, build(producer, transactions))


def assert_refused(follower: Ledger, block: QbftBlock, now: float, db_items: DbItems) -> Exception:
    """Import ``block``; it must raise, and leave the follower's head and data untouched."""
    head = follower.head()
    stored = db_items(follower.db)
    with pytest.raises(ValidationError) as refused:
        follower.import_block(over_the_wire(block), now=now)
    assert follower.head() == head
    assert db_items(follower.db) == stored
    return refused.value


def rule_of(error: Exception) -> str:
    assert isinstance(error, HeaderRuleViolation), f"not a header rule violation: {error!r}"
    return error.rule


def test_a_follower_imports_the_producers_blocks_and_reaches_the_same_head_and_state(
    ledger: Ledger, follower: Ledger, sign_tx: SignTx, build: Build, commit: Commit
) -> None:
    deploy = sign_tx(DEPLOYER_KEY, 0, data=RECORDER.bytecode, gas=1_000_000)
    blocks = [
        produce(ledger, build, commit, [deploy]),
        produce(ledger, build, commit, [sign_tx(AUTHOR_KEY, 0, to=b"\x01" * 20)]),
        produce(ledger, build, commit),
    ]
    for block in blocks:
        follower.import_block(over_the_wire(block), now=block.header.timestamp)
    assert follower.head().hash == ledger.head().hash
    assert follower.head().state_root == ledger.head().state_root
    assert follower.head() == ledger.head()


def test_an_imported_block_keeps_its_seals_receipts_and_transaction_locations(
    ledger: Ledger, follower: Ledger, sign_tx: SignTx, build: Build, commit: Commit
) -> None:
    deploy = sign_tx(DEPLOYER_KEY, 0, data=RECORDER.bytecode, gas=1_000_000)
    block = produce(ledger, build, commit, [deploy])
    imported = follower.import_block(over_the_wire(block), now=block.header.timestamp)
    assert imported.hash == block.hash
    assert follower.head().extra_data == block.header.extra_data
    assert [r.encode() for r in follower.receipts(follower.head())] == [
        r.encode() for r in ledger.receipts(ledger.head())
    ]
    assert follower.transaction_location(deploy.hash) == (1, 0)


def test_an_imported_blocks_logs_are_indexed(
    ledger: Ledger, follower: Ledger, sign_tx: SignTx, build: Build, commit: Commit
) -> None:
    deploy = sign_tx(DEPLOYER_KEY, 0, data=RECORDER.bytecode, gas=1_000_000)
    recorder = generate_contract_address(address_of(DEPLOYER_KEY), 0)
    record = sign_tx(AUTHOR_KEY, 0, to=recorder, data=record_call(b"\x5a" * 32, 1))
    blocks = [produce(ledger, build, commit), produce(ledger, build, commit, [deploy, record])]
    for block in blocks:
        follower.import_block(over_the_wire(block), now=block.header.timestamp)
    assert indexed_blocks(follower.db, 0, 2, [recorder], []) == [2]
    assert indexed_blocks(
        follower.db, 0, 2, [], [None, [address_of(AUTHOR_KEY).rjust(32, b"\x00")]]
    ) == [2]


def test_a_timestamp_one_second_ahead_of_the_clock_is_imported(
    ledger: Ledger, follower: Ledger, build: Build, commit: Commit
) -> None:
    block = produce(ledger, build, commit)
    follower.import_block(over_the_wire(block), now=block.header.timestamp - 1)
    assert follower.head().hash == block.hash


def test_a_block_with_a_tampered_seal_is_refused_by_the_commit_seal_rule(
    ledger: Ledger,
    follower: Ledger,
    build: Build,
    seal_block: SealBlock,
    validator_key: bytes,
    db_items: DbItems,
) -> None:
    block = seal_block(build(ledger).block, [validator_key])
    extra = decode_extra_data(block.header.extra_data)
    (seal,) = extra.seals
    tampered_seal = seal[:10] + bytes([seal[10] ^ 0x01]) + seal[11:]
    header = block.header.copy(extra_data=encode_extra_data(extra.with_seals((tampered_seal,))))
    error = assert_refused(follower, block.copy(header=header), block.header.timestamp, db_items)
    assert rule_of(error) == "commit-seal"


def test_a_block_sealed_by_a_non_validator_is_refused_by_the_commit_seal_rule(
    ledger: Ledger, follower: Ledger, build: Build, seal_block: SealBlock, db_items: DbItems
) -> None:
    block = seal_block(build(ledger).block, [OUTSIDER_KEY])
    error = assert_refused(follower, block, block.header.timestamp, db_items)
    assert rule_of(error) == "commit-seal"


def test_a_block_without_seals_is_refused_by_the_commit_seal_rule(
    ledger: Ledger, follower: Ledger, build: Build, db_items: DbItems
) -> None:
    block = build(ledger).block
    error = assert_refused(follower, block, block.header.timestamp, db_items)
    assert rule_of(error) == "commit-seal"


def test_a_block_listing_other_validators_is_refused_by_the_validator_list_rule(
    ledger: Ledger,
    follower: Ledger,
    build: Build,
    reseal: SealBlock,
    validator: bytes,
    db_items: DbItems,
) -> None:
    block = build(ledger).block
    extra = decode_extra_data(block.header.extra_data)
    wrong = QbftExtraData(extra.vanity, (validator, b"\x02" * 20), None, extra.round, ())
    error = assert_refused(follower, reseal(block, extra=wrong), block.header.timestamp, db_items)
    assert rule_of(error) == "validator-list"


def test_a_block_with_another_vanity_is_refused_by_the_vanity_rule(
    ledger: Ledger, follower: Ledger, build: Build, reseal: SealBlock, db_items: DbItems
) -> None:
    block = build(ledger).block
    extra = decode_extra_data(block.header.extra_data)
    wrong = QbftExtraData(b"\x00" * 32, extra.validators, None, extra.round, ())
    error = assert_refused(follower, reseal(block, extra=wrong), block.header.timestamp, db_items)
    assert rule_of(error) == "vanity"


def test_a_block_whose_coinbase_is_no_validator_is_refused_by_the_proposer_rule(
    ledger: Ledger,
    follower: Ledger,
    build: Build,
    seal_block: SealBlock,
    validator_key: bytes,
    db_items: DbItems,
) -> None:
    block = seal_block(build(ledger, coinbase=b"\x0c" * 20).block, [validator_key])
    error = assert_refused(follower, block, block.header.timestamp, db_items)
    assert rule_of(error) == "proposer"


def test_a_block_more_than_one_second_ahead_of_the_clock_is_refused_by_the_timestamp_rule(
    ledger: Ledger,
    follower: Ledger,
    build: Build,
    seal_block: SealBlock,
    validator_key: bytes,
    db_items: DbItems,
) -> None:
    block = seal_block(build(ledger).block, [validator_key])
    error = assert_refused(follower, block, block.header.timestamp - 2, db_items)
    assert rule_of(error) == "timestamp"


def test_a_block_earlier_than_parent_plus_block_period_is_refused_by_the_vm(
    ledger: Ledger, follower: Ledger, build: Build, reseal: SealBlock, db_items: DbItems
) -> None:
    block = build(ledger).block
    early = reseal(block, timestamp=ledger.head().timestamp + 1)
    error = assert_refused(follower, early, early.header.timestamp, db_items)
    assert not isinstance(error, HeaderRuleViolation)
    assert str(error) == (
        f"timestamp {early.header.timestamp} is before parent + block period"
        f" ({ledger.head().timestamp + 2})"
    )


def test_a_block_with_a_non_zero_base_fee_is_refused(
    ledger: Ledger, follower: Ledger, build: Build, reseal: SealBlock, db_items: DbItems
) -> None:
    block = reseal(build(ledger).block, base_fee_per_gas=1)
    error = assert_refused(follower, block, block.header.timestamp, db_items)
    assert str(error) == "baseFeePerGas must be 0, got 1"


def test_a_block_with_a_wrong_state_root_is_refused(
    ledger: Ledger, follower: Ledger, build: Build, reseal: SealBlock, db_items: DbItems
) -> None:
    block = reseal(build(ledger).block, state_root=b"\x01" * 32)
    error = assert_refused(follower, block, block.header.timestamp, db_items)
    assert "state_root" in str(error)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("difficulty", 0, "difficulty must be 1, got 0"),
        ("nonce", b"\x00" * 7 + b"\x01", "nonce must be zero, got 0x0000000000000001"),
        ("mix_hash", b"\x00" * 32, "mixHash must be the BFT mixHash"),
    ],
)
def test_a_block_without_the_bft_header_constants_is_refused(
    ledger: Ledger,
    follower: Ledger,
    build: Build,
    reseal: SealBlock,
    db_items: DbItems,
    field: str,
    value: object,
    message: str,
) -> None:
    block = reseal(build(ledger).block, **{field: value})
    error = assert_refused(follower, block, block.header.timestamp, db_items)
    assert str(error) == message


def test_a_block_changing_the_gas_limit_is_refused(
    ledger: Ledger, follower: Ledger, build: Build, reseal: SealBlock, db_items: DbItems
) -> None:
    gas_limit = ledger.head().gas_limit
    block = reseal(build(ledger).block, gas_limit=gas_limit + 1)
    error = assert_refused(follower, block, block.header.timestamp, db_items)
    assert "gas" in str(error)


def test_a_block_on_an_unknown_parent_is_refused_by_the_parent_rule(
    ledger: Ledger, follower: Ledger, build: Build, reseal: SealBlock, db_items: DbItems
) -> None:
    block = reseal(build(ledger).block, parent_hash=b"\x0e" * 32)
    error = assert_refused(follower, block, block.header.timestamp, db_items)
    assert rule_of(error) == "parent"


def block_of_another_chains_proposer(
    on: Ledger, chain_id: int, transactions: Sequence[SignedTransactionAPI], coinbase: bytes
) -> QbftBlock:
    """A block on ``on``'s head executed by py-evm as a proposer configured for ``chain_id``
    would execute it, bypassing the ledger builder: what a faulty or hostile proposer sends."""
    chain = on.chain_class.configure(chain_id=chain_id)(PendingBlockWrites(on.db))
    parent = on.head()
    header = chain.create_header_from_parent(
        parent, coinbase=coinbase, timestamp=parent.timestamp + 2
    )
    vm = cast(QbftPragueVM, chain.get_vm(header))
    vm.block_preprocessing(vm.get_block())
    running, receipts, _ = vm.apply_all_transactions(transactions, vm.get_header())
    filled = vm.set_block_transactions_and_withdrawals(
        vm.get_block(), running, transactions, receipts, withdrawals=()
    )
    return cast(QbftBlock, vm.mine_block(vm.block_postprocessing(filled)).block)


def test_a_block_holding_a_transaction_signed_for_another_chain_is_refused(
    ledger: Ledger,
    follower: Ledger,
    sign_tx: SignTx,
    seal_block: SealBlock,
    validator: bytes,
    validator_key: bytes,
    db_items: DbItems,
) -> None:
    replayed = sign_tx(AUTHOR_KEY, 0, to=b"\x01" * 20, chain_id=1)
    block = seal_block(
        block_of_another_chains_proposer(ledger, 1, [replayed], validator), [validator_key]
    )
    assert [tx.hash for tx in block.transactions] == [replayed.hash]
    assert_refused(follower, block, block.header.timestamp, db_items)
