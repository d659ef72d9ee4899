"""Layout of a node's data directory.

``genesis.json`` (the chain it belongs to, copied at init), ``key`` (the node's secp256k1
private key in hex, Besu's file name; a validator signs seals with it), ``rpc-secret`` (the
HS256 key of the JSON-RPC bearer tokens, drawn at init or at the first run of a directory made
before it existed) and ``chaindata/`` (the LevelDB). Keeping the genesis inside the directory
means ``dcl run`` cannot be pointed at a directory with the wrong genesis by mistake.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from node.chain.genesis import Genesis, load_genesis
from node.secret_file import create_secret_file


class DataDirError(RuntimeError):
    """The data directory is missing, incomplete or belongs to another chain."""


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def genesis_file(self) -> Path:
        return self.root / "genesis.json"

    @property
    def key_file(self) -> Path:
        return self.root / "key"

    @property
    def rpc_secret_file(self) -> Path:
        return self.root / "rpc-secret"

    def rpc_secret(self) -> bytes:
        """The JSON-RPC token key, created (owner-only) if the directory has none yet."""
        if not self.rpc_secret_file.exists():
            with contextlib.suppress(FileExistsError):  # another process drew it first
                create_secret_file(self.rpc_secret_file, secrets.token_hex(32) + "\n")
        try:
            secret = bytes.fromhex(self.rpc_secret_file.read_text().strip())
        except (OSError, ValueError) as error:
            raise DataDirError(f"cannot read {self.rpc_secret_file}: {error}") from error
        if len(secret) < 32:
            raise DataDirError(f"{self.rpc_secret_file} must hold at least 32 bytes in hex")
        return secret

    @property
    def chaindata(self) -> Path:
        return self.root / "chaindata"

    def is_initialised(self) -> bool:
        return self.genesis_file.is_file() and self.key_file.is_file()

    def load_genesis(self) -> Genesis:
        if not self.genesis_file.is_file():
            raise DataDirError(f"{self.root} is not initialised: run `dcl init` first")
        return load_genesis(self.genesis_file)

    def load_key(self) -> bytes:
        return read_key(self.key_file)


def read_key(path: Path) -> bytes:
    """A secp256k1 private key written in hex, with or without ``0x``."""
    try:
        text = path.read_text().strip()
    except OSError as error:
        raise DataDirError(f"cannot read node key {path}: {error}") from error
    text = text[2:] if text.startswith("0x") else text
    try:
        key = bytes.fromhex(text)
    except ValueError as error:
        raise DataDirError(f"{path} is not a hex private key") from error
    if len(key) != 32:
        raise DataDirError(f"{path} must hold a 32-byte private key")
    return key


def init_datadir(root: Path, genesis_path: Path, key_path: Path | None = None) -> DataDir:
    """Create a data directory for the chain of ``genesis_path``, with the key of
    ``key_path`` or a new one.

    Everything is checked before anything is written. Re-running with the same genesis and key
    is harmless; another genesis is refused, since the chain data would not match, and another
    key too, since the node would silently keep signing as the old one.
    """
    data = DataDir(root)
    load_genesis(genesis_path)
    key = read_key(key_path) if key_path is not None else None
    if data.genesis_file.exists() and data.genesis_file.read_bytes() != genesis_path.read_bytes():
        raise DataDirError(f"{root} already belongs to another genesis")
    if data.key_file.exists():
        if key is not None and data.load_key() != key:
            raise DataDirError(f"{root} already has another node key")
    else:
        root.mkdir(parents=True, exist_ok=True)
        create_secret_file(data.key_file, (key or secrets.token_bytes(32)).hex() + "\n")
    if not data.genesis_file.exists():
        shutil.copyfile(genesis_path, data.genesis_file)
    data.load_key()
    data.rpc_secret()
    return data
