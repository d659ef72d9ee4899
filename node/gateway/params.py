"""Query and path parameters read into typed values, every mistake named as a field error.

Cursors are opaque to clients: base64url of a small JSON naming the listing they belong to and
where it continues, so a cursor of one listing is refused by another.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from eth_utils import is_address, to_checksum_address

from node.gateway.limits import GatewayLimits
from node.gateway.problems import FieldError, invalid

UINT256_MAX = 2**256 - 1
_BYTES32 = re.compile(r"^0x[0-9a-fA-F]{64}$")
_HASH = _BYTES32
_EXCHANGE = re.compile(r"^[A-Z0-9]{1,32}$")


class Query:
    """Reads a request's query string, collecting every field error before refusing."""

    def __init__(self, values: Mapping[str, str], limits: GatewayLimits) -> None:
        self._values = values
        self._limits = limits
        self.errors: list[FieldError] = []

    def _fail(self, name: str, message: str) -> None:
        self.errors.append(FieldError(f"query.{name}", message))

    def text(self, name: str, max_length: int = 200) -> str | None:
        value = self._values.get(name)
        if value is not None and (not value or len(value) > max_length):
            self._fail(name, f"expected 1 to {max_length} characters")
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...]) -> int | None:
        value = self._values.get(name)
        if value is None:
            return None
        if value not in choices:
            self._fail(name, "expected one of " + ", ".join(choices))
            return None
        return choices.index(value)

    def integer(self, name: str, maximum: int = UINT256_MAX) -> int | None:
        value = self._values.get(name)
        if value is None:
            return None
        if not value.isdigit() or not value.isascii() or int(value) > maximum:
            self._fail(name, f"expected a decimal integer from 0 to {maximum}")
            return None
        return int(value)

    def address(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            return None
        if not is_address(value):
            self._fail(name, "expected a 20-byte 0x-prefixed address")
            return None
        return to_checksum_address(value)

    def bytes32(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            return None
        if not _BYTES32.match(value):
            self._fail(name, "expected 32 bytes as 0x-prefixed hex")
            return None
        return value.lower()

    def exchange(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is not None and not _EXCHANGE.match(value):
            self._fail(name, "expected an exchange code (A-Z, 0-9, up to 32)")
            return None
        return value

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        if value is None:
            return False
        if value not in ("true", "false"):
            self._fail(name, "expected true or false")
        return value == "true"

    def boolean(self, name: str) -> bool | None:
        """A filter that is either ``true``, ``false`` or absent (None)."""
        value = self._values.get(name)
        if value is None:
            return None
        if value not in ("true", "false"):
            self._fail(name, "expected true or false")
            return None
        return value == "true"

    def limit(self) -> int:
        value = self._values.get("limit")
        maximum = self._limits.max_page_size
        if value is None:
            return self._limits.default_page_size
        if not value.isdigit() or not value.isascii() or not 1 <= int(value) <= maximum:
            self._fail("limit", f"expected an integer from 1 to {maximum}")
            return 1
        return int(value)

    def cursor(self, listing: str) -> int | None:
        """Where a listing by id continues (the last id given), or None from its start."""
        after = self._cursor(listing)
        if after is None or (
            isinstance(after, int) and not isinstance(after, bool) and 0 <= after <= UINT256_MAX
        ):
            return after
        self._fail("cursor", f"not a cursor of this listing ({listing})")
        return None

    def address_cursor(self, listing: str) -> str | None:
        """Where a listing by account continues (the last account given)."""
        after = self._cursor(listing)
        if after is None or (isinstance(after, str) and is_address(after)):
            return after
        self._fail("cursor", f"not a cursor of this listing ({listing})")
        return None

    def _cursor(self, listing: str) -> Any:
        value = self._values.get("cursor")
        if value is None:
            return None
        try:
            decoded = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            decoded = None
        if not isinstance(decoded, dict) or decoded.get("of") != listing or "after" not in decoded:
            self._fail("cursor", f"not a cursor of this listing ({listing})")
            return None
        return decoded["after"]

    def check(self) -> None:
        if self.errors:
            raise invalid(self.errors)


def make_cursor(listing: str, after: Any) -> str:
    raw = json.dumps({"of": listing, "after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def path_id(value: str, name: str) -> int:
    if not value.isdigit() or not value.isascii() or int(value) > UINT256_MAX:
        raise invalid([FieldError(f"path.{name}", "expected a decimal integer id")])
    return int(value)


def path_hash(value: str, name: str) -> str:
    if not _HASH.match(value):
        raise invalid([FieldError(f"path.{name}", "expected 32 bytes as 0x-prefixed hex")])
    return value.lower()


def path_address(value: str, name: str) -> str:
    if not is_address(value):
        raise invalid([FieldError(f"path.{name}", "expected a 20-byte 0x-prefixed address")])
    return to_checksum_address(value)
