"""One exported event as a JSON line or a CSV row: the same columns in every format.

Columns: ``block_number``, ``block_timestamp`` (Unix seconds), ``transaction_hash``,
``log_index`` (within the block), ``contract``, ``event``, ``exchanges`` and ``parties``
(whom the event concerns), ``fields`` (the event's arguments as ``client.domain_events.to_json``
writes them: bytes as 0x-hex, integers beyond 2^53 as decimal strings, so money stays an
exact integer in minor units).
"""

from __future__ import annotations

import json
from typing import Any

from client.domain_events import to_json
from node.audit.ledger_event import LedgerEvent

COLUMNS = (
    "block_number",
    "block_timestamp",
    "transaction_hash",
    "log_index",
    "contract",
    "event",
    "exchanges",
    "parties",
    "fields",
)
LIST_SEPARATOR = ";"
"""Joins exchanges and parties in a CSV cell (neither exchange codes nor addresses hold it)."""


def event_record(event: LedgerEvent) -> dict[str, Any]:
    """The event as a JSON object with the columns above."""
    return {
        "block_number": event.block_number,
        "block_timestamp": event.block_timestamp,
        "transaction_hash": "0x" + event.transaction_hash.hex(),
        "log_index": event.log_index,
        "contract": event.contract,
        "event": event.name,
        "exchanges": list(event.exchanges),
        "parties": list(event.parties),
        "fields": to_json(event.args),
    }


def json_line(event: LedgerEvent) -> str:
    return json.dumps(event_record(event), ensure_ascii=False, separators=(",", ":")) + "\n"


def csv_row(event: LedgerEvent) -> list[str]:
    """The event as CSV cells in ``COLUMNS`` order; ``fields`` is its JSON text."""
    record = event_record(event)
    record["exchanges"] = LIST_SEPARATOR.join(event.exchanges)
    record["parties"] = LIST_SEPARATOR.join(event.parties)
    record["fields"] = json.dumps(record["fields"], ensure_ascii=False, separators=(",", ":"))
    return [str(record[column]) for column in COLUMNS]
