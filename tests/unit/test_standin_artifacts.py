"""The committed artifacts of the contract-test stand-ins match their sources.

The stand-ins (``tests/contracts/standins``) replace system contracts that are not on this
branch yet; a stale stand-in artifact would test against code nobody can read.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STANDINS = ROOT / "tests" / "contracts" / "standins"


def test_committed_standin_artifacts_are_up_to_date_with_their_sources() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed: install Node.js 20+, then run `make install`")
    count = len(list((STANDINS / "build").glob("*.json")))

    result = subprocess.run(
        [node, str(ROOT / "contracts" / "build.mjs"), "--check", "--dir", str(STANDINS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert (count, result.returncode, result.stdout) == (2, 0, "2 artifact(s) up to date\n"), (
        result.stderr
    )
