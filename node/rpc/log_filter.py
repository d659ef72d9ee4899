"""eth_getLogs: which logs of which blocks match a filter, with geth's range rules.

The log index (``node.storage.log_index``) narrows a range to the blocks that may hold a
match; every candidate block's receipts are then matched exactly, so the answer never depends
on the index being precise. Logs come in chain order with their block-wide ``logIndex``.

geth answers any number of logs; here an answer is bounded by :attr:`RpcLimits.max_logs`, and
the scan stops at the first match past it, with Infura's error, which clients already take as
"narrow the range".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from eth.abc import BlockHeaderAPI, LogAPI

from node.chain.chain_reader import ChainReader
from node.rpc.errors import invalid_params, limit_exceeded, server_error
from node.rpc.format import log_json, tx_location
from node.rpc.limits import RpcLimits
from node.rpc.params import BlockNumber, BlockTag, LogFilter
from node.rpc.selectors import header_by_hash
from node.storage.log_index import candidate_blocks

MAX_CRITERIA_PER_POSITION: Final = 1000
"""Most addresses, or alternatives for one topic, in a filter (geth's ``LogQueryLimit``)."""


class _Matches:
    """The logs found so far; the one past ``limit`` ends the scan with the error."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.logs: list[dict[str, Any]] = []

    def add(self, log: dict[str, Any]) -> None:
        if len(self.logs) == self.limit:
            raise limit_exceeded(f"query returned more than {self.limit} results")
        self.logs.append(log)


def find_logs(ledger: ChainReader, criteria: LogFilter, limits: RpcLimits) -> list[dict[str, Any]]:
    if len(criteria.addresses) > MAX_CRITERIA_PER_POSITION or any(
        len(position or ()) > MAX_CRITERIA_PER_POSITION for position in criteria.topics
    ):
        raise server_error("exceed max addresses or topics per search position")
    matches = _Matches(limits.max_logs)
    if criteria.block_hash is not None:
        header = header_by_hash(ledger, criteria.block_hash)
        if header is None:
            raise server_error("unknown block")
        _block_logs(ledger, header, criteria, matches)
        return matches.logs
    first, last = _block_range(ledger, criteria, limits.max_log_block_range)
    blocks = candidate_blocks(ledger.db, first, last, criteria.addresses, criteria.topics)
    for number in blocks:
        header = ledger.header_by_number(number)
        if header is not None:
            _block_logs(ledger, header, criteria, matches)
    return matches.logs


def _block_range(ledger: ChainReader, criteria: LogFilter, max_block_range: int) -> tuple[int, int]:
    begin, end = criteria.from_block, criteria.to_block
    if isinstance(begin, int) and isinstance(end, int) and begin > end:
        raise invalid_params("invalid block range params")
    head = ledger.head().block_number
    first = _resolve(begin, head)
    last = _resolve(end, head)
    if last - first > max_block_range:
        raise invalid_params(f"exceed maximum block range {max_block_range}")
    if first > last:
        raise invalid_params("invalid block range params")
    if last > head:
        raise invalid_params("block range extends beyond current head block")
    return first, last


def _resolve(number: BlockNumber | None, head: int) -> int:
    """A range end: absent, "latest", "safe", "finalized" and "pending" are all the head."""
    if number is BlockTag.EARLIEST:
        return 0
    if number is None or isinstance(number, BlockTag):
        return head
    return number


def _block_logs(
    ledger: ChainReader, header: BlockHeaderAPI, criteria: LogFilter, matches: _Matches
) -> None:
    """Add the logs of one block that match, each with its block-wide index."""
    transactions = ledger.block(header).transactions
    log_index = 0
    for index, (tx, receipt) in enumerate(zip(transactions, ledger.receipts(header), strict=True)):
        location = tx_location(header, index)
        for log in receipt.logs:
            if log_matches(log, criteria.addresses, criteria.topics):
                matches.add(log_json(log, tx, location, log_index))
            log_index += 1


def log_matches(
    log: LogAPI, addresses: Sequence[bytes], topics: Sequence[Sequence[bytes] | None]
) -> bool:
    """geth's rule: an allowed address, at least as many topics as positions, and each
    constrained position holding one of its alternatives."""
    if addresses and log.address not in addresses:
        return False
    if len(topics) > len(log.topics):
        return False
    for alternatives, topic in zip(topics, log.topics, strict=False):
        if alternatives and topic.to_bytes(32, "big") not in alternatives:
            return False
    return True
