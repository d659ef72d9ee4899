"""Compiled contract artifacts for the node: the loader lives in the client SDK.

The client must not import the node, while the node (genesis, benchmarks, tests) and the client
both need the committed ``contracts/build`` artifacts, so the one loader is
``client.artifacts`` and this module names it for the node's side.
"""

from client.artifacts import ARTIFACTS_DIR, ContractArtifact, load_artifact

__all__ = ["ARTIFACTS_DIR", "ContractArtifact", "load_artifact"]
