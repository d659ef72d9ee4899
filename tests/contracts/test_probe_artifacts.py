"""The committed artifacts of the test probes match their sources, like the real contracts'."""

from __future__ import annotations

from pathlib import Path

from tests.contracts.harness import PROBES_DIR
from tests.unit.test_contract_artifacts import run_build


def test_committed_probe_artifacts_are_up_to_date_with_their_sources(tmp_path: Path) -> None:
    result = run_build("--check", "--dir", str(PROBES_DIR.parent), cwd=tmp_path)

    assert (result.returncode, result.stdout) == (0, "1 artifact(s) up to date\n"), result.stderr
