"""docker/: a compose file that Docker Compose accepts, for the topology of ``dcl devnet
--validators 4``, and the script its ``init`` service runs to prepare that network in a volume.

There is no Docker engine here, so the image is never built or run: ``make install`` installs
Debian's ``docker-compose`` to check the file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

from node.chain.genesis import load_genesis
from node.chain.seals import address_of
from node.datadir import read_key
from node.p2p.allowlist import read_allowlist_file
from node.p2p.peer_url import node_public_key, parse_peer_url

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker" / "compose.yaml"
INIT = ROOT / "docker" / "init_network.py"
VALIDATORS = [f"validator-{index}" for index in range(1, 5)]


@cache
def compose() -> list[str]:
    """``docker compose`` (the plugin) where it is installed, else Debian's ``docker-compose``."""
    plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    if shutil.which("docker") and plugin.returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"]


def compose_config(*arguments: str) -> str:
    result = subprocess.run(
        [*compose(), "-f", str(COMPOSE), "config", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def init_network(root: Path) -> None:
    subprocess.run([sys.executable, str(INIT), str(root)], check=True, cwd=ROOT)


def peer_urls(path: Path) -> list[str]:
    lines = path.read_text().splitlines()
    assert all(line.startswith("--peer ") for line in lines)
    return [line.removeprefix("--peer ") for line in lines]


def test_the_compose_file_is_valid_and_runs_four_validators_an_observer_and_their_init() -> None:
    assert sorted(compose_config("--services").split()) == sorted(["init", *VALIDATORS, "observer"])
    assert compose_config("--volumes").split() == ["devnet"]


def test_every_node_of_the_compose_file_runs_on_its_data_directory_with_its_peers() -> None:
    config = compose_config()
    for name in VALIDATORS:
        assert (
            f"exec dcl run --datadir /data/{name} --rpc 0.0.0.0:8545 --p2p 0.0.0.0:30303\n"
            f"      --allowlist /data/allowlist $$(cat /data/{name}/peers)"
        ) in config
    assert "--observer $$(cat /data/observer/peers)" in config


def test_the_init_script_writes_a_network_whose_nodes_name_each_other_by_service(
    tmp_path: Path,
) -> None:
    init_network(tmp_path)
    keys = {name: read_key(tmp_path / name / "key") for name in [*VALIDATORS, "observer"]}
    genesis = load_genesis(tmp_path / "network" / "genesis.json")
    assert sorted(genesis.validators) == sorted(address_of(keys[name]) for name in VALIDATORS)
    for name in [*VALIDATORS, "observer"]:
        urls = [parse_peer_url(text) for text in peer_urls(tmp_path / name / "peers")]
        others = [other for other in VALIDATORS if other != name]
        assert [(url.host, url.port) for url in urls] == [(other, 30303) for other in others]
        assert [url.public_key for url in urls] == [node_public_key(keys[o]) for o in others]
    assert read_allowlist_file(tmp_path / "allowlist") == [node_public_key(keys["observer"])]


def test_the_init_script_run_again_keeps_the_network_it_made(tmp_path: Path) -> None:
    init_network(tmp_path)
    genesis = (tmp_path / "network" / "genesis.json").read_bytes()
    observer_key = read_key(tmp_path / "observer" / "key")
    init_network(tmp_path)
    assert (tmp_path / "network" / "genesis.json").read_bytes() == genesis
    assert read_key(tmp_path / "observer" / "key") == observer_key
