"""QBFT extraData and messages as JSON-ready dictionaries, for operators debugging a network
(``dcl qbft decode-extra`` and ``dcl qbft decode-message``)."""

from __future__ import annotations

from typing import Any

from node.chain.extra_data import QbftExtraData, decode_extra_data
from node.chain.header import QbftBlock
from node.consensus.messages import (
    Commit,
    Prepare,
    Proposal,
    QbftMessage,
    RoundChange,
    RoundChangePayload,
    SignedPayload,
    decode_message,
    infer_message_code,
)


def _hex(data: bytes) -> str:
    return "0x" + bytes(data).hex()


def parse_hex(text: str) -> bytes:
    """Bytes from hex with or without ``0x``; a ValueError names what is wrong."""
    digits = text.strip()
    digits = digits[2:] if digits[:2].lower() == "0x" else digits
    try:
        return bytes.fromhex(digits)
    except ValueError:
        raise ValueError(f"not a hex string: {text[:40]!r}") from None


def describe_extra_data(extra: QbftExtraData) -> dict[str, Any]:
    vote = None
    if extra.vote is not None:
        vote = {"recipient": _hex(extra.vote.recipient), "add": extra.vote.add}
    return {
        "vanity": _hex(extra.vanity),
        "validators": [_hex(v) for v in extra.validators],
        "vote": vote,
        "round": extra.round,
        "seals": [_hex(s) for s in extra.seals],
    }


def describe_block(block: QbftBlock) -> dict[str, Any]:
    header = block.header
    return {
        "hash": _hex(header.hash),
        "number": header.block_number,
        "parentHash": _hex(header.parent_hash),
        "coinbase": _hex(header.coinbase),
        "timestamp": header.timestamp,
        "transactions": len(block.transactions),
        "extraData": describe_extra_data(decode_extra_data(header.extra_data)),
    }


def _describe_signed(signed: SignedPayload[Any]) -> dict[str, Any]:
    return {
        "height": signed.round_id.height,
        "round": signed.round_id.round,
        "author": _hex(signed.author),
        "signature": _hex(signed.signature),
    }


def _describe_round_change(signed: SignedPayload[RoundChangePayload]) -> dict[str, Any]:
    prepared = signed.payload.prepared
    return {
        **_describe_signed(signed),
        "preparedRound": None if prepared is None else prepared.round,
        "preparedBlockHash": None if prepared is None else _hex(prepared.block_hash),
    }


def describe_message(message: QbftMessage) -> dict[str, Any]:
    head = {"type": message.code.name, "code": int(message.code)}
    if isinstance(message, Prepare):
        return {**head, **_describe_signed(message.signed), "digest": _hex(message.digest)}
    if isinstance(message, Commit):
        return {
            **head,
            **_describe_signed(message.signed),
            "digest": _hex(message.digest),
            "commitSeal": _hex(message.commit_seal),
        }
    prepares = [{**_describe_signed(p), "digest": _hex(p.payload.digest)} for p in message.prepares]
    if isinstance(message, RoundChange):
        block = message.prepared_block
        return {
            **head,
            **_describe_round_change(message.signed),
            "preparedBlock": None if block is None else describe_block(block),
            "prepares": prepares,
        }
    assert isinstance(message, Proposal)
    return {
        **head,
        **_describe_signed(message.signed),
        "block": describe_block(message.block),
        "roundChanges": [_describe_round_change(rc) for rc in message.round_changes],
        "prepares": prepares,
    }


def decode_and_describe(data: bytes, code: int | None = None) -> dict[str, Any]:
    """Decode message data (its code inferred from its shape unless given) for display."""
    message_code = infer_message_code(data) if code is None else code
    return describe_message(decode_message(message_code, data))
