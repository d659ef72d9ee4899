"""TradeSettlement's ``TradeSettled`` event, the certificate's anchor, as JSON-ready data.

The builder writes the decoded event with this function and the verifier decodes the raw log
again with it and compares, so the two always agree on the representation: integers as JSON
numbers, addresses checksummed, byte strings as 0x-prefixed hex, structs as objects keyed by
their Solidity field names.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from eth_abi import decode
from eth_abi.exceptions import DecodingError
from eth_utils import keccak, to_checksum_address

from client.artifacts import load_artifact

EVENT_NAME = "TradeSettled"


class SettlementLogError(ValueError):
    """The log is not a well-formed TradeSettled event."""


@cache
def _event_abi() -> dict[str, Any]:
    abi = load_artifact("TradeSettlement").abi
    return next(e for e in abi if e.get("type") == "event" and e["name"] == EVENT_NAME)


def _type_string(entry: dict[str, Any]) -> str:
    if entry["type"].startswith("tuple"):
        inner = ",".join(_type_string(part) for part in entry["components"])
        return f"({inner}){entry['type'][len('tuple') :]}"
    return str(entry["type"])


@cache
def settled_topic() -> bytes:
    """topic 0 of TradeSettled: keccak of its canonical signature."""
    event = _event_abi()
    types = ",".join(_type_string(entry) for entry in event["inputs"])
    return keccak(text=f"{event['name']}({types})")


def _json_value(entry: dict[str, Any], value: Any) -> Any:
    kind = entry["type"]
    if kind == "tuple":
        return {
            part["name"]: _json_value(part, item)
            for part, item in zip(entry["components"], value, strict=True)
        }
    if kind == "address":
        return to_checksum_address(value)
    if kind.startswith("bytes"):
        return "0x" + bytes(value).hex()
    if kind == "bool" or kind.startswith(("uint", "int")):
        return value
    raise SettlementLogError(f"unexpected ABI type {kind}")


def decode_settled(topics: list[bytes], data: bytes) -> dict[str, Any]:
    """The event's arguments by name: ``orderId``, ``billNo``, ``certificate``, ``by``."""
    event = _event_abi()
    indexed = [entry for entry in event["inputs"] if entry["indexed"]]
    plain = [entry for entry in event["inputs"] if not entry["indexed"]]
    if len(topics) != 1 + len(indexed) or topics[0] != settled_topic():
        raise SettlementLogError("the log's topics are not those of TradeSettled")
    try:
        keys = [
            decode([_type_string(entry)], topic)[0]
            for entry, topic in zip(indexed, topics[1:], strict=True)
        ]
        values = decode([_type_string(entry) for entry in plain], data, strict=True)
    except (DecodingError, OverflowError, ValueError) as error:
        raise SettlementLogError(f"TradeSettled data does not decode: {error}") from error
    decoded: dict[str, Any] = {}
    for entry, value in zip(indexed + plain, keys + list(values), strict=True):
        decoded[entry["name"]] = _json_value(entry, value)
    return {entry["name"]: decoded[entry["name"]] for entry in event["inputs"]}
