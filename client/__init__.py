"""Python SDK for the Data Circulation Ledger: contract bindings (web3.py), the gateway client
(``client.sdk``), the offline certificate verifier and ``dcl-client``; it never imports the
node.

``connect`` is imported on first use: the node imports parts of this package (event decoding,
the certificate layout) and need not load web3.py at every start."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from client.connection import connect

__all__ = ["connect"]


def __getattr__(name: str) -> object:
    if name == "connect":
        from client.connection import connect

        return connect
    raise AttributeError(f"module 'client' has no attribute {name!r}")
