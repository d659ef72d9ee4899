"""The QBFT message codec: Besu 25.x layouts byte for byte, signatures, strict decoding."""

from __future__ import annotations

import pytest
import rlp
from eth.abc import SignedTransactionAPI
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth_account import Account
from eth_utils import keccak

from node.chain.header import QbftBlock
from node.chain.seals import SECP256K1_N
from node.consensus.messages import (
    Commit,
    MessageCode,
    MessageDecodingError,
    Prepare,
    PreparePayload,
    Proposal,
    QbftMessage,
    RoundChange,
    decode_message,
    encode_message,
    infer_message_code,
    sign_payload,
    signing_digest,
)
from node.consensus.round_id import RoundId
from node.consensus.signer import PrivateKeySigner
from tests.support.qbft import Peer, build_block, genesis_header, validator_keys

KEYS = validator_keys(4)
PEERS = [Peer(key) for key in KEYS]
VALIDATORS = [peer.address for peer in PEERS]
GENESIS = genesis_header(VALIDATORS)
DIGEST = bytes(range(32))


def block_at(round_number: int = 0, proposer: int = 0) -> QbftBlock:
    return build_block(
        GENESIS, VALIDATORS, VALIDATORS[proposer], round_number, GENESIS.timestamp + 1
    )


def round_trip(message: QbftMessage) -> QbftMessage:
    return decode_message(message.code, encode_message(message))


# -- layouts, byte for byte -------------------------------------------------------------------


def test_prepare_is_a_signed_list_of_height_round_and_digest() -> None:
    prepare = PEERS[0].prepare(RoundId(1, 0), DIGEST)
    payload = bytes([0xE3, 0x01, 0x80, 0xA0]) + DIGEST
    expected = bytes([0xF8, 0x67]) + payload + bytes([0xB8, 0x41]) + prepare.signed.signature
    assert encode_message(prepare) == expected


def test_a_payload_is_signed_over_keccak_of_code_and_payload() -> None:
    payload = PreparePayload(RoundId(1, 0), DIGEST)
    signed_bytes = bytes([0xE5, 0x13, 0xE3, 0x01, 0x80, 0xA0]) + DIGEST
    assert signing_digest(payload) == keccak(signed_bytes)


def test_commit_carries_digest_and_commit_seal_after_the_round() -> None:
    seal = bytes([7]) * 64 + b"\x01"
    commit = PEERS[1].commit(RoundId(300, 2), block_at(), seal)
    payload = bytes([0xF8, 0x68, 0x82, 0x01, 0x2C, 0x02, 0xA0]) + bytes(commit.digest)
    payload += bytes([0xB8, 0x41]) + seal
    expected = bytes([0xF8, 0xAD]) + payload + bytes([0xB8, 0x41]) + commit.signed.signature
    assert encode_message(commit) == expected


def test_round_change_without_preparation_has_empty_metadata_block_and_prepares() -> None:
    rc = PEERS[2].round_change(RoundId(5, 1))
    signed = [[b"\x05", b"\x01", []], rc.signed.signature]
    assert encode_message(rc) == rlp.encode([signed, [], []])


def test_round_change_with_preparation_carries_round_hash_block_and_prepares() -> None:
    block = block_at()
    prepares = [peer.prepare(RoundId(1, 0), bytes(block.hash)).signed for peer in PEERS[:3]]
    rc = PEERS[3].round_change(RoundId(1, 1), block, 0, prepares)
    signed = [[b"\x01", b"\x01", [b"", bytes(block.hash)]], rc.signed.signature]
    prepare_items = [[[b"\x01", b"", bytes(block.hash)], p.signature] for p in prepares]
    assert encode_message(rc) == rlp.encode([signed, block, prepare_items])


def test_proposal_carries_block_then_round_changes_and_prepares() -> None:
    block = block_at(1)
    rcs = [peer.round_change(RoundId(1, 1)).signed for peer in PEERS[:3]]
    proposal = PEERS[1].proposal(RoundId(1, 1), block, rcs)
    signed = [[b"\x01", b"\x01", block], proposal.signed.signature]
    rc_items = [[[b"\x01", b"\x01", []], rc.signature] for rc in rcs]
    assert encode_message(proposal) == rlp.encode([signed, [rc_items, []]])


# -- round trips ------------------------------------------------------------------------------


def test_every_message_type_decodes_to_what_was_encoded_with_its_author() -> None:
    block = block_at()
    prepares = tuple(peer.prepare(RoundId(1, 0), bytes(block.hash)).signed for peer in PEERS)
    messages = [
        PEERS[0].prepare(RoundId(1, 0), DIGEST),
        PEERS[1].commit(RoundId(1, 0), block),
        PEERS[2].round_change(RoundId(1, 3), block, 2, prepares),
        PEERS[3].proposal(RoundId(1, 0), block),
    ]
    for message in messages:
        decoded = round_trip(message)
        assert type(decoded) is type(message)
        assert decoded.author == message.author
        assert decoded == message
        assert encode_message(decoded) == encode_message(message)


def test_a_decoded_proposal_block_has_the_proposed_block_hash() -> None:
    block = block_at()
    decoded = round_trip(PEERS[0].proposal(RoundId(1, 0), block))
    assert isinstance(decoded, Proposal)
    assert decoded.block.hash == block.hash


def signed_transfer(nonce: int, legacy: bool) -> SignedTransactionAPI:
    fields: dict[str, object] = {"chainId": 1337, "nonce": nonce, "gas": 21_000, "value": 1}
    fields["to"] = b"\x22" * 20
    if legacy:
        fields["gasPrice"] = 0
    else:
        fields.update(type=2, maxFeePerGas=0, maxPriorityFeePerGas=0)
    raw = bytes(Account.from_key(b"\x33" * 32).sign_transaction(fields).raw_transaction)
    return PragueTransactionBuilder.decode(raw)


def test_a_proposed_block_with_legacy_and_typed_transactions_decodes_to_the_same_bytes() -> None:
    transactions = [signed_transfer(0, legacy=True), signed_transfer(1, legacy=False)]
    block = block_at().copy(transactions=transactions)
    proposal = PEERS[0].proposal(RoundId(1, 0), block)
    decoded = round_trip(proposal)
    assert isinstance(decoded, Proposal)
    assert [tx.hash for tx in decoded.block.transactions] == [tx.hash for tx in transactions]
    assert rlp.encode(decoded.block) == rlp.encode(block)


def test_the_code_of_bare_message_data_is_inferred_from_its_shape() -> None:
    block = block_at()
    messages = [
        PEERS[0].prepare(RoundId(1, 0), DIGEST),
        PEERS[0].commit(RoundId(1, 0), block),
        PEERS[0].round_change(RoundId(1, 1)),
        PEERS[0].proposal(RoundId(1, 0), block),
    ]
    codes = [infer_message_code(encode_message(m)) for m in messages]
    assert codes == [
        MessageCode.PREPARE,
        MessageCode.COMMIT,
        MessageCode.ROUND_CHANGE,
        MessageCode.PROPOSAL,
    ]


# -- refusals ---------------------------------------------------------------------------------


def decoding_error(code: int, data: bytes) -> str:
    with pytest.raises(MessageDecodingError) as caught:
        decode_message(code, data)
    return str(caught.value)


def prepare_data(payload: list[object], signature: bytes | None = None) -> bytes:
    signer = PrivateKeySigner(KEYS[0])
    if signature is None:
        signature = signer.sign(keccak(rlp.encode([b"\x13", payload])))
    return rlp.encode([payload, signature])


def test_bytes_that_are_not_rlp_are_refused() -> None:
    assert decoding_error(MessageCode.PREPARE, b"\xf8").startswith("not valid RLP")


def test_trailing_bytes_after_a_message_are_refused() -> None:
    data = encode_message(PEERS[0].prepare(RoundId(1, 0), DIGEST)) + b"\x00"
    assert decoding_error(MessageCode.PREPARE, data).startswith("not valid RLP")


def test_an_unknown_message_code_is_refused() -> None:
    data = encode_message(PEERS[0].prepare(RoundId(1, 0), DIGEST))
    assert decoding_error(0x16, data) == "unknown QBFT message code 0x16"


def test_a_height_with_a_leading_zero_byte_is_refused() -> None:
    data = prepare_data([b"\x00\x01", b"", DIGEST])
    assert decoding_error(MessageCode.PREPARE, data) == "height has leading zero bytes"


def test_a_round_beyond_a_java_int_is_refused() -> None:
    data = prepare_data([b"\x01", (2**31).to_bytes(4, "big"), DIGEST])
    assert decoding_error(MessageCode.PREPARE, data) == f"round out of range: {2**31}"


def test_a_short_digest_is_refused() -> None:
    data = prepare_data([b"\x01", b"", DIGEST[:31]])
    assert decoding_error(MessageCode.PREPARE, data) == "digest must be 32 bytes"


def test_a_prepare_payload_with_four_fields_is_refused() -> None:
    data = prepare_data([b"\x01", b"", DIGEST, b""])
    assert decoding_error(MessageCode.PREPARE, data) == "prepare payload must have 3 items, got 4"


def test_a_high_s_signature_is_refused() -> None:
    payload: list[object] = [b"\x01", b"", DIGEST]
    low = PrivateKeySigner(KEYS[0]).sign(keccak(rlp.encode([b"\x13", payload])))
    s = int.from_bytes(low[32:64], "big")
    high = low[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([low[64] ^ 1])
    assert decoding_error(MessageCode.PREPARE, prepare_data(payload, high)).startswith(
        "signature: seal r or s out of range"
    )


def test_a_signature_of_the_wrong_length_is_refused() -> None:
    data = prepare_data([b"\x01", b"", DIGEST], b"\x01" * 64)
    assert decoding_error(MessageCode.PREPARE, data) == "signature must be 65 bytes"


def test_a_prepare_signed_as_a_commit_recovers_another_author() -> None:
    payload: list[object] = [b"\x01", b"", DIGEST]
    signer = PrivateKeySigner(KEYS[0])
    wrong_code = signer.sign(keccak(rlp.encode([b"\x14", payload])))
    decoded = decode_message(MessageCode.PREPARE, prepare_data(payload, wrong_code))
    assert decoded.author != signer.address


def test_a_proposal_with_a_block_access_list_field_of_besu_26_is_refused() -> None:
    block = block_at()
    proposal = PEERS[0].proposal(RoundId(1, 0), block)
    items = rlp.decode(encode_message(proposal))
    payload = [*items[0][0], b""]
    data = rlp.encode([[payload, proposal.signed.signature], items[1]])
    assert decoding_error(MessageCode.PROPOSAL, data) == "proposal payload must have 3 items, got 4"


def test_a_round_change_with_prepared_metadata_of_one_item_is_refused() -> None:
    signer = PrivateKeySigner(KEYS[0])
    payload: list[object] = [b"\x01", b"\x01", [b""]]
    signature = signer.sign(keccak(rlp.encode([b"\x15", payload])))
    data = rlp.encode([[payload, signature], [], []])
    assert decoding_error(MessageCode.ROUND_CHANGE, data) == (
        "prepared round metadata must have 2 items, got 1"
    )


def test_a_proposal_whose_block_is_not_a_block_is_refused() -> None:
    signer = PrivateKeySigner(KEYS[0])
    payload: list[object] = [b"\x01", b"", [b"\x01", b"\x02"]]
    signature = signer.sign(keccak(rlp.encode([b"\x12", payload])))
    data = rlp.encode([[payload, signature], [[], []]])
    assert decoding_error(MessageCode.PROPOSAL, data).startswith("block: ")


def test_data_of_no_known_shape_has_no_inferred_code() -> None:
    with pytest.raises(MessageDecodingError) as caught:
        infer_message_code(rlp.encode([b"\x01"]))
    assert str(caught.value) == "data has the shape of no QBFT message"


def test_the_local_signer_signs_payloads_as_its_address() -> None:
    signer = PrivateKeySigner(KEYS[2])
    signed = sign_payload(PreparePayload(RoundId(9, 9), DIGEST), signer)
    decoded = decode_message(MessageCode.PREPARE, encode_message(Prepare(signed)))
    assert decoded.author == signer.address == VALIDATORS[2]
    assert isinstance(decoded, Prepare)
    assert not isinstance(decoded, Commit | RoundChange)
