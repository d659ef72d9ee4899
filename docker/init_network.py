"""Create the devnet of ``docker/compose.yaml`` in a volume, once: what ``dcl devnet
--validators 4`` prepares on loopback, for containers that reach each other by service name.

``python docker/init_network.py ROOT`` writes, unless ROOT already holds them:

- ``ROOT/network``: a new genesis for 4 validators with their keys and the DEV ONLY accounts;
- ``ROOT/validator-N`` (N = 1..4) and ``ROOT/observer``: initialised data directories;
- ``ROOT/allowlist``: the observer's key, which the validators let in;
- ``ROOT/<node>/peers``: the node's ``--peer`` arguments, one a line: every other validator as
  ``dcl://KEY@validator-K:30303``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from genesis.generator import write_network
from node.datadir import DataDir, init_datadir, read_key
from node.p2p.peer_url import PeerUrl, node_public_key

VALIDATORS = 4
P2P_PORT = 30303


def validator_names() -> list[str]:
    return [f"validator-{index}" for index in range(1, VALIDATORS + 1)]


def url_of(root: Path, name: str) -> PeerUrl:
    return PeerUrl(node_public_key(read_key(root / name / "key")), name, P2P_PORT)


def init_network(root: Path) -> None:
    network = root / "network"
    if not (network / "genesis.json").exists():
        write_network(network, validators=VALIDATORS, accounts=5, dev_only_keys=True)
    genesis = network / "genesis.json"
    for name in validator_names():
        if not DataDir(root / name).is_initialised():
            init_datadir(root / name, genesis, network / name / "key")
    if not DataDir(root / "observer").is_initialised():
        init_datadir(root / "observer", genesis)
    (root / "allowlist").write_text(f"# the observer\n{url_of(root, 'observer')}\n")
    for name in [*validator_names(), "observer"]:
        others = [url_of(root, other) for other in validator_names() if other != name]
        (root / name / "peers").write_text("".join(f"--peer {url}\n" for url in others))


if __name__ == "__main__":
    init_network(Path(sys.argv[1]))
