"""Which node keys may connect: the current validators plus keys the operator names.

Validators are known by address (the exchange registry, or a genesis without it, lists
addresses), so a presented public key is checked by its address; the set is asked for at each
check, so it follows the registry block by block. The operator adds observers and other peers
by key, in ``--peer`` URLs or in an allowlist file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from node.p2p.peer_url import PeerUrlError, parse_peer_url, parse_public_key, public_key_address


class Allowlist:
    def __init__(
        self, public_keys: Iterable[bytes], validators: Callable[[], Sequence[bytes]]
    ) -> None:
        self._addresses = frozenset(public_key_address(key) for key in public_keys)
        self._validators = validators

    def allows(self, public_key: bytes) -> bool:
        address = public_key_address(public_key)
        return address in self._addresses or address in set(self._validators())


def read_allowlist_file(path: Path) -> list[bytes]:
    """Node public keys, one a line, as 128 hex digits or a ``dcl://`` URL; ``#`` comments."""
    keys = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            keys.append(
                parse_peer_url(text).public_key
                if text.startswith("dcl://")
                else parse_public_key(text)
            )
        except PeerUrlError as error:
            raise PeerUrlError(f"{path}:{number}: {error}") from None
    return keys
