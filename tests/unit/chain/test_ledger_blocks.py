"""Building, sealing and committing blocks on one validator's ledger, and reading them back.

Transactions are signed with eth-account by accounts that hold nothing: gas is metered but
free, so every fee field is 0.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from eth._utils.address import generate_contract_address
from eth.abc import SignedTransactionAPI
from eth_abi import encode
from eth_utils import ValidationError, function_signature_to_4byte_selector, keccak

from node.artifacts import load_artifact
from node.chain.extra_data import QbftExtraData, decode_extra_data, encode_extra_data
from node.chain.genesis import Genesis
from node.chain.header import BFT_MIX_HASH, QbftBlock, commit_seal_digest
from node.chain.header_rules import HeaderRuleViolation, decoded_extra
from node.chain.ledger import BuiltBlock, Ledger
from node.chain.seals import address_of, sign_digest
from node.storage.leveldb import LevelDB
from node.storage.log_index import matching_logs

SignTx = Callable[..., SignedTransactionAPI]
Build = Callable[..., BuiltBlock]
Commit = Callable[[Ledger, BuiltBlock], QbftBlock]
OpenLeveldb = Callable[[str], LevelDB]
DbItems = Callable[[LevelDB], dict[bytes, bytes]]


def indexed_blocks(
    db: LevelDB, first: int, last: int, addresses: list[bytes], topics: list[list[bytes] | None]
) -> list[int]:
    """The blocks of the logs the log index finds for a filter."""
    return [log.block_number for log in matching_logs(db, first, last, addresses, topics)]


DEPLOYER_KEY = b"\x22" * 32
AUTHOR_KEY = b"\x33" * 32
OTHER_KEY = b"\x44" * 32
RECORDER = load_artifact("Recorder")
RECORDED_TOPIC = int.from_bytes(keccak(text="Recorded(address,bytes32,uint256)"), "big")
RECORD_KEY = b"\x5a" * 32
STATUS_SUCCESS = b"\x01"
STATUS_FAILURE = b""


def recorder_address(deployer_key: bytes = DEPLOYER_KEY, nonce: int = 0) -> bytes:
    return generate_contract_address(address_of(deployer_key), nonce)


def record_call(key: bytes, value: int) -> bytes:
    selector = function_signature_to_4byte_selector("record(bytes32,uint256)")
    return selector + encode(["bytes32", "uint256"], [key, value])


def reject_call(code: int) -> bytes:
    return function_signature_to_4byte_selector("reject(uint256)") + encode(["uint256"], [code])


def deploy_tx(sign_tx: SignTx) -> SignedTransactionAPI:
    return sign_tx(DEPLOYER_KEY, 0, data=RECORDER.bytecode, gas=1_000_000)


def test_deploying_recorder_from_a_zero_balance_account_succeeds(
    ledger: Ledger, sign_tx: SignTx, build: Build, commit: Commit
) -> None:
    built = build(ledger, [deploy_tx(sign_tx)])
    commit(ledger, built)
    state = ledger.state_at(ledger.head())
    assert [receipt.state_root for receipt in built.receipts] == [STATUS_SUCCESS]
    assert state.get_code(recorder_address()) == RECORDER.deployed_bytecode
    assert state.get_balance(address_of(DEPLOYER_KEY)) == 0
    assert state.get_nonce(address_of(DEPLOYER_KEY)) == 1


def test_recording_emits_recorded_with_the_author_and_key_as_topics(
    ledger: Ledger, sign_tx: SignTx, build: Build
) -> None:
    record = sign_tx(AUTHOR_KEY, 0, to=recorder_address(), data=record_call(RECORD_KEY, 42))
    built = build(ledger, [deploy_tx(sign_tx), record])
    assert [receipt.state_root for receipt in built.receipts] == [STATUS_SUCCESS, STATUS_SUCCESS]
    (log,) = built.receipts[1].logs
    assert log.address == recorder_address()
    assert log.topics == (
        RECORDED_TOPIC,
        int.from_bytes(address_of(AUTHOR_KEY), "big"),
        int.from_bytes(RECORD_KEY, "big"),
    )
    assert log.data == (42).to_bytes(32, "big")


def test_recording_stores_the_value_under_its_key(
    ledger: Ledger, sign_tx: SignTx, build: Build, commit: Commit
) -> None:
    record = sign_tx(AUTHOR_KEY, 0, to=recorder_address(), data=record_call(RECORD_KEY, 42))
    commit(ledger, build(ledger, [deploy_tx(sign_tx), record]))
    slot = int.from_bytes(keccak(RECORD_KEY + bytes(32)), "big")
    assert ledger.state_at(ledger.head()).get_storage(recorder_address(), slot) == 42


def test_a_legacy_transaction_with_gas_price_zero_is_included(
    ledger: Ledger, sign_tx: SignTx, build: Build
) -> None:
    legacy = sign_tx(
        AUTHOR_KEY, 0, to=recorder_address(), legacy=True, data=record_call(RECORD_KEY, 1)
    )
    built = build(ledger, [deploy_tx(sign_tx), legacy])
    assert [tx.hash for tx in built.block.transactions] == [deploy_tx(sign_tx).hash, legacy.hash]
    assert built.receipts[1].state_root == STATUS_SUCCESS


def test_a_reverting_call_is_included_with_status_0_and_no_logs(
    ledger: Ledger, sign_tx: SignTx, build: Build
) -> None:
    reject = sign_tx(AUTHOR_KEY, 0, to=recorder_address(), data=reject_call(7))
    built = build(ledger, [deploy_tx(sign_tx), reject])
    assert [tx.hash for tx in built.block.transactions] == [deploy_tx(sign_tx).hash, reject.hash]
    assert built.receipts[1].state_root == STATUS_FAILURE
    assert built.receipts[1].logs == ()
    assert built.rejected == ()


def test_a_wrong_nonce_is_rejected_and_that_senders_later_transactions_deferred(
    ledger: Ledger, sign_tx: SignTx, build: Build
) -> None:
    gap = sign_tx(AUTHOR_KEY, 1, to=b"\x01" * 20)
    after_gap = sign_tx(AUTHOR_KEY, 2, to=b"\x01" * 20)
    other_first = sign_tx(OTHER_KEY, 0, to=b"\x01" * 20)
    other_second = sign_tx(OTHER_KEY, 1, to=b"\x01" * 20)
    built = build(ledger, [gap, other_first, after_gap, other_second])
    assert [(r.hash, r.reason) for r in built.rejected] == [
        (gap.hash, "Invalid transaction nonce: Expected 0, but got 1")
    ]
    assert built.deferred == (after_gap.hash,)
    assert [tx.hash for tx in built.block.transactions] == [other_first.hash, other_second.hash]
    assert len(built.receipts) == 2


def test_a_transfer_the_sender_cannot_afford_is_rejected(
    ledger: Ledger, sign_tx: SignTx, build: Build
) -> None:
    transfer = sign_tx(AUTHOR_KEY, 0, to=b"\x01" * 20, value=1)
    built = build(ledger, [transfer])
    assert [r.hash for r in built.rejected] == [transfer.hash]
    assert built.block.transactions == ()


def test_a_transaction_that_does_not_fit_the_remaining_gas_is_deferred_with_its_successors(
    ledger: Ledger, sign_tx: SignTx, build: Build, genesis: Genesis
) -> None:
    too_big = sign_tx(AUTHOR_KEY, 0, to=b"\x01" * 20, gas=genesis.gas_limit + 1)
    successor = sign_tx(AUTHOR_KEY, 1, to=b"\x01" * 20)
    other = sign_tx(OTHER_KEY, 0, to=b"\x01" * 20)
    built = build(ledger, [too_big, successor, other])
    assert built.deferred == (too_big.hash, successor.hash)
    assert built.rejected == ()
    assert [tx.hash for tx in built.block.transactions] == [other.hash]


def test_a_transaction_signed_for_another_chain_is_rejected(
    ledger: Ledger, sign_tx: SignTx, build: Build
) -> None:
    replayed = sign_tx(AUTHOR_KEY, 0, to=b"\x01" * 20, chain_id=1)
    built = build(ledger, [replayed])
    assert [r.hash for r in built.rejected] == [replayed.hash]
    assert built.block.transactions == ()


def test_building_earlier_than_parent_plus_block_period_is_refused(
    ledger: Ledger, build: Build
) -> None:
    earliest = ledger.head().timestamp + 2
    with pytest.raises(ValidationError, match=rf"before parent \+ block period \({earliest}\)"):
        build(ledger, timestamp=earliest - 1)


def test_a_built_header_has_the_bft_constants_and_a_zero_base_fee(
    ledger: Ledger, build: Build, validator: bytes, sign_tx: SignTx
) -> None:
    built = build(ledger, [deploy_tx(sign_tx)])
    header = built.block.header
    genesis_header = ledger.head()
    assert header.difficulty == 1
    assert header.nonce == b"\x00" * 8
    assert header.mix_hash == BFT_MIX_HASH
    assert header.base_fee_per_gas == 0
    assert header.coinbase == validator
    assert header.parent_hash == genesis_header.hash
    assert header.block_number == 1
    assert header.timestamp == genesis_header.timestamp + 2
    assert header.gas_limit == genesis_header.gas_limit
    assert header.gas_used == built.receipts[-1].gas_used


def test_a_built_header_lists_the_validators_with_the_genesis_hash_as_vanity(
    ledger: Ledger, build: Build, validator: bytes
) -> None:
    built = build(ledger, round_number=3)
    assert decode_extra_data(built.block.header.extra_data) == QbftExtraData(
        vanity=ledger.genesis_hash, validators=(validator,), vote=None, round=3, seals=()
    )


def test_the_coinbase_is_the_given_proposer(ledger: Ledger, build: Build) -> None:
    built = build(ledger, coinbase=b"\x0c" * 20)
    assert built.block.header.coinbase == b"\x0c" * 20


def test_every_later_block_also_carries_the_genesis_hash_as_vanity(
    ledger: Ledger, build: Build, commit: Commit
) -> None:
    commit(ledger, build(ledger))
    second = build(ledger)
    assert decode_extra_data(second.block.header.extra_data).vanity == ledger.genesis_hash


def test_building_writes_nothing_until_the_block_is_committed(
    ledger: Ledger,
    build: Build,
    sign_tx: SignTx,
    db_items: DbItems,
) -> None:
    stored = db_items(ledger.db)
    build(ledger, [deploy_tx(sign_tx)])
    assert db_items(ledger.db) == stored
    assert ledger.head().block_number == 0


def test_a_committed_block_becomes_the_head_with_its_seal_and_unchanged_hash(
    ledger: Ledger, build: Build, validator_key: bytes
) -> None:
    built = build(ledger, round_number=2)
    seal = sign_digest(validator_key, commit_seal_digest(built.block.header))
    committed = ledger.commit_sealed(built, [seal])
    assert committed.hash == built.block.hash
    assert ledger.head().hash == built.block.hash
    assert ledger.head().qbft_extra.seals == (seal,)
    assert ledger.head().qbft_extra.round == 2


def test_a_block_committed_in_a_later_round_than_it_was_built_in_carries_that_round(
    ledger: Ledger, build: Build, validator_key: bytes
) -> None:
    built = build(ledger, round_number=0)
    later = built.block.header.copy(
        extra_data=encode_extra_data(decoded_extra(built.block.header).with_round(4))
    )
    seal = sign_digest(validator_key, commit_seal_digest(later))
    committed = ledger.commit_sealed(built, [seal], round_number=4)
    assert committed.hash == built.block.hash
    assert ledger.head().qbft_extra.round == 4
    assert ledger.head().qbft_extra.seals == (seal,)


def test_a_commit_with_too_few_seals_is_refused_and_writes_nothing(
    ledger: Ledger, build: Build, sign_tx: SignTx, db_items: DbItems
) -> None:
    built = build(ledger, [deploy_tx(sign_tx)])
    stored = db_items(ledger.db)
    with pytest.raises(HeaderRuleViolation) as refused:
        ledger.commit_sealed(built, [])
    assert refused.value.rule == "commit-seal"
    assert str(refused.value) == "commit-seal: 0 commit seals, quorum is 1"
    assert ledger.head().block_number == 0
    assert db_items(ledger.db) == stored


def test_a_commit_sealed_by_a_non_validator_is_refused_and_writes_nothing(
    ledger: Ledger, build: Build, db_items: DbItems
) -> None:
    built = build(ledger)
    stored = db_items(ledger.db)
    outsider_seal = sign_digest(b"\x99" * 32, commit_seal_digest(built.block.header))
    with pytest.raises(HeaderRuleViolation, match="is not a validator"):
        ledger.commit_sealed(built, [outsider_seal])
    assert db_items(ledger.db) == stored


def test_committed_logs_are_indexed_by_address_and_topic(
    ledger: Ledger, sign_tx: SignTx, build: Build, commit: Commit
) -> None:
    commit(ledger, build(ledger, [deploy_tx(sign_tx)]))
    record = sign_tx(AUTHOR_KEY, 0, to=recorder_address(), data=record_call(RECORD_KEY, 1))
    commit(ledger, build(ledger, [record]))
    commit(ledger, build(ledger))
    assert indexed_blocks(ledger.db, 0, 3, [recorder_address()], []) == [2]
    assert indexed_blocks(ledger.db, 0, 3, [], [[RECORDED_TOPIC.to_bytes(32, "big")]]) == [2]
    assert indexed_blocks(ledger.db, 0, 3, [], [None, None, [RECORD_KEY]]) == [2]


def test_reopening_the_database_after_commits_shows_the_same_chain(
    open_leveldb: OpenLeveldb,
    genesis: Genesis,
    sign_tx: SignTx,
    build: Build,
    commit: Commit,
) -> None:
    db = open_leveldb("node")
    ledger = Ledger(db, genesis)
    first = commit(ledger, build(ledger, [deploy_tx(sign_tx)]))
    record = sign_tx(AUTHOR_KEY, 0, to=recorder_address(), data=record_call(RECORD_KEY, 9))
    second_built = build(ledger, [record])
    second = commit(ledger, second_built)
    head = ledger.head()
    receipts = [receipt.encode() for receipt in ledger.receipts(head)]
    db.close()

    reopened = Ledger(open_leveldb("node"), genesis)
    assert reopened.head().hash == second.hash
    assert reopened.head().state_root == head.state_root
    assert reopened.header_by_number(1).hash == first.hash
    assert reopened.header_by_hash(second.hash) == head
    assert [r.encode() for r in reopened.receipts(reopened.head())] == receipts
    assert receipts == [r.encode() for r in second_built.receipts]
    assert reopened.transaction_location(deploy_tx(sign_tx).hash) == (1, 0)
    assert reopened.transaction_location(record.hash) == (2, 0)
    assert [tx.hash for tx in reopened.block(reopened.head()).transactions] == [record.hash]
    slot = int.from_bytes(keccak(RECORD_KEY + bytes(32)), "big")
    assert reopened.state_at(reopened.head()).get_storage(recorder_address(), slot) == 9


def test_lookups_of_unknown_blocks_and_transactions_return_none(
    ledger: Ledger, build: Build, commit: Commit
) -> None:
    commit(ledger, build(ledger))
    assert ledger.header_by_number(2) is None
    assert ledger.header_by_hash(b"\x0f" * 32) is None
    assert ledger.transaction_location(b"\x0f" * 32) is None


def test_a_block_built_but_not_committed_is_not_found_by_hash(ledger: Ledger, build: Build) -> None:
    built = build(ledger)
    assert ledger.header_by_hash(built.block.hash) is None
