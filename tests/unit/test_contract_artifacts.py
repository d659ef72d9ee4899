"""The committed contract artifacts match their sources, and the node can load them.

Needs Node.js and the pinned solc (``make install``): without them these tests fail rather than
skip, because a stale artifact would otherwise go unnoticed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from node.artifacts import ARTIFACTS_DIR, load_artifact

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts"
BUILD_SCRIPT = CONTRACTS_DIR / "build.mjs"


def run_build(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``node contracts/build.mjs ARGS`` in ``cwd``; fail if the toolchain is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed: install Node.js 20+, then run `make install`")
    if not (CONTRACTS_DIR / "node_modules" / "solc" / "package.json").is_file():
        pytest.fail(
            "the solc compiler is not installed in contracts/node_modules: run `make install`"
        )
    return subprocess.run(
        [node, str(BUILD_SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_recorder(destination: Path, *, artifact: bool = True) -> Path:
    """Copy Recorder.sol (and its committed artifact) into ``destination``/src."""
    source_dir = destination / "src"
    (source_dir / "build").mkdir(parents=True)
    shutil.copy(CONTRACTS_DIR / "Recorder.sol", source_dir / "Recorder.sol")
    if artifact:
        shutil.copy(ARTIFACTS_DIR / "Recorder.json", source_dir / "build" / "Recorder.json")
    return source_dir


def test_committed_artifacts_are_up_to_date_with_their_sources(tmp_path: Path) -> None:
    count = len(list(ARTIFACTS_DIR.glob("*.json")))

    result = run_build("--check", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (0, f"{count} artifact(s) up to date\n"), (
        result.stderr
    )


def test_check_passes_on_an_unchanged_copy(tmp_path: Path) -> None:
    copy_recorder(tmp_path)

    result = run_build("--check", "--dir", "src", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (0, "1 artifact(s) up to date\n"), result.stderr


def test_check_names_an_artifact_whose_source_changed_as_stale(tmp_path: Path) -> None:
    source_dir = copy_recorder(tmp_path)
    source = source_dir / "Recorder.sol"
    source.write_text(source.read_text().replace("values[key] = value;", "values[key] = ~value;"))

    result = run_build("--check", "--dir", "src", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "stale: src/build/Recorder.json"


def test_check_names_a_missing_artifact(tmp_path: Path) -> None:
    copy_recorder(tmp_path, artifact=False)

    result = run_build("--check", "--dir", "src", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "missing: src/build/Recorder.json"


def test_check_names_an_artifact_without_a_source_as_orphaned(tmp_path: Path) -> None:
    source_dir = copy_recorder(tmp_path)
    shutil.copy(ARTIFACTS_DIR / "Recorder.json", source_dir / "build" / "Gone.json")

    result = run_build("--check", "--dir", "src", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "orphaned: src/build/Gone.json (no contract of that name)"
    )


def test_build_writes_the_committed_artifact_byte_for_byte(tmp_path: Path) -> None:
    source_dir = copy_recorder(tmp_path, artifact=False)

    result = run_build("--dir", "src", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    written = (source_dir / "build" / "Recorder.json").read_bytes()
    assert written == (ARTIFACTS_DIR / "Recorder.json").read_bytes()


def test_editing_a_comment_changes_the_source_hash_but_not_the_bytecode(tmp_path: Path) -> None:
    source_dir = copy_recorder(tmp_path, artifact=False)
    source = source_dir / "Recorder.sol"
    source.write_text(source.read_text() + "// a trailing comment\n")

    result = run_build("--dir", "src", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    edited = json.loads((source_dir / "build" / "Recorder.json").read_text())
    committed = json.loads((ARTIFACTS_DIR / "Recorder.json").read_text())
    assert edited["sourceSha256"] != committed["sourceSha256"]
    assert (edited["bytecode"], edited["deployedBytecode"]) == (
        committed["bytecode"],
        committed["deployedBytecode"],
    )


def test_a_compile_error_exits_1_with_solc_message(tmp_path: Path) -> None:
    source_dir = copy_recorder(tmp_path, artifact=False)
    (source_dir / "Broken.sol").write_text("contract Broken { function f( }\n")

    result = run_build("--dir", "src", cwd=tmp_path)

    assert result.returncode == 1
    assert "ParserError" in result.stderr
    assert " --> Broken.sol:1:" in result.stderr
    assert not (source_dir / "build" / "Recorder.json").exists()


def test_recorder_creation_code_ends_with_its_runtime_code() -> None:
    recorder = load_artifact("Recorder")

    assert recorder.bytecode[:5] == bytes.fromhex("6080604052")
    assert recorder.deployed_bytecode[:5] == bytes.fromhex("6080604052")
    assert recorder.bytecode.endswith(recorder.deployed_bytecode)


def test_recorder_abi_has_record_values_reject_recorded_and_rejected() -> None:
    recorder = load_artifact("Recorder")

    entries = {(entry["type"], entry["name"]) for entry in recorder.abi}

    assert entries == {
        ("function", "record"),
        ("function", "values"),
        ("function", "reject"),
        ("event", "Recorded"),
        ("error", "Rejected"),
    }


def test_loading_an_unknown_contract_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"'Nothing'.*run `make contracts`"):
        load_artifact("Nothing", tmp_path)


def test_loading_an_artifact_with_a_bad_bytecode_raises_value_error(tmp_path: Path) -> None:
    artifact = json.loads((ARTIFACTS_DIR / "Recorder.json").read_text())
    artifact["bytecode"] = "0x60zz"
    (tmp_path / "Recorder.json").write_text(json.dumps(artifact))

    with pytest.raises(ValueError, match="bytecode is not valid hex"):
        load_artifact("Recorder", tmp_path)
