"""``dcl qbft decode-extra`` and ``dcl qbft decode-message``: decoded fields as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from node.cli import main
from node.consensus.messages import encode_message
from node.consensus.round_id import RoundId
from tests.support.qbft import Peer, build_block, genesis_header, validator_keys

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "qbft"
PEERS = [Peer(key) for key in validator_keys(4)]
VALIDATORS = [peer.address for peer in PEERS]
GENESIS = genesis_header(VALIDATORS)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object, str]:
    code = main(["qbft", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else None, captured.err


def test_decode_extra_prints_each_besu_vector_as_its_decoded_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    vectors = json.loads((FIXTURES / "extra_data_vectors.json").read_text())["vectors"]
    for vector in vectors:
        code, decoded, _ = run(capsys, "decode-extra", vector["rlp"])
        assert code == 0
        assert decoded == vector["decoded"]


def test_decode_extra_refuses_bytes_that_are_not_extra_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "decode-extra", "0xc0")
    assert code == 1
    assert err == "dcl: error: extraData must be an RLP list of 5 items\n"


def test_decode_message_prints_a_commit_with_its_author_and_seal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    block = build_block(GENESIS, VALIDATORS, VALIDATORS[0], 0, GENESIS.timestamp + 1)
    commit = PEERS[1].commit(RoundId(1, 0), block)
    code, decoded, _ = run(capsys, "decode-message", "0x" + encode_message(commit).hex())
    assert code == 0
    assert decoded == {
        "type": "COMMIT",
        "code": 0x14,
        "height": 1,
        "round": 0,
        "author": "0x" + PEERS[1].address.hex(),
        "signature": "0x" + commit.signed.signature.hex(),
        "digest": "0x" + bytes(block.hash).hex(),
        "commitSeal": "0x" + commit.commit_seal.hex(),
    }


def test_decode_message_prints_a_proposal_with_its_block_and_justification(
    capsys: pytest.CaptureFixture[str],
) -> None:
    block = build_block(GENESIS, VALIDATORS, VALIDATORS[1], 1, GENESIS.timestamp + 1)
    rcs = [peer.round_change(RoundId(1, 1)).signed for peer in PEERS[:3]]
    proposal = PEERS[1].proposal(RoundId(1, 1), block, rcs)
    code, decoded, _ = run(capsys, "decode-message", encode_message(proposal).hex())
    assert code == 0
    assert isinstance(decoded, dict)
    assert (decoded["type"], decoded["round"], decoded["prepares"]) == ("PROPOSAL", 1, [])
    assert decoded["block"]["hash"] == "0x" + bytes(block.hash).hex()
    assert decoded["block"]["coinbase"] == "0x" + VALIDATORS[1].hex()
    assert decoded["block"]["extraData"]["round"] == 1
    assert [rc["author"] for rc in decoded["roundChanges"]] == [
        "0x" + peer.address.hex() for peer in PEERS[:3]
    ]
    assert decoded["roundChanges"][0]["preparedRound"] is None


def test_decode_message_uses_the_code_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    prepare = PEERS[0].prepare(RoundId(7, 2), b"\x11" * 32)
    data = encode_message(prepare).hex()
    code, decoded, _ = run(capsys, "decode-message", data, "--code", "0x13")
    assert code == 0 and isinstance(decoded, dict)
    assert (decoded["type"], decoded["height"], decoded["round"]) == ("PREPARE", 7, 2)
    code, _, err = run(capsys, "decode-message", data, "--code", "0x14")
    assert code == 1
    assert err == "dcl: error: commit payload must have 4 items, got 3\n"


def test_decode_message_refuses_text_that_is_not_hex(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "decode-message", "0xzz")
    assert code == 1
    assert err == "dcl: error: not a hex string: '0xzz'\n"


def test_decode_message_prints_a_round_change_with_its_prepared_certificate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    block = build_block(GENESIS, VALIDATORS, VALIDATORS[0], 0, GENESIS.timestamp + 1)
    prepares = [peer.prepare(RoundId(1, 0), bytes(block.hash)).signed for peer in PEERS[:3]]
    rc = PEERS[3].round_change(RoundId(1, 1), block, 0, prepares)
    code, decoded, _ = run(capsys, "decode-message", encode_message(rc).hex())
    assert code == 0 and isinstance(decoded, dict)
    block_hash = "0x" + bytes(block.hash).hex()
    assert (decoded["type"], decoded["preparedRound"], decoded["preparedBlockHash"]) == (
        "ROUND_CHANGE",
        0,
        block_hash,
    )
    assert decoded["preparedBlock"]["hash"] == block_hash
    assert [p["author"] for p in decoded["prepares"]] == [
        "0x" + peer.address.hex() for peer in PEERS[:3]
    ]
    assert {p["digest"] for p in decoded["prepares"]} == {block_hash}
