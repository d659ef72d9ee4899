"""One domain event as the audit tools see it: decoded, placed in the chain, and attributed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LedgerEvent:
    block_number: int
    block_timestamp: int
    transaction_hash: bytes
    log_index: int
    """The log's index within its block, as ``eth_getLogs`` reports it."""
    contract: str
    name: str
    exchanges: tuple[str, ...]
    """Codes of the exchanges the event concerns (``client.domain_events.Involvement``)."""
    parties: tuple[str, ...]
    args: dict[str, Any]
