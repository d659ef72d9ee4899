"""schemathesis against the running gateway, from its own OpenAPI document: no 5xx, and every
response (status, content type, body) as the document says. Fixed seed and example count; the
event stream, which never ends, is tested in ``test_events.py``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from eth_account.signers.local import LocalAccount

from tests.support.gateway_market import GatewayMarket
from tests.support.market_node import regulator

SEED = "1"
EXAMPLES = "5"
CHECKS = (
    "not_a_server_error,response_schema_conformance,status_code_conformance,"
    "content_type_conformance"
)


def schemathesis(
    market: GatewayMarket, account: LocalAccount, directory: Path, *filters: str
) -> subprocess.CompletedProcess[str]:
    token = market.gateway.sign_in(account)
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
        *filters,
    ]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, cwd=directory
    )  # its example database lands in the directory, not in the repository


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    market: GatewayMarket, tmp_path: Path
) -> None:
    run = schemathesis(market, market.buyer, tmp_path)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert "Tested: 29" in run.stdout


def test_schemathesis_as_a_regulator_finds_the_audit_answers_as_documented(
    market: GatewayMarket, tmp_path: Path
) -> None:
    """A participant is refused the audit routes (403, documented): a regulator gets their
    answers, which must match their schemas too."""
    run = schemathesis(market, regulator(), tmp_path, "--include-path-regex", "^/v1/audit/")
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert "Tested: 6" in run.stdout
