"""The execution-apis rpc-compat fixtures and hive's rule for judging an answer.

A ``.io`` file holds ``// comment`` lines, then request lines (``>> ``) each followed by the
expected response line (``<< ``). hive's rpc-compat simulator requires the whole response to
match exactly, except that when both the expected and the actual response carry an ``error``
object, its ``message`` is not compared (the ``code`` and any ``data`` still are).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rpc-compat"


@dataclass(frozen=True)
class Exchange:
    request: str
    expected: Any


@dataclass(frozen=True)
class CompatCase:
    name: str
    exchanges: tuple[Exchange, ...]


def parse_case(name: str, text: str) -> CompatCase:
    exchanges: list[Exchange] = []
    request: str | None = None
    for line in text.splitlines():
        if line.startswith(">> "):
            request = line[3:]
        elif line.startswith("<< "):
            if request is None:
                raise ValueError(f"{name}: a response line before any request")
            exchanges.append(Exchange(request, json.loads(line[3:])))
            request = None
    if not exchanges:
        raise ValueError(f"{name}: no request/response pair")
    return CompatCase(name, tuple(exchanges))


def load_cases(root: Path = FIXTURES) -> list[CompatCase]:
    return [
        parse_case(str(path.relative_to(root)), path.read_text())
        for path in sorted(root.rglob("*.io"))
    ]


def _without_error_messages(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: (
                {k: v for k, v in item.items() if k != "message"}
                if key == "error" and isinstance(item, dict)
                else _without_error_messages(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_error_messages(item) for item in value]
    return value


def comparable(expected: Any, actual: Any) -> tuple[Any, Any]:
    """Both responses as hive compares them."""
    if (
        isinstance(expected, dict)
        and isinstance(actual, dict)
        and "error" in expected
        and "error" in actual
    ):
        return _without_error_messages(expected), _without_error_messages(actual)
    return expected, actual
