"""Sign-In with Ethereum (EIP-4361) messages, exactly as the standard lays them out.

The gateway issues the whole message and later accepts only that exact text back, so it never
has to parse a client's message to trust it; :func:`nonce_of` only finds which challenge a
returned message claims to answer, to say precisely what differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

STATEMENT = "Sign in to the Data Circulation Ledger gateway."
VERSION = "1"
_NONCE_LINE = re.compile(r"^Nonce: ([A-Za-z0-9]{8,})$", re.MULTILINE)


def timestamp(seconds: float) -> str:
    """RFC 3339 in UTC with second precision, as EIP-4361's examples write it."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SiweMessage:
    domain: str
    address: str
    """EIP-55 checksummed, as EIP-4361 requires."""
    uri: str
    chain_id: int
    nonce: str
    issued_at: float
    expires_at: float

    def text(self) -> str:
        return (
            f"{self.domain} wants you to sign in with your Ethereum account:\n"
            f"{self.address}\n"
            "\n"
            f"{STATEMENT}\n"
            "\n"
            f"URI: {self.uri}\n"
            f"Version: {VERSION}\n"
            f"Chain ID: {self.chain_id}\n"
            f"Nonce: {self.nonce}\n"
            f"Issued At: {timestamp(self.issued_at)}\n"
            f"Expiration Time: {timestamp(self.expires_at)}"
        )


def nonce_of(message: str) -> str | None:
    match = _NONCE_LINE.search(message)
    return match.group(1) if match else None


def first_difference(issued: str, returned: str) -> str:
    """The first line of ``returned`` that is not the issued one, for the refusal's detail."""
    issued_lines, returned_lines = issued.split("\n"), returned.split("\n")
    for number, (want, got) in enumerate(zip(issued_lines, returned_lines, strict=False), 1):
        if want != got:
            return f"line {number} is {got!r}, the challenge's is {want!r}"
    return f"the message has {len(returned_lines)} lines, the challenge {len(issued_lines)}"
