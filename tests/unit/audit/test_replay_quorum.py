"""The replay's seal and proposer checks on a four-validator chain: a quorum is ceil(2n/3) = 3
distinct validators, and the proposer of block 1 round 0 is the first validator in order (the
genesis coinbase, zero, is no validator)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rlp

from node.audit.block_source import EncodedBlock
from node.audit.replay import Replayer, ReplayResult, open_replay_ledger
from node.chain.extra_data import QbftExtraData, decode_extra_data, encode_extra_data
from node.chain.genesis import Genesis, parse_genesis
from node.chain.header import BFT_MIX_HASH, QbftBlock, commit_seal_digest
from node.chain.seals import address_of, sign_digest

KEYS = [bytes([n]) * 32 for n in range(1, 5)]
VALIDATORS = sorted(address_of(key) for key in KEYS)
KEY_OF = {address_of(key): key for key in KEYS}
GENESIS_TIMESTAMP = 1_700_000_000


def four_validator_genesis() -> Genesis:
    extra = QbftExtraData(b"\x00" * 32, tuple(VALIDATORS), None, 0, ())
    return parse_genesis(
        {
            "config": {
                "chainId": 1337, "berlinBlock": 0, "londonBlock": 0, "shanghaiTime": 0,
                "cancunTime": 0, "pragueTime": 0,
                "qbft": {"blockperiodseconds": 1, "requesttimeoutseconds": 4},
            },
            "nonce": "0x0", "timestamp": hex(GENESIS_TIMESTAMP), "gasLimit": "0x1c9c380",
            "difficulty": "0x1", "mixHash": "0x" + BFT_MIX_HASH.hex(),
            "coinbase": "0x" + "00" * 20, "baseFeePerGas": "0x0",
            "extraData": "0x" + encode_extra_data(extra).hex(), "alloc": {},
        }
    )  # fmt: skip


def block_one(tmp_path: Path, proposer: bytes, signers: list[bytes]) -> bytes:
    """Block 1, built by the node's own builder with ``proposer`` as coinbase and sealed by
    ``signers``."""
    db, ledger = open_replay_ledger(tmp_path / "producer", four_validator_genesis())
    try:
        built = ledger.build_block([], coinbase=proposer, timestamp=GENESIS_TIMESTAMP + 1)
    finally:
        db.close()
    header = built.block.header
    digest = commit_seal_digest(header)
    seals = tuple(sign_digest(KEY_OF[signer], digest) for signer in signers)
    extra = decode_extra_data(header.extra_data).with_seals(seals)
    sealed = built.block.copy(header=header.copy(extra_data=encode_extra_data(extra)))
    return rlp.encode(sealed, sedes=QbftBlock)


def replay(tmp_path: Path, block: bytes) -> ReplayResult:
    db, ledger = open_replay_ledger(tmp_path / "auditor", four_validator_genesis())
    try:
        return Replayer(ledger).run([EncodedBlock(block, None)])
    finally:
        db.close()


def test_three_of_four_validators_seal_a_valid_block(tmp_path: Path) -> None:
    result = replay(tmp_path, block_one(tmp_path, VALIDATORS[0], VALIDATORS[1:]))
    assert (result.failure, result.blocks) == (None, 1)


def test_two_of_four_validators_are_short_of_the_quorum(tmp_path: Path) -> None:
    failure = replay(tmp_path, block_one(tmp_path, VALIDATORS[0], VALIDATORS[:2])).failure
    assert failure is not None
    assert (failure.block, failure.check, failure.detail) == (
        1,
        "seals",
        "commit-seal: 2 commit seals, quorum is 3",
    )


@pytest.mark.parametrize("proposer", VALIDATORS[1:])
def test_a_block_from_a_validator_out_of_turn_fails_the_proposer_check(
    proposer: bytes, tmp_path: Path
) -> None:
    failure = replay(tmp_path, block_one(tmp_path, proposer, VALIDATORS[:3])).failure
    assert failure is not None
    assert (failure.block, failure.check, failure.detail) == (
        1,
        "proposer",
        f"coinbase 0x{proposer.hex()} is not the proposer of round 0, 0x{VALIDATORS[0].hex()}",
    )
