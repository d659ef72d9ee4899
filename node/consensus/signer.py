"""The local validator's signer over a private key held in memory."""

from __future__ import annotations

from node.chain.seals import address_of, sign_digest


class PrivateKeySigner:
    """Signs with coincurve, which produces only low-s signatures."""

    def __init__(self, private_key: bytes) -> None:
        self._key = private_key
        self._address = address_of(private_key)

    @property
    def address(self) -> bytes:
        return self._address

    def sign(self, digest: bytes) -> bytes:
        return sign_digest(self._key, digest)
