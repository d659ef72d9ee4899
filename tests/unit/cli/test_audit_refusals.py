"""What ``dcl audit replay`` and ``dcl audit verify-db`` refuse, each in one line without a
traceback, leaving nothing behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from node.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rpc-compat"


def test_a_missing_chain_file_is_refused_and_no_scratch_database_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    missing = tmp_path / "missing.rlp"
    code = main(["audit", "replay", "--genesis", str(FIXTURES / "genesis.json"),
                 "--chain", str(missing)])  # fmt: skip
    assert (code, capsys.readouterr().err) == (
        1,
        f"dcl: error: [Errno 2] No such file or directory: '{missing}'\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_replay_takes_one_source_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["audit", "replay", "--genesis", "g.json", "--chain", "c.rlp", "--datadir", "d"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "dcl audit replay: error: argument --datadir: not allowed with argument --chain"
    )


def test_replay_of_an_uninitialised_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", "replay", "--genesis", str(FIXTURES / "genesis.json"),
                 "--datadir", str(tmp_path)])  # fmt: skip
    assert (code, capsys.readouterr().err) == (
        1,
        f"dcl: error: {tmp_path} is not initialised: run `dcl init` first\n",
    )


def test_verify_db_of_a_directory_without_chain_data_is_refused_and_creates_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = tmp_path / "node"
    assert main(["init", "--genesis", str(FIXTURES / "genesis.json"), "--datadir", str(node)]) == 0
    capsys.readouterr()
    assert main(["audit", "verify-db", "--datadir", str(node)]) == 1
    assert capsys.readouterr().err == (
        f"dcl: error: {node / 'chaindata'} does not exist: {node} holds no chain\n"
    )
    assert not (node / "chaindata").exists()
