"""Bounds on what one JSON-RPC request may cost the node, with geth's defaults."""

from __future__ import annotations

from dataclasses import dataclass

from node.rpc.subscriptions import MAX_SUBSCRIPTIONS_PER_CONNECTION, SEND_QUEUE_BYTES


@dataclass(frozen=True)
class RpcLimits:
    max_body_bytes: int = 5 * 1024 * 1024
    """Largest request body accepted (geth's HTTP body limit); larger is answered with 413."""
    max_batch_items: int = 1000
    """Most requests in one batch (geth's ``BatchRequestLimit``)."""
    max_batch_response_bytes: int = 25_000_000
    """Encoded size after which the rest of a batch is answered with "response too large"
    (geth's ``BatchResponseMaxSize``)."""
    max_log_block_range: int = 10_000
    """Widest eth_getLogs range, as ``toBlock - fromBlock`` (geth's ``--rpc.rangelimit``,
    unlimited there by default; bounded here because each block's receipts are read)."""
    gas_cap: int = 50_000_000
    """Most gas one eth_call or eth_estimateGas may use (geth's ``RPCGasCap``); the block gas
    limit applies too."""
    call_timeout_seconds: float = 5.0
    """Longest one eth_call, or all the runs of one eth_estimateGas, may execute (geth's
    ``--rpc.evmtimeout``): in py-evm, a loop at the gas cap alone runs for about 13 s."""
    max_logs: int = 10_000
    """Most logs one eth_getLogs answers; past that it is refused (-32005) with the text that
    Infura uses and clients already recognise as "narrow the range"."""


@dataclass(frozen=True)
class WebSocketLimits:
    """Bounds on one WebSocket connection, so no client can grow the node's memory."""

    send_queue_bytes: int = SEND_QUEUE_BYTES
    """Answers and notifications waiting to be written; a connection whose queue would grow
    past this has fallen behind and is closed with code 1008."""
    max_subscriptions: int = MAX_SUBSCRIPTIONS_PER_CONNECTION
    """Most live eth_subscribe subscriptions per connection."""
    max_in_flight: int = 64
    """Requests of one connection answered concurrently; reading waits while that many run."""
