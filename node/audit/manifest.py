"""The manifest of an export directory: what was exported, from which chain, up to where.

An incremental export appends only when the directory's format, the chain's genesis and the
hash of its last exported block all still match; otherwise it refuses, naming the rule. The
manifest also holds the committed size of each file (a run interrupted before it rewrote the
manifest is cut back to those sizes, so no event is exported twice) and ``Involvement``'s
memory (so a run needs not re-read the blocks already exported).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
FORMATS = ("jsonl", "csv", "parquet")


class ExportRefusedError(ValueError):
    """An export directory that this run must not append to."""


class FormatChangeError(ExportRefusedError):
    """The directory holds an export in another format."""


class OtherChainError(ExportRefusedError):
    """The directory holds an export of a chain with another genesis."""


class ReorganisedChainError(ExportRefusedError):
    """The chain no longer holds the last exported block under the same hash."""


class NotAnExportError(ExportRefusedError):
    """The directory holds files but no export manifest (or an unreadable one)."""


@dataclass(frozen=True)
class Manifest:
    format: str
    genesis_hash: bytes
    last_block: int
    last_hash: bytes
    runs: int
    files: dict[str, int]
    """Path (relative to the export directory) → committed size in bytes."""
    involvement: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": MANIFEST_VERSION,
            "format": self.format,
            "genesis_hash": "0x" + self.genesis_hash.hex(),
            "last_block": self.last_block,
            "last_hash": "0x" + self.last_hash.hex(),
            "runs": self.runs,
            "files": dict(sorted(self.files.items())),
            "involvement": self.involvement,
        }


def parse_manifest(document: Any) -> Manifest:
    try:
        if document["version"] != MANIFEST_VERSION:
            raise ValueError(f"manifest version {document['version']}")
        return Manifest(
            format=str(document["format"]),
            genesis_hash=bytes.fromhex(document["genesis_hash"][2:]),
            last_block=int(document["last_block"]),
            last_hash=bytes.fromhex(document["last_hash"][2:]),
            runs=int(document["runs"]),
            files={str(k): int(v) for k, v in document["files"].items()},
            involvement=dict(document["involvement"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise NotAnExportError(f"unreadable export manifest: {error!r}") from error


def read_manifest(out: Path) -> Manifest | None:
    """The manifest of ``out``; None for a missing or empty directory, which a first run
    fills. A directory with other files and no manifest is refused."""
    path = out / MANIFEST_NAME
    if not path.is_file():
        if out.is_dir() and any(out.iterdir()):
            raise NotAnExportError(f"{out} is not empty and holds no {MANIFEST_NAME}")
        return None
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise NotAnExportError(f"unreadable export manifest {path}: {error}") from error
    return parse_manifest(document)


def write_manifest(out: Path, manifest: Manifest) -> None:
    """Replace the manifest in one rename, after everything it describes is on disk."""
    partial = out / (MANIFEST_NAME + ".partial")
    with partial.open("w") as sink:
        json.dump(manifest.to_json(), sink, indent=1)
        sink.write("\n")
        sink.flush()
        os.fsync(sink.fileno())
    partial.replace(out / MANIFEST_NAME)


def check_continuation(
    manifest: Manifest,
    chosen_format: str,
    genesis_hash: bytes,
    hash_at_last: bytes | None,
    head: int,
) -> None:
    """Refuse to append unless format, chain and the last exported block all match."""
    if manifest.format != chosen_format:
        raise FormatChangeError(
            f"the export holds {manifest.format}, not {chosen_format}: export {chosen_format}"
            " to another directory"
        )
    if manifest.genesis_hash != genesis_hash:
        raise OtherChainError(
            f"the export is of the chain with genesis 0x{manifest.genesis_hash.hex()}, this data"
            f" directory holds the chain with genesis 0x{genesis_hash.hex()}"
        )
    if hash_at_last is None:
        raise ReorganisedChainError(
            f"the chain ends at block {head}, before the export's last block {manifest.last_block}"
        )
    if hash_at_last != manifest.last_hash:
        raise ReorganisedChainError(
            f"block {manifest.last_block} is 0x{hash_at_last.hex()} in this chain but"
            f" 0x{manifest.last_hash.hex()} in the export: the chain was reorganised under it"
        )
