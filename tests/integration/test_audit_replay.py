"""``dcl audit replay`` on a chain produced by the contracts' acceptance scenario on a real
node: the untouched chain replays to the node's own head and state root; a chain with one byte
flipped (in a transaction, a seal, each header field and each part of extraData), or a block
forged and re-sealed by a validator, is caught at that block by the first check, in the
documented order, that it breaks."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rlp
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth_account import Account
from eth_utils import keccak

from genesis.dev_keys import dev_validator_key
from node.audit.block_source import ChainFileSource
from node.audit.replay import Replayer, ReplayFailure, open_replay_ledger
from node.chain.chain_file import split_blocks
from node.chain.chain_reader import ChainReader
from node.chain.extra_data import QbftExtraData, decode_extra_data, encode_extra_data
from node.chain.genesis import load_genesis
from node.chain.header import QbftBlock, commit_seal_digest
from node.chain.seals import SECP256K1_N, sign_digest
from node.chain.vm import trie_root_and_nodes
from node.cli import main
from node.datadir import DataDir
from node.storage.leveldb import LevelDB
from tests.support.block_bytes import (
    EXTRA_DATA_PARTS,
    HEADER_FIELDS,
    extra_data_part_spans,
    first_seal_span,
    flip,
    header_field_spans,
    transaction_spans,
)
from tests.support.node_process import run_dcl, running_node
from tests.support.rpc_compat import FIXTURES
from tests.support.scenario_chain import ScenarioChain, shared_scenario_chain

BAD = 4
"""The block every tampering test alters: a registration with its events."""

FLIPPED_HEADER_FIELD_CAUGHT_BY = {
    "parent_hash": "parent-link",
    "uncles_hash": "seals",
    "coinbase": "seals",
    "state_root": "seals",
    "transaction_root": "seals",
    "receipt_root": "seals",
    "bloom": "seals",
    "difficulty": "decoding",  # 0x01 becomes 0x00, not a canonical RLP integer
    "block_number": "parent-link",
    "gas_limit": "seals",
    "gas_used": "seals",
    "timestamp": "seals",
    "extra_data": "seals",  # its last byte is the seal's recovery id
    "mix_hash": "seals",
    "nonce": "seals",
    "base_fee_per_gas": "decoding",  # 0x80 (zero) becomes a one-byte string prefix
    "withdrawals_root": "seals",
    "blob_gas_used": "decoding",
    "excess_blob_gas": "decoding",
    "parent_beacon_block_root": "seals",
    "requests_hash": "seals",
}
FLIPPED_EXTRA_DATA_PART_CAUGHT_BY = {
    "vanity": "seals",
    "validators": "seals",
    "vote": "decoding",  # the empty list 0xc0 becomes 0xc1
    "round": "decoding",  # round 0, 0x80, becomes a one-byte string prefix
    "seals": "seals",
}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> ScenarioChain:
    return shared_scenario_chain(tmp_path_factory)


@pytest.fixture(scope="module")
def blocks(scenario: ScenarioChain) -> list[bytes]:
    return [item for _, item in split_blocks(scenario.chain.read_bytes())]


def replay_blocks(scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path) -> Any:
    chain = tmp_path / "tampered.rlp"
    chain.write_bytes(b"".join(blocks))
    db, ledger = open_replay_ledger(tmp_path / "replay", load_genesis(scenario.genesis))
    try:
        return Replayer(ledger).run(ChainFileSource(chain))
    finally:
        db.close()


def with_block(blocks: list[bytes], number: int, block: bytes) -> list[bytes]:
    return [*blocks[:number], block, *blocks[number + 1 :]]


def first_failure(scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path) -> tuple[int, str]:
    failure = replay_blocks(scenario, blocks, tmp_path).failure
    assert isinstance(failure, ReplayFailure)
    return failure.block, failure.check


# -- the untouched chain ------------------------------------------------------------------------


def test_replaying_the_exported_scenario_chain_reaches_the_nodes_head_and_state_root(
    scenario: ScenarioChain, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    result = run_dcl(
        "audit", "replay", "--genesis", scenario.genesis, "--chain", scenario.chain,
        "--report", report,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")  # no progress line off a terminal
    assert result.stdout.splitlines()[1] == (
        f"verified: head #{scenario.head_number} {scenario.head_hash}"
        f" state root {scenario.head_state_root}"
    )
    written = json.loads(report.read_text())
    assert (written["ok"], written["failure"], written["head"]) == (
        True,
        None,
        {
            "number": scenario.head_number,
            "hash": scenario.head_hash,
            "stateRoot": scenario.head_state_root,
        },
    )


def test_the_report_counts_every_block_and_transaction_after_genesis(
    scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    result = replay_blocks(scenario, blocks, tmp_path)
    decoded = [rlp.decode(block, sedes=QbftBlock) for block in blocks[1:]]
    assert (result.blocks, result.transactions) == (
        scenario.head_number,
        sum(len(block.transactions) for block in decoded),
    )
    assert result.to_json()["checks"] == [
        "decoding", "parent-link", "seals", "proposer", "timestamp", "header-fields",
        "transactions-root", "permissioning", "transaction-validity", "gas-used",
        "receipts-root", "logs-bloom", "state-root", "requests-hash",
    ]  # fmt: skip


def test_replaying_the_stopped_nodes_data_directory_reaches_the_same_head(
    scenario: ScenarioChain,
) -> None:
    result = run_dcl(
        "audit", "replay", "--genesis", scenario.genesis, "--datadir", scenario.datadir
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        f"verified: head #{scenario.head_number} {scenario.head_hash}"
        f" state root {scenario.head_state_root}"
    )


def test_replay_refuses_the_data_directory_of_a_running_node(
    scenario: ScenarioChain, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(scenario.datadir, copy)
    with running_node(copy, "--no-empty-blocks"):
        result = run_dcl("audit", "replay", "--genesis", scenario.genesis, "--datadir", copy)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"dcl: error: {copy / 'chaindata'} is in use by another process"
        " (stop that node, or work on a copy)"
    )


def test_the_replay_database_is_deleted_afterwards(
    scenario: ScenarioChain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert main(["audit", "replay", "--genesis", str(FIXTURES / "genesis.json"),
                 "--chain", str(FIXTURES / "chain.rlp")]) == 0  # fmt: skip
    assert list(scratch.iterdir()) == []


def test_a_kept_replay_is_a_data_directory_holding_the_verified_chain(
    scenario: ScenarioChain, tmp_path: Path
) -> None:
    kept = tmp_path / "kept"
    result = run_dcl(
        "audit", "replay", "--genesis", scenario.genesis, "--chain", scenario.chain,
        "--keep", kept,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = DataDir(kept)
    db = LevelDB(data.chaindata)
    try:
        head = ChainReader(db, data.load_genesis()).head()
    finally:
        db.close()
    assert ("0x" + head.hash.hex(), "0x" + head.state_root.hex()) == (
        scenario.head_hash,
        scenario.head_state_root,
    )


def test_a_replay_onto_a_non_empty_directory_is_refused(
    scenario: ScenarioChain, tmp_path: Path
) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    result = run_dcl(
        "audit", "replay", "--genesis", scenario.genesis, "--chain", scenario.chain,
        "--keep", kept,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (f"dcl: error: {kept} is not empty: --keep needs a new directory\n")


# -- one byte flipped ----------------------------------------------------------------------------


def test_a_tampered_chain_exits_2_naming_the_block_and_the_first_failed_check(
    scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    spans = header_field_spans(blocks[BAD])
    tampered = tmp_path / "tampered.rlp"
    tampered.write_bytes(
        b"".join(with_block(blocks, BAD, flip(blocks[BAD], spans["gas_used"].last_byte)))
    )
    report = tmp_path / "report.json"
    result = run_dcl(
        "audit", "replay", "--genesis", scenario.genesis, "--chain", tampered, "--report", report
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(
        f"dcl: audit replay: block #{BAD} failed check seals: commit-seal: 0x"
    )
    assert result.stdout.splitlines()[1].startswith(
        f"verified before the failure: head #{BAD - 1} "
    )
    failure = json.loads(report.read_text())["failure"]
    assert (failure["block"], failure["check"], failure["offset"]) == (
        BAD,
        "seals",
        sum(len(block) for block in blocks[:BAD]),
    )


@pytest.mark.parametrize("field", HEADER_FIELDS)
def test_a_flipped_byte_in_each_header_field_is_caught_at_its_block(
    field: str, scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    position = header_field_spans(blocks[BAD])[field].last_byte
    tampered = with_block(blocks, BAD, flip(blocks[BAD], position))
    assert first_failure(scenario, tampered, tmp_path) == (
        BAD,
        FLIPPED_HEADER_FIELD_CAUGHT_BY[field],
    )


@pytest.mark.parametrize("part", EXTRA_DATA_PARTS)
def test_a_flipped_byte_in_each_part_of_extra_data_is_caught_at_its_block(
    part: str, scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    position = extra_data_part_spans(blocks[BAD])[part].last_byte
    tampered = with_block(blocks, BAD, flip(blocks[BAD], position))
    assert first_failure(scenario, tampered, tmp_path) == (
        BAD,
        FLIPPED_EXTRA_DATA_PART_CAUGHT_BY[part],
    )


@pytest.mark.parametrize("byte", [0, 31, 32, 63])
def test_a_flipped_byte_in_a_seals_r_or_s_is_caught_by_the_seal_check(
    byte: int, scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    position = first_seal_span(blocks[BAD]).content + byte
    tampered = with_block(blocks, BAD, flip(blocks[BAD], position))
    assert first_failure(scenario, tampered, tmp_path) == (BAD, "seals")


def test_a_flipped_byte_in_a_transaction_is_caught_by_the_transactions_root(
    scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    position = transaction_spans(blocks[BAD])[0].last_byte
    tampered = with_block(blocks, BAD, flip(blocks[BAD], position))
    assert first_failure(scenario, tampered, tmp_path) == (BAD, "transactions-root")


def test_a_flipped_byte_in_the_genesis_block_is_caught_at_block_0(
    scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    position = header_field_spans(blocks[0])["state_root"].last_byte
    tampered = with_block(blocks, 0, flip(blocks[0], position))
    assert first_failure(scenario, tampered, tmp_path) == (0, "parent-link")


def test_a_truncated_chain_file_is_caught_by_decoding_at_the_cut_block(
    scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    tampered = [*blocks[:BAD], blocks[BAD][:-3]]
    assert first_failure(scenario, tampered, tmp_path) == (BAD, "decoding")


def test_a_missing_block_is_caught_by_the_parent_link_of_the_next(
    scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    tampered = [*blocks[:BAD], *blocks[BAD + 1 :]]
    assert first_failure(scenario, tampered, tmp_path) == (BAD, "parent-link")


# -- blocks forged and re-sealed by a validator (its key stolen) --------------------------------


def resealed(block: bytes, forge: Callable[[QbftBlock], QbftBlock]) -> bytes:
    """``block`` changed by ``forge`` and sealed again with the scenario's validator key."""
    forged = forge(rlp.decode(block, sedes=QbftBlock))
    header = forged.header
    extra = decode_extra_data(header.extra_data)
    seal = sign_digest(dev_validator_key(1), commit_seal_digest(header))
    sealed = header.copy(extra_data=encode_extra_data(extra.with_seals((seal,))))
    return rlp.encode(forged.copy(header=sealed))


def header_change(**fields: Any) -> Callable[[QbftBlock], QbftBlock]:
    return lambda block: block.copy(header=block.header.copy(**fields))


def extra_change(**parts: Any) -> Callable[[QbftBlock], QbftBlock]:
    def forge(block: QbftBlock) -> QbftBlock:
        extra = decode_extra_data(block.header.extra_data)
        changed = QbftExtraData(**{**extra.__dict__, **parts})
        return block.copy(header=block.header.copy(extra_data=encode_extra_data(changed)))

    return forge


def seals_change(change: Callable[[bytes], tuple[bytes, ...]]) -> Callable[[bytes], bytes]:
    """After re-sealing, replace the seals with ``change(seal)``."""

    def apply(block: bytes) -> bytes:
        decoded = rlp.decode(block, sedes=QbftBlock)
        extra = decode_extra_data(decoded.header.extra_data)
        changed = extra.with_seals(change(extra.seals[0]))
        header = decoded.header.copy(extra_data=encode_extra_data(changed))
        return rlp.encode(decoded.copy(header=header))

    return apply


def high_s(seal: bytes) -> tuple[bytes, ...]:
    """The same signature in its other, high-s form (s' = n - s, recovery id flipped)."""
    s = int.from_bytes(seal[32:64], "big")
    return (seal[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([seal[64] ^ 1]),)


def replayed_transaction(block: QbftBlock, blocks: list[bytes]) -> QbftBlock:
    """The body replaced by the transaction of the block before (its nonce is used), with a
    matching transactions root."""
    later = rlp.decode(blocks[BAD - 1], sedes=QbftBlock).transactions
    root = trie_root_and_nodes(later)[0]
    return block.copy(transactions=later, header=block.header.copy(transaction_root=root))


def parent_timestamp(blocks: list[bytes]) -> int:
    return int(rlp.decode(blocks[BAD - 1], sedes=QbftBlock).header.timestamp)


FORGERIES: dict[str, tuple[Callable[[list[bytes]], Callable[[QbftBlock], QbftBlock]], str]] = {
    "another proposer": (lambda _: header_change(coinbase=b"\x11" * 20), "proposer"),
    "the parent's timestamp": (
        lambda blocks: header_change(timestamp=parent_timestamp(blocks)),
        "timestamp",
    ),
    "a timestamp in the future": (
        lambda _: header_change(timestamp=4_000_000_000),
        "timestamp",
    ),
    "difficulty 2": (lambda _: header_change(difficulty=2), "header-fields"),
    "a nonce": (lambda _: header_change(nonce=b"\x00" * 7 + b"\x01"), "header-fields"),
    "another mixHash": (lambda _: header_change(mix_hash=b"\x22" * 32), "header-fields"),
    "a higher gas limit": (
        lambda _: header_change(gas_limit=100_000_001),
        "header-fields",
    ),
    "a base fee": (lambda _: header_change(base_fee_per_gas=7), "header-fields"),
    "an ommers hash": (lambda _: header_change(uncles_hash=b"\x33" * 32), "header-fields"),
    "a withdrawals root": (
        lambda _: header_change(withdrawals_root=b"\x44" * 32),
        "header-fields",
    ),
    "blob gas used": (lambda _: header_change(blob_gas_used=131072), "header-fields"),
    "a beacon root": (
        lambda _: header_change(parent_beacon_block_root=b"\x55" * 32),
        "header-fields",
    ),
    "another validator list": (
        lambda _: extra_change(validators=(b"\x01" * 20, b"\x02" * 20)),
        "header-fields",
    ),
    "another vanity": (lambda _: extra_change(vanity=b"\x66" * 32), "header-fields"),
    "a transactions root": (
        lambda _: header_change(transaction_root=b"\x77" * 32),
        "transactions-root",
    ),
    "a transaction included before": (
        lambda blocks: lambda block: replayed_transaction(block, blocks),
        "transaction-validity",
    ),
    "gas used": (lambda _: header_change(gas_used=21_000), "gas-used"),
    "a receipts root": (lambda _: header_change(receipt_root=b"\x88" * 32), "receipts-root"),
    "a logs bloom": (lambda _: header_change(bloom=1), "logs-bloom"),
    "a state root": (lambda _: header_change(state_root=b"\x99" * 32), "state-root"),
    "a requests hash": (lambda _: header_change(requests_hash=b"\xaa" * 32), "requests-hash"),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_block_forged_and_resealed_by_a_validator_fails_the_check_it_breaks(
    forgery: str, scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    make, check = FORGERIES[forgery]
    tampered = with_block(blocks, BAD, resealed(blocks[BAD], make(blocks)))
    assert first_failure(scenario, tampered, tmp_path) == (BAD, check)


def test_a_block_carrying_an_unregistered_accounts_transaction_fails_permissioning(
    scenario: ScenarioChain, blocks: list[bytes], tmp_path: Path
) -> None:
    """The rule every validator applies to a proposal: a replay finds the block and the
    sender with the same words."""
    stranger = Account.from_key(keccak(b"an account no exchange registered"))
    raw = stranger.sign_transaction(
        {"type": 2, "chainId": 1337, "nonce": 0, "to": stranger.address, "gas": 21_000,
         "value": 0, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
    ).raw_transaction  # fmt: skip
    forbidden = PragueTransactionBuilder.decode(bytes(raw))

    def carry(block: QbftBlock) -> QbftBlock:
        body = (*block.transactions, forbidden)
        root = trie_root_and_nodes(body)[0]
        return block.copy(transactions=body, header=block.header.copy(transaction_root=root))

    tampered = with_block(blocks, BAD, resealed(blocks[BAD], carry))
    failure = replay_blocks(scenario, tampered, tmp_path).failure
    index = len(rlp.decode(blocks[BAD], sedes=QbftBlock).transactions)
    assert (failure.block, failure.check, failure.detail) == (
        BAD,
        "permissioning",
        f"transaction {index} (0x{bytes(forbidden.hash).hex()}) from {stranger.address}:"
        f" account not permitted: {stranger.address} is not registered (no operator of an"
        " active exchange, regulator, regulator root or active participant)",
    )


@pytest.mark.parametrize(
    ("seals", "reason"),
    [
        (lambda seal: (seal, seal), "sealed twice"),
        (high_s, "lower half order"),
        (lambda seal: (), "0 commit seals, quorum is 1"),
    ],
    ids=["one validator twice", "high s", "no seal"],
)
def test_seals_short_of_a_quorum_of_distinct_low_s_validators_fail_the_seal_check(
    seals: Callable[[bytes], tuple[bytes, ...]],
    reason: str,
    scenario: ScenarioChain,
    blocks: list[bytes],
    tmp_path: Path,
) -> None:
    forged = seals_change(seals)(blocks[BAD])
    failure = replay_blocks(scenario, with_block(blocks, BAD, forged), tmp_path).failure
    assert (failure.block, failure.check) == (BAD, "seals")
    assert reason in failure.detail


# -- a chain without QBFT ------------------------------------------------------------------------


def test_an_ethereum_chain_replays_without_seal_and_proposer_checks(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run_dcl(
        "audit", "replay", "--genesis", FIXTURES / "genesis.json",
        "--chain", FIXTURES / "chain.rlp", "--report", report,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = json.loads(report.read_text())
    assert written["checks"] == [
        "decoding", "parent-link", "timestamp", "header-fields", "transactions-root",
        "transaction-validity", "gas-used", "receipts-root", "logs-bloom", "state-root",
        "requests-hash",
    ]  # fmt: skip
    assert (written["blocks"], written["head"]["stateRoot"]) == (
        20,
        "0x5ecd3199a7bbfd931736b92d5447d80610c6eaff932819eb3e2379d1d931f972",
    )


def test_a_forged_state_root_in_an_ethereum_chain_fails_the_state_root_check(
    tmp_path: Path,
) -> None:
    from eth.vm.forks.cancun.blocks import CancunBlock

    blocks = [item for _, item in split_blocks((FIXTURES / "chain.rlp").read_bytes())]
    bad = rlp.decode(blocks[2], sedes=CancunBlock)
    forged = bad.copy(header=bad.header.copy(state_root=b"\x11" * 32))
    chain = tmp_path / "forged.rlp"
    chain.write_bytes(b"".join(with_block(blocks, 2, rlp.encode(forged))))
    db, ledger = open_replay_ledger(tmp_path / "replay", load_genesis(FIXTURES / "genesis.json"))
    try:
        failure = Replayer(ledger).run(ChainFileSource(chain)).failure
    finally:
        db.close()
    assert failure is not None
    assert (failure.block, failure.check) == (3, "state-root")
    assert failure.detail == (
        f"the header has 0x{'11' * 32}, executing the block gives 0x{bad.header.state_root.hex()}"
    )
