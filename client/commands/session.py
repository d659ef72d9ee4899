"""Where a command's account, password and gateway session come from.

Keys live in ``<home>/keystore`` (``--home``, else ``$DCL_HOME``, else ``~/.dcl``); the account
is ``--account`` (or ``$DCL_ACCOUNT``), or the keystore's only key. A password comes from
``--password-file`` (its first line) or a prompt, never from the command line. ``login`` keeps
the gateway's token in ``<home>/sessions`` (owner-only), so reads need no password until it
expires; a command that signs a transaction always unlocks the key.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eth_account.signers.local import LocalAccount

from client.keystore import Keystore, KeystoreError
from client.sdk import Client

DEFAULT_GATEWAY = "http://127.0.0.1:8547"
EXPIRY_MARGIN_SECONDS = 30


def home(args: argparse.Namespace) -> Path:
    chosen = args.home or os.environ.get("DCL_HOME") or "~/.dcl"
    return Path(chosen).expanduser()


def keystore(args: argparse.Namespace) -> Keystore:
    return Keystore(home(args) / "keystore")


def read_password(args: argparse.Namespace, *, confirm: bool = False) -> str:
    if args.password_file is not None:
        try:
            lines = args.password_file.read_text().splitlines()
        except OSError as error:
            raise KeystoreError(f"cannot read the password file: {error}") from error
        return lines[0] if lines else ""
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat the password: ") != password:
        raise KeystoreError("the passwords differ")
    return password


def account_address(args: argparse.Namespace) -> str | None:
    chosen: str | None = args.account or os.environ.get("DCL_ACCOUNT")
    return chosen


def unlock(args: argparse.Namespace) -> LocalAccount:
    store = keystore(args)
    return store.unlock(store.find(account_address(args)), read_password(args))


class Sessions:
    """Tokens by gateway and account, one owner-only file per account."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, address: str) -> Path:
        return self.directory / f"{address.lower()}.json"

    def load(self, gateway: str, address: str, now: float) -> str | None:
        try:
            saved = json.loads(self._path(address).read_text())
        except (OSError, ValueError):
            return None
        if (
            not isinstance(saved, dict)
            or saved.get("gateway") != gateway
            or not isinstance(saved.get("token"), str)
            or not isinstance(saved.get("expiresAt"), int)
            or saved["expiresAt"] <= now + EXPIRY_MARGIN_SECONDS
        ):
            return None
        token: str = saved["token"]
        return token

    def save(self, gateway: str, address: str, token: str, expires_at: int) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self._path(address)
        text = json.dumps({"gateway": gateway, "token": token, "expiresAt": expires_at})
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(text)


def sessions(args: argparse.Namespace) -> Sessions:
    return Sessions(home(args) / "sessions")


def signed_in(args: argparse.Namespace, account: LocalAccount) -> Client:
    """A client of the account, signed in now; its token is kept for later commands."""
    client = Client(args.gateway, account)
    token = client.sign_in()
    sessions(args).save(args.gateway, token.address, token.token, token.expires_at)
    return client


@contextmanager
def gateway_client(args: argparse.Namespace, *, signing: bool) -> Iterator[Client]:
    """A client of the command's account: with its key unlocked when it signs, else on the
    kept session if there is one."""
    address = keystore(args).find(account_address(args)).address
    token = sessions(args).load(args.gateway, address, time.time())
    if token is None:
        client = signed_in(args, unlock(args))
    else:
        client = Client(args.gateway, unlock(args) if signing else None, token=token)
    with client:
        yield client
