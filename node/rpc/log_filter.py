"""eth_getLogs: which logs of which blocks match a filter, with geth's range rules.

Answers come from the log index (``node.storage.log_index``), which holds every log's position
under its address and topics and a copy of the log: no receipt is read, and the work grows
with the logs found rather than with the range. Logs come in chain order with their
block-wide ``logIndex``.

geth answers any number of logs; here an answer is bounded by :attr:`RpcLimits.max_logs`, and
the query stops at the first match past it, with Infura's error, which clients already take as
"narrow the range".
"""

from __future__ import annotations

from typing import Any, Final

from node.chain.chain_reader import ChainReader
from node.rpc.errors import invalid_params, limit_exceeded, server_error
from node.rpc.format import hex_data, quantity
from node.rpc.limits import RpcLimits
from node.rpc.params import BlockNumber, BlockTag, LogFilter
from node.rpc.selectors import header_by_hash
from node.storage.log_index import IndexedLog, matching_logs

MAX_CRITERIA_PER_POSITION: Final = 1000
"""Most addresses, or alternatives for one topic, in a filter (geth's ``LogQueryLimit``)."""


def find_logs(ledger: ChainReader, criteria: LogFilter, limits: RpcLimits) -> list[dict[str, Any]]:
    if len(criteria.addresses) > MAX_CRITERIA_PER_POSITION or any(
        len(position or ()) > MAX_CRITERIA_PER_POSITION for position in criteria.topics
    ):
        raise server_error("exceed max addresses or topics per search position")
    if criteria.block_hash is not None:
        header = header_by_hash(ledger, criteria.block_hash)
        if header is None:
            raise server_error("unknown block")
        first = last = int(header.block_number)
    else:
        first, last = _block_range(ledger, criteria, limits.max_log_block_range)
    found: list[dict[str, Any]] = []
    block_hashes: dict[int, str] = {}
    for log in matching_logs(ledger.db, first, last, criteria.addresses, criteria.topics):
        if len(found) == limits.max_logs:
            raise limit_exceeded(f"query returned more than {limits.max_logs} results")
        block_hash = block_hashes.get(log.block_number)
        if block_hash is None:
            header = ledger.header_by_number(log.block_number)
            assert header is not None, "indexed logs belong to committed blocks"
            block_hash = block_hashes[log.block_number] = hex_data(header.hash)
        found.append(_log_json(log, block_hash))
    return found


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


def _log_json(log: IndexedLog, block_hash: str) -> dict[str, Any]:
    """The shape of :func:`node.rpc.format.log_json`, from the index's copy of the log."""
    return {
        "address": hex_data(log.address),
        "topics": [hex_data(topic) for topic in log.topics],
        "data": hex_data(log.data),
        "blockNumber": quantity(log.block_number),
        "transactionHash": hex_data(log.transaction_hash),
        "transactionIndex": quantity(log.transaction_index),
        "blockHash": block_hash,
        "logIndex": quantity(log.log_index),
        "removed": False,
    }
