"""The Parquet layout of an export, as Arrow tables (no file I/O here).

``events/``: every event, one row each, with typed common columns (``block_timestamp`` a UTC
timestamp, ``exchanges`` and ``parties`` lists) and its arguments as JSON text in ``fields``,
for questions across event types. ``by_event/<Contract>.<Event>/``: one table per event type
whose arguments are flattened into typed columns (a struct's components become
``order.buyer``, ``order.grant.validUntil``, ...), for analysis of one kind of record. Each
run of an incremental export adds one part file to each directory it has rows for, so a
reader opens a directory as one dataset.

Types follow the ABI: ``uintN``/``intN`` up to 64 bits as Arrow integers of that width; wider
integers (money is ``uint128``, ids ``uint256``) as exact ``decimal256`` with scale 0, never
floats; addresses as checksummed text; ``bytesN`` and ``bytes`` as 0x-hex text; arrays as
lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

from client.domain_events import EventDecoder, to_json
from node.audit.ledger_event import LedgerEvent

MAX_DECIMAL_DIGITS = 76
"""``decimal256``'s precision limit: a ``uint256`` above 10^76 - 1 cannot be written."""


class ParquetValueError(ValueError):
    """A value does not fit its column's type."""


def _event_columns() -> list[pa.Field]:
    return [
        pa.field("block_number", pa.uint64(), nullable=False),
        pa.field("block_timestamp", pa.timestamp("s", tz="UTC"), nullable=False),
        pa.field("transaction_hash", pa.string(), nullable=False),
        pa.field("log_index", pa.uint32(), nullable=False),
        pa.field("contract", pa.string(), nullable=False),
        pa.field("event", pa.string(), nullable=False),
        pa.field("exchanges", pa.list_(pa.string()), nullable=False),
        pa.field("parties", pa.list_(pa.string()), nullable=False),
    ]


EVENTS_SCHEMA = pa.schema([*_event_columns(), pa.field("fields", pa.string(), nullable=False)])


def _common_values(event: LedgerEvent) -> list[Any]:
    return [
        event.block_number,
        event.block_timestamp,
        "0x" + event.transaction_hash.hex(),
        event.log_index,
        event.contract,
        event.name,
        list(event.exchanges),
        list(event.parties),
    ]


def events_table(events: Sequence[LedgerEvent]) -> pa.Table:
    rows = [
        [*_common_values(e), json.dumps(to_json(e.args), separators=(",", ":"))] for e in events
    ]
    columns = [[row[i] for row in rows] for i in range(len(EVENTS_SCHEMA))]
    return pa.table(
        [pa.array(c, type=f.type) for c, f in zip(columns, EVENTS_SCHEMA, strict=True)],
        schema=EVENTS_SCHEMA,
    )


def _integer_type(kind: str) -> tuple[pa.DataType, Callable[[Any], Any]]:
    signed = kind.startswith("int")
    bits = int(kind.removeprefix("u").removeprefix("int") or 256)
    for width in (8, 16, 32, 64):
        if bits <= width:
            return getattr(pa, f"{'' if signed else 'u'}int{width}")(), int
    digits = min(len(str(2 ** (bits - signed) - 1)), MAX_DECIMAL_DIGITS)

    def exact(value: Any) -> Decimal:
        if len(str(abs(value))) > digits:
            raise ParquetValueError(f"{value} has more than {digits} digits ({kind})")
        return Decimal(value)

    return pa.decimal256(digits, 0), exact


def _hex(value: Any) -> str:
    return "0x" + bytes(value).hex()


def _same(value: Any) -> Any:
    return value


def arrow_type(entry: Mapping[str, Any]) -> tuple[pa.DataType, Callable[[Any], Any]]:
    """The Arrow type of an ABI value and how to convert a decoded value to it."""
    kind = str(entry["type"])
    if kind.endswith("]"):
        element_type, convert = arrow_type({**entry, "type": kind[: kind.rindex("[")]})
        return pa.list_(element_type), lambda values: [convert(v) for v in values]
    if kind == "tuple":
        parts = [(str(c["name"]), *arrow_type(c)) for c in entry["components"]]
        struct = pa.struct([pa.field(name, t) for name, t, _ in parts])
        return struct, lambda value: {name: f(value[name]) for name, _, f in parts}
    if kind.startswith(("uint", "int")):
        return _integer_type(kind)
    if kind == "bool":
        return pa.bool_(), _same
    if kind in ("address", "string"):
        return pa.string(), _same
    if kind.startswith("bytes"):
        return pa.string(), _hex
    raise ParquetValueError(f"no column type for ABI type {kind}")


@dataclass(frozen=True)
class _Column:
    name: str
    type: pa.DataType
    path: tuple[str, ...]
    convert: Callable[[Any], Any]

    def value(self, args: Mapping[str, Any]) -> Any:
        found: Any = args
        for key in self.path:
            found = found[key]
        return self.convert(found)


def _flatten(entry: Mapping[str, Any], path: tuple[str, ...]) -> list[_Column]:
    if entry["type"] == "tuple":
        return [c for part in entry["components"] for c in _flatten(part, (*path, part["name"]))]
    arrow, convert = arrow_type(entry)
    return [_Column(".".join(path), arrow, path, convert)]


class EventTypeTables:
    """Builds the flattened table of each event type."""

    def __init__(self, decoder: EventDecoder) -> None:
        self._decoder = decoder
        self._columns: dict[tuple[str, str], list[_Column]] = {}

    def columns(self, contract: str, name: str) -> list[_Column]:
        key = (contract, name)
        if key not in self._columns:
            inputs = self._decoder.event_inputs(contract, name)
            self._columns[key] = [c for i in inputs for c in _flatten(i, (str(i["name"]),))]
        return self._columns[key]

    def schema(self, contract: str, name: str) -> pa.Schema:
        fields = [pa.field(c.name, c.type) for c in self.columns(contract, name)]
        return pa.schema([*_event_columns(), *fields])

    def table(self, contract: str, name: str, events: Sequence[LedgerEvent]) -> pa.Table:
        """The rows of ``events`` (all of this one type)."""
        columns = self.columns(contract, name)
        schema = self.schema(contract, name)
        rows = [[*_common_values(e), *(c.value(e.args) for c in columns)] for e in events]
        values = [[row[i] for row in rows] for i in range(len(schema))]
        return pa.table(
            [pa.array(v, type=f.type) for v, f in zip(values, schema, strict=True)],
            schema=schema,
        )


def by_type(events: Sequence[LedgerEvent]) -> dict[tuple[str, str], list[LedgerEvent]]:
    """Events grouped by (contract, event name), each group in chain order."""
    groups: dict[tuple[str, str], list[LedgerEvent]] = {}
    for event in events:
        groups.setdefault((event.contract, event.name), []).append(event)
    return groups
