"""The committed artifacts of the test stand-ins match their sources, like the real contracts'."""

from __future__ import annotations

from pathlib import Path

from tests.contracts.harness import STANDINS_DIR
from tests.unit.test_contract_artifacts import run_build


def test_committed_standin_artifacts_are_up_to_date_with_their_sources(tmp_path: Path) -> None:
    count = len(list(STANDINS_DIR.glob("*.json")))

    result = run_build("--check", "--dir", str(STANDINS_DIR.parent), cwd=tmp_path)

    assert (result.returncode, result.stdout) == (0, f"{count} artifact(s) up to date\n"), (
        result.stderr
    )
