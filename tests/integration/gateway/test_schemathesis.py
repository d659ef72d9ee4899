"""schemathesis against the running gateway, from its own OpenAPI document: no 5xx, and every
response (status, content type, body) as the document says. Fixed seed and example count; the
event stream, which never ends, is tested in ``test_events.py``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.gateway_market import GatewayMarket

SEED = "1"
EXAMPLES = "5"
CHECKS = (
    "not_a_server_error,response_schema_conformance,status_code_conformance,"
    "content_type_conformance"
)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    market: GatewayMarket, tmp_path: Path
) -> None:
    token = market.gateway.sign_in(market.buyer)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run", market.gateway.url + "/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--seed", SEED,
        "--max-examples", EXAMPLES,
        "--phases", "coverage,fuzzing",
        "--checks", CHECKS,
        "--exclude-path", "/v1/events",
        "--request-timeout", "30",
    ]  # fmt: skip
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path
    )  # its example database lands in tmp_path, not in the repository
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert "Tested: 19" in run.stdout
