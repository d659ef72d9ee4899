"""Python SDK for the Data Circulation Ledger: contract bindings (web3.py), the gateway client
(``client.sdk``), the offline certificate verifier and ``dcl-client``; it never imports the
node."""

from client.connection import connect

__all__ = ["connect"]
