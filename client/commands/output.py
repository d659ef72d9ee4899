"""What commands print: JSON a script can parse (dataclasses by field, bytes as 0x hex, enums by
name), and errors as the gateway's problem title and detail."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Mapping
from enum import Enum
from typing import Any

from client.sdk.errors import DclError, GatewayError


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def print_json(value: Any, *, lines: bool = False) -> None:
    """Indented JSON, or one compact line (``lines``: a stream of records)."""
    text = json.dumps(jsonable(value), indent=None if lines else 2, separators=None)
    print(text, flush=True)


def describe_error(error: DclError) -> str:
    """The message of a refusal: the problem's title and detail, then each field error."""
    if not isinstance(error, GatewayError):
        return str(error)
    lines = [f"{error.title}: {error.detail}" if error.detail else error.title]
    lines += [f"  {e.field}: {e.message}" for e in error.errors]
    return "\n".join(lines)


def fail(message: str) -> None:
    print(f"dcl-client: error: {message}", file=sys.stderr)
