"""A web3.py connection configured for a QBFT chain.

QBFT headers carry validators and seals in extraData, which is longer than the 32 bytes
web3.py allows by default; its proof-of-authority middleware accepts them, as for Besu.
A node's JSON-RPC asks for a bearer token (``dcl rpc-token``), sent with every request.
"""

from __future__ import annotations

from web3 import HTTPProvider, Web3
from web3.middleware import ExtraDataToPOAMiddleware

DEFAULT_TIMEOUT_SECONDS = 30


def connect(
    url: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS, token: str | None = None
) -> Web3:
    request_kwargs: dict[str, object] = {"timeout": timeout}
    if token is not None:
        headers = {**HTTPProvider.get_request_headers(), "Authorization": f"Bearer {token}"}
        request_kwargs["headers"] = headers
    w3 = Web3(HTTPProvider(url, request_kwargs=request_kwargs))
    w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return w3
