"""Python SDK for the Data Circulation Ledger (depends on web3.py only, never on the node)."""

from client.connection import connect

__all__ = ["connect"]
