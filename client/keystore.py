"""Keys in encrypted keystore files (Web3 Secret Storage, version 3, as geth and eth-account
write them), one file per account, named as geth names them
(``UTC--<time>--<address>``), readable by the owner only.

The default scrypt parameters (n = 2^18) cost a second or more per unlock, on purpose; the
light ones (n = 2^12, as geth's ``--lightkdf``) are for devnets and tests.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import is_address, to_checksum_address

LIGHT_SCRYPT_N = 2**12


class KeystoreError(Exception):
    """A key cannot be created, found or read."""


class WrongPassword(KeystoreError):
    """The password does not decrypt the key file."""


@dataclass(frozen=True)
class KeyFile:
    address: str
    path: Path


def _address_of(document: Any) -> str | None:
    address = document.get("address") if isinstance(document, dict) else None
    if not isinstance(address, str) or not is_address("0x" + address.removeprefix("0x")):
        return None
    return to_checksum_address("0x" + address.removeprefix("0x"))


class Keystore:
    """The key files of one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def key_files(self) -> list[KeyFile]:
        """Every readable key file, by address."""
        found = []
        for path in sorted(self.directory.glob("UTC--*")) if self.directory.is_dir() else []:
            try:
                address = _address_of(json.loads(path.read_text()))
            except (OSError, ValueError):
                continue
            if address is not None:
                found.append(KeyFile(address, path))
        return sorted(found, key=lambda key: key.address.lower())

    def find(self, address: str | None) -> KeyFile:
        """The key of ``address``, or the only key when no address is given."""
        keys = self.key_files()
        if address is None:
            if len(keys) != 1:
                raise KeystoreError(
                    f"{self.directory} holds {len(keys)} keys: name one with --account"
                )
            return keys[0]
        if not is_address(address):
            raise KeystoreError(f"{address!r} is not an address")
        for key in keys:
            if key.address.lower() == address.lower():
                return key
        raise KeystoreError(f"no key of {to_checksum_address(address)} in {self.directory}")

    def create(self, password: str, *, light: bool = False) -> KeyFile:
        return self.add(Account.create().key, password, light=light)

    def add(self, private_key: bytes, password: str, *, light: bool = False) -> KeyFile:
        """Encrypt ``private_key`` into a new file; an account already held is refused."""
        if not password:
            raise KeystoreError("refusing an empty password")
        address = Account.from_key(private_key).address
        if any(key.address == address for key in self.key_files()):
            raise KeystoreError(f"{self.directory} already holds a key of {address}")
        document = Account.encrypt(
            private_key, password, kdf="scrypt", iterations=LIGHT_SCRYPT_N if light else None
        )
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S.%f000Z")
        path = self.directory / f"UTC--{stamp}--{address[2:].lower()}"
        self._write(path, json.dumps(document))
        return KeyFile(address, path)

    def unlock(self, key: KeyFile, password: str) -> LocalAccount:
        try:
            document = json.loads(key.path.read_text())
        except (OSError, ValueError) as error:
            raise KeystoreError(f"cannot read {key.path}: {error}") from error
        try:
            private_key = Account.decrypt(document, password)
        except ValueError as error:
            if "MAC mismatch" in str(error):
                raise WrongPassword(f"the password does not unlock {key.address}") from None
            raise KeystoreError(f"{key.path} is not a usable key file: {error}") from error
        account: LocalAccount = Account.from_key(private_key)
        return account

    def _write(self, path: Path, text: str) -> None:
        """Owner-only, and whole or not at all."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".new-")
        try:
            with os.fdopen(handle, "w") as file:
                file.write(text)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
