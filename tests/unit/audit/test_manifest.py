"""An export directory's manifest: what a run may append to, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from node.audit.manifest import (
    MANIFEST_NAME,
    FormatChangeError,
    Manifest,
    NotAnExportError,
    OtherChainError,
    ReorganisedChainError,
    check_continuation,
    parse_manifest,
    read_manifest,
    write_manifest,
)

GENESIS, OTHER_GENESIS = b"\x01" * 32, b"\x02" * 32
LAST_HASH, OTHER_HASH = b"\x0a" * 32, b"\x0b" * 32
MANIFEST = Manifest(
    format="csv",
    genesis_hash=GENESIS,
    last_block=7,
    last_hash=LAST_HASH,
    runs=2,
    files={"events.csv": 1234},
    involvement={"orders": {}},
)


def test_a_manifest_reads_back_as_it_was_written(tmp_path: Path) -> None:
    write_manifest(tmp_path, MANIFEST)
    assert read_manifest(tmp_path) == MANIFEST
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_NAME]


def test_a_manifest_names_hashes_in_hex(tmp_path: Path) -> None:
    write_manifest(tmp_path, MANIFEST)
    document = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert (document["genesis_hash"], document["last_hash"]) == (
        "0x" + "01" * 32,
        "0x" + "0a" * 32,
    )


def test_a_missing_or_empty_directory_has_no_manifest(tmp_path: Path) -> None:
    assert read_manifest(tmp_path / "absent") is None
    assert read_manifest(tmp_path) is None


def test_a_directory_with_other_files_and_no_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(NotAnExportError, match=r"is not empty and holds no manifest\.json"):
        read_manifest(tmp_path)


def test_an_unreadable_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(NotAnExportError, match="unreadable export manifest"):
        read_manifest(tmp_path)


def test_a_manifest_missing_a_field_is_refused() -> None:
    document = MANIFEST.to_json()
    del document["last_hash"]
    with pytest.raises(NotAnExportError, match="'last_hash'"):
        parse_manifest(document)


def test_the_same_format_chain_and_last_block_may_be_appended_to() -> None:
    check_continuation(MANIFEST, "csv", GENESIS, LAST_HASH, head=9)


def test_another_format_is_refused() -> None:
    with pytest.raises(FormatChangeError, match="the export holds csv, not parquet"):
        check_continuation(MANIFEST, "parquet", GENESIS, LAST_HASH, head=9)


def test_another_chain_is_refused() -> None:
    with pytest.raises(OtherChainError, match="0x" + "02" * 32):
        check_continuation(MANIFEST, "csv", OTHER_GENESIS, LAST_HASH, head=9)


def test_a_last_block_with_another_hash_is_refused_as_a_reorganisation() -> None:
    with pytest.raises(ReorganisedChainError) as refused:
        check_continuation(MANIFEST, "csv", GENESIS, OTHER_HASH, head=9)
    assert str(refused.value) == (
        f"block 7 is 0x{'0b' * 32} in this chain but 0x{'0a' * 32} in the export:"
        " the chain was reorganised under it"
    )


def test_a_chain_shorter_than_the_export_is_refused() -> None:
    with pytest.raises(ReorganisedChainError, match="the chain ends at block 5, before the"):
        check_continuation(MANIFEST, "csv", GENESIS, None, head=5)
