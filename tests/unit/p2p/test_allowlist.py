"""The allowlist: current validators by address, plus the operator's keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from node.chain.seals import address_of
from node.p2p.allowlist import Allowlist, read_allowlist_file
from node.p2p.peer_url import PeerUrl, PeerUrlError, node_public_key

VALIDATOR, OBSERVER, STRANGER = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32


def test_validators_and_listed_keys_are_allowed_and_no_one_else() -> None:
    allowlist = Allowlist([node_public_key(OBSERVER)], lambda: [address_of(VALIDATOR)])
    assert allowlist.allows(node_public_key(VALIDATOR))
    assert allowlist.allows(node_public_key(OBSERVER))
    assert not allowlist.allows(node_public_key(STRANGER))


def test_a_validator_removed_from_the_set_is_no_longer_allowed() -> None:
    validators = [address_of(VALIDATOR)]
    allowlist = Allowlist([], lambda: validators)
    validators.clear()
    assert not allowlist.allows(node_public_key(VALIDATOR))


def test_an_allowlist_file_takes_keys_and_urls_and_ignores_comments(tmp_path: Path) -> None:
    url = PeerUrl(node_public_key(OBSERVER), "127.0.0.1", 30303)
    path = tmp_path / "allowlist"
    path.write_text(f"# observers\n{url}\n\n0x{node_public_key(STRANGER).hex()}  # regulator\n")
    assert read_allowlist_file(path) == [node_public_key(OBSERVER), node_public_key(STRANGER)]


def test_an_allowlist_file_line_that_is_not_a_key_is_refused_with_its_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "allowlist"
    path.write_text("# observers\nnot-a-key\n")
    with pytest.raises(PeerUrlError, match="allowlist:2: node public key is not hex"):
        read_allowlist_file(path)


def test_a_node_the_registry_admits_is_allowed_while_it_admits_it() -> None:
    registered = {address_of(OBSERVER)}
    allowlist = Allowlist([], lambda: [], lambda address: address in registered)
    assert allowlist.allows(node_public_key(OBSERVER))
    registered.clear()
    assert not allowlist.allows(node_public_key(OBSERVER))
