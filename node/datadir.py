"""Layout of a node's data directory.

``genesis.json`` (the chain it belongs to, copied at init), ``key`` (the node's secp256k1
private key in hex, Besu's file name; a validator signs seals with it) and ``chaindata/`` (the
LevelDB). Keeping the genesis inside the directory means ``dcl run`` cannot be pointed at a
directory with the wrong genesis by mistake.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from node.chain.genesis import Genesis, load_genesis


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
    def chaindata(self) -> Path:
        return self.root / "chaindata"

    def is_initialised(self) -> bool:
        return self.genesis_file.is_file() and self.key_file.is_file()

    def load_genesis(self) -> Genesis:
        if not self.genesis_file.is_file():
            raise DataDirError(f"{self.root} is not initialised: run `dcl init` first")
        return load_genesis(self.genesis_file)

    def load_key(self) -> bytes:
        try:
            text = self.key_file.read_text().strip()
        except OSError as error:
            raise DataDirError(f"cannot read node key {self.key_file}: {error}") from error
        text = text[2:] if text.startswith("0x") else text
        try:
            key = bytes.fromhex(text)
        except ValueError as error:
            raise DataDirError(f"{self.key_file} is not a hex private key") from error
        if len(key) != 32:
            raise DataDirError(f"{self.key_file} must hold a 32-byte private key")
        return key


def init_datadir(root: Path, genesis_path: Path, key_path: Path | None = None) -> DataDir:
    """Create a data directory for the chain of ``genesis_path``.

    The genesis is validated before anything is written. Re-running with the same genesis is
    harmless; with another genesis it is refused, since the chain data would not match.
    """
    data = DataDir(root)
    load_genesis(genesis_path)
    if data.genesis_file.exists():
        if data.genesis_file.read_bytes() != genesis_path.read_bytes():
            raise DataDirError(f"{root} already belongs to another genesis")
    else:
        root.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(genesis_path, data.genesis_file)
    if not data.key_file.exists():
        key_hex = (
            key_path.read_text().strip().removeprefix("0x") if key_path else secrets.token_hex(32)
        )
        data.key_file.write_text(key_hex + "\n")
        os.chmod(data.key_file, 0o600)
    data.load_key()
    return data
