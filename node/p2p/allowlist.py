"""Which node keys may connect: the current validators, the nodes the registry admits, and
keys the operator names.

Validators and registered nodes are known by address (the exchange registry lists addresses),
so a presented public key is checked by its address; both are asked for at each check, so they
follow the registry block by block. The registry admits the observer nodes of Active exchanges
and regulators' nodes; the operator adds other peers by key, in ``--peer`` URLs or in an
allowlist file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from node.p2p.peer_url import PeerUrlError, parse_peer_url, parse_public_key, public_key_address


class Allowlist:
    def __init__(
        self,
        public_keys: Iterable[bytes],
        validators: Callable[[], Sequence[bytes]],
        registered: Callable[[bytes], bool] = lambda address: False,
    ) -> None:
        self._addresses = frozenset(public_key_address(key) for key in public_keys)
        self._validators = validators
        self._registered = registered

    @property
    def local_addresses(self) -> frozenset[bytes]:
        """The addresses of the keys the operator named."""
        return self._addresses

    def allows(self, public_key: bytes) -> bool:
        address = public_key_address(public_key)
        return (
            address in self._addresses
            or address in set(self._validators())
            or self._registered(address)
        )


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
