"""Plain JSON-RPC calls for tests and benchmarks that need no client library in between."""

from __future__ import annotations

import requests


class RpcError(RuntimeError):
    def __init__(self, error: dict[str, object]) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.error = error


def rpc(url: str, method: str, *params: object, timeout: float = 60) -> object:
    """The result of one call; an error answer raises :class:`RpcError`."""
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    reply = requests.post(url, json=body, timeout=timeout).json()
    if "error" in reply:
        raise RpcError(reply["error"])
    return reply["result"]
