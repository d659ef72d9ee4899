"""``dcl-client key new|import|list``: the account keys in the encrypted keystore."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from client.commands.output import print_json
from client.commands.session import keystore, read_password
from client.keystore import KeyFile, KeystoreError


def _shown(key: KeyFile) -> dict[str, str]:
    return {"address": key.address, "path": str(key.path)}


def cmd_new(args: argparse.Namespace) -> int:
    key = keystore(args).create(read_password(args, confirm=True), light=args.light_kdf)
    print_json(_shown(key))
    return 0


def _private_key(path: Path | None) -> bytes:
    try:
        text = path.read_text().strip() if path else getpass.getpass("Private key (hex): ")
    except OSError as error:
        raise KeystoreError(f"cannot read the private key file: {error}") from error
    digits = text.removeprefix("0x")
    if len(digits) != 64 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise KeystoreError("a private key is 32 bytes of hex")
    return bytes.fromhex(digits)


def cmd_import(args: argparse.Namespace) -> int:
    private_key = _private_key(args.private_key_file)
    key = keystore(args).add(private_key, read_password(args, confirm=True), light=args.light_kdf)
    print_json(_shown(key))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    print_json([_shown(key) for key in keystore(args).key_files()])
    return 0


def add_key_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    key = commands.add_parser("key", help="account keys in encrypted keystore files")
    actions = key.add_subparsers(dest="key_command", required=True)
    new = actions.add_parser("new", parents=[common], help="create a key; prints its address")
    imported = actions.add_parser(
        "import", parents=[common], help="encrypt an existing private key into the keystore"
    )
    imported.add_argument(
        "--private-key-file", type=Path, help="a file holding the key as hex (else a prompt)"
    )
    for parser, handler in ((new, cmd_new), (imported, cmd_import)):
        parser.add_argument(
            "--light-kdf",
            action="store_true",
            help="scrypt n=4096 instead of 262144: fast to unlock, weaker (devnets, tests)",
        )
        parser.set_defaults(handler=handler)
    listed = actions.add_parser("list", parents=[common], help="the keystore's accounts")
    listed.set_defaults(handler=cmd_list)
