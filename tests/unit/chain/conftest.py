"""Shared parts of the chain specifications: a one-validator QBFT genesis, ledgers on real
LevelDB directories, transactions signed with eth-account and real commit seals.

Test modules cannot import this file (pytest runs in importlib mode), so helpers reach them as
fixtures that return functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from eth.abc import SignedTransactionAPI
from eth.constants import BLANK_ROOT_HASH, EMPTY_SHA256, EMPTY_UNCLE_HASH, ZERO_HASH32
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth_account import Account
from eth_typing import Address, BlockNumber, Hash32

from node.chain.extra_data import QbftExtraData, decode_extra_data, encode_extra_data
from node.chain.genesis import Genesis, parse_genesis
from node.chain.header import BFT_MIX_HASH, QbftBlock, QbftBlockHeader, commit_seal_digest
from node.chain.ledger import BuiltBlock, Ledger
from node.chain.seals import sign_digest
from node.storage.leveldb import LevelDB

CHAIN_ID = 1337
GENESIS_TIMESTAMP = 1_700_000_000
BLOCK_PERIOD = 2
VALIDATOR_KEY = b"\x11" * 32
# The address of VALIDATOR_KEY, as eth-account derives it.
VALIDATOR = bytes.fromhex("19e7e376e7c213b7e7e7e46cc70a5dd086daff2a")

SignTx = Callable[..., SignedTransactionAPI]
SealBlock = Callable[..., QbftBlock]
Build = Callable[..., BuiltBlock]
Commit = Callable[[Ledger, BuiltBlock], QbftBlock]
OpenLedger = Callable[..., Ledger]


def qbft_genesis_document(validators: Sequence[bytes] = (VALIDATOR,)) -> dict[str, Any]:
    """A geth/Besu-style QBFT genesis: Prague from block 0, zero base fee, no alloc."""
    extra = QbftExtraData(b"\x00" * 32, tuple(validators), None, 0, ())
    return {
        "config": {
            "chainId": CHAIN_ID,
            "berlinBlock": 0,
            "londonBlock": 0,
            "shanghaiTime": 0,
            "cancunTime": 0,
            "pragueTime": 0,
            "qbft": {
                "blockperiodseconds": BLOCK_PERIOD,
                "epochlength": 30000,
                "requesttimeoutseconds": 4,
            },
        },
        "nonce": "0x0",
        "timestamp": hex(GENESIS_TIMESTAMP),
        "gasLimit": "0x1c9c380",
        "difficulty": "0x1",
        "mixHash": "0x" + BFT_MIX_HASH.hex(),
        "coinbase": "0x" + "00" * 20,
        "baseFeePerGas": "0x0",
        "extraData": "0x" + encode_extra_data(extra).hex(),
        "alloc": {},
    }


@pytest.fixture
def genesis_document() -> dict[str, Any]:
    return qbft_genesis_document()


@pytest.fixture
def genesis(genesis_document: dict[str, Any]) -> Genesis:
    return parse_genesis(genesis_document)


@pytest.fixture
def validator_key() -> bytes:
    return VALIDATOR_KEY


@pytest.fixture
def validator() -> Address:
    return Address(VALIDATOR)


@pytest.fixture
def open_leveldb(tmp_path: Path) -> Iterator[Callable[[str], LevelDB]]:
    """Open (or reopen) ``tmp_path/<name>`` as a LevelDB; every one is closed at teardown."""
    opened: list[LevelDB] = []

    def open_db(name: str) -> LevelDB:
        db = LevelDB(tmp_path / name)
        opened.append(db)
        return db

    yield open_db
    for db in opened:
        db.close()


@pytest.fixture
def open_ledger(open_leveldb: Callable[[str], LevelDB], genesis: Genesis) -> OpenLedger:
    """A ledger in ``tmp_path/<name>``, on the test's genesis unless another is given."""

    def open_(name: str, chain_genesis: Genesis | None = None) -> Ledger:
        return Ledger(open_leveldb(name), chain_genesis if chain_genesis is not None else genesis)

    return open_


@pytest.fixture
def ledger(open_ledger: OpenLedger) -> Ledger:
    """The proposing validator's ledger."""
    return open_ledger("producer")


@pytest.fixture
def follower(open_ledger: OpenLedger) -> Ledger:
    """A second node's ledger on the same genesis, which imports what the producer built."""
    return open_ledger("follower")


def signed_transaction(
    key: bytes,
    nonce: int,
    *,
    to: bytes | None = None,
    data: bytes = b"",
    gas: int = 300_000,
    value: int = 0,
    chain_id: int = CHAIN_ID,
    legacy: bool = False,
) -> SignedTransactionAPI:
    """A zero-fee transaction signed by eth-account, decoded as py-evm's Prague transaction."""
    fields: dict[str, Any] = {
        "chainId": chain_id,
        "nonce": nonce,
        "gas": gas,
        "value": value,
        "data": data,
    }
    if to is not None:
        fields["to"] = to
    if legacy:
        fields["gasPrice"] = 0
    else:
        fields.update(type=2, maxFeePerGas=0, maxPriorityFeePerGas=0)
    raw = bytes(Account.from_key(key).sign_transaction(fields).raw_transaction)
    return PragueTransactionBuilder.decode(raw)


@pytest.fixture
def sign_tx() -> SignTx:
    return signed_transaction


def with_seals(block: QbftBlock, keys: Iterable[bytes]) -> QbftBlock:
    """``block`` with a commit seal of each key over its commit-seal digest; nothing is written."""
    digest = commit_seal_digest(block.header)
    seals = tuple(sign_digest(key, digest) for key in keys)
    extra = decode_extra_data(block.header.extra_data).with_seals(seals)
    header = block.header.copy(extra_data=encode_extra_data(extra))
    return block.copy(header=header)


def resealed(
    block: QbftBlock, keys: Iterable[bytes] = (VALIDATOR_KEY,), **changes: Any
) -> QbftBlock:
    """``block`` with header fields changed (``extra`` replaces the decoded extraData), sealed
    again, so the change is the only thing wrong with it."""
    extra: QbftExtraData = changes.pop("extra", decode_extra_data(block.header.extra_data))
    header = block.header.copy(extra_data=encode_extra_data(extra.with_seals(())), **changes)
    return with_seals(block.copy(header=header), keys)


@pytest.fixture
def seal_block() -> SealBlock:
    return with_seals


@pytest.fixture
def reseal() -> SealBlock:
    return resealed


@pytest.fixture
def build() -> Build:
    """Build on the head of a ledger, one block period after it, proposed by the validator."""

    def build_(
        on: Ledger,
        transactions: Iterable[SignedTransactionAPI] = (),
        **options: Any,
    ) -> BuiltBlock:
        options.setdefault("coinbase", Address(VALIDATOR))
        options.setdefault("timestamp", on.head().timestamp + BLOCK_PERIOD)
        return on.build_block(transactions, **options)

    return build_


@pytest.fixture
def commit(validator_key: bytes) -> Commit:
    """Seal a built block with the validator's key and commit it."""

    def commit_(on: Ledger, built: BuiltBlock) -> QbftBlock:
        seal = sign_digest(validator_key, commit_seal_digest(built.block.header))
        return on.commit_sealed(built, [seal])

    return commit_


@pytest.fixture
def db_items() -> Callable[[LevelDB], dict[bytes, bytes]]:
    """Everything stored in a LevelDB, to show that a refused operation wrote nothing."""

    def items(db: LevelDB) -> dict[bytes, bytes]:
        return dict(db.iterate_range(b"", b"\xff" * 64))

    return items


def header_with_extra(extra: QbftExtraData, **fields: Any) -> QbftBlockHeader:
    """A block-1 header with fixed field values and the given extraData."""
    values: dict[str, Any] = {
        "parent_hash": Hash32(b"\x01" * 32),
        "uncles_hash": EMPTY_UNCLE_HASH,
        "coinbase": Address(VALIDATOR),
        "state_root": BLANK_ROOT_HASH,
        "transaction_root": BLANK_ROOT_HASH,
        "receipt_root": BLANK_ROOT_HASH,
        "bloom": 0,
        "difficulty": 1,
        "block_number": BlockNumber(1),
        "gas_limit": 30_000_000,
        "gas_used": 0,
        "timestamp": GENESIS_TIMESTAMP + BLOCK_PERIOD,
        "extra_data": encode_extra_data(extra),
        "mix_hash": BFT_MIX_HASH,
        "nonce": b"\x00" * 8,
        "base_fee_per_gas": 0,
        "withdrawals_root": BLANK_ROOT_HASH,
        "blob_gas_used": 0,
        "excess_blob_gas": 0,
        "parent_beacon_block_root": ZERO_HASH32,
        "requests_hash": EMPTY_SHA256,
    }
    values.update(fields)
    return QbftBlockHeader(**values)


@pytest.fixture
def make_header() -> Callable[..., QbftBlockHeader]:
    return header_with_extra
