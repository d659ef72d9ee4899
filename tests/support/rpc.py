"""Plain JSON-RPC calls for tests and benchmarks that need no client library in between."""

from __future__ import annotations

import requests


class RpcError(RuntimeError):
    def __init__(self, error: dict[str, object]) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.error = error


def rpc(
    url: str, method: str, *params: object, timeout: float = 60, token: str | None = None
) -> object:
    """The result of one call (with a bearer ``token`` if given); an error answer raises
    :class:`RpcError`."""
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    reply = requests.post(url, json=body, timeout=timeout, headers=headers).json()
    if "error" in reply:
        raise RpcError(reply["error"])
    return reply["result"]
