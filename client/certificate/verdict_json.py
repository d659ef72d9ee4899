"""A verdict as JSON and back: what ``POST /v1/certificates/verify`` answers, and what the SDK
reads from it, in one shape."""

from __future__ import annotations

from typing import Any

from client.certificate.verify import Check, Verdict


class VerdictFormatError(ValueError):
    """A JSON document that is not a verdict."""


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    if not verdict.valid:
        return {"valid": False, "failedCheck": str(verdict.failed_check), "detail": verdict.detail}
    assert verdict.block_hash is not None
    return {
        "valid": True,
        "block": verdict.block_number,
        "blockHash": "0x" + verdict.block_hash.hex(),
        "asOfBlock": verdict.as_of_block,
        "settlement": verdict.settlement,
        "state": verdict.state,
    }


def verdict_from_json(document: Any) -> Verdict:
    valid = document.get("valid") if isinstance(document, dict) else None
    if not isinstance(valid, bool):
        raise VerdictFormatError("a verdict is an object whose valid is true or false")
    try:
        if not valid:
            return Verdict(False, Check(document["failedCheck"]), str(document["detail"]))
        return Verdict(
            valid=True,
            block_number=int(document["block"]),
            block_hash=bytes.fromhex(str(document["blockHash"]).removeprefix("0x")),
            as_of_block=int(document["asOfBlock"]),
            settlement=dict(document["settlement"]),
            state=dict(document["state"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise VerdictFormatError(f"not a certificate verdict: {error!r}") from None
