"""`dcl audit report` on the market scenario's stopped node: Debian's chromium, headless,
draws every chart of the self-contained page (each figure is marked by the page once Chart.js
has painted it), and the figures JSON holds the scenario's exact figures."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.integration.audit.conftest import AuditChain
from tests.support.node_process import run_dcl

CHART_NAMES = [
    "listings",
    "trades",
    "volume",
    "cross-exchange",
    "authorizations",
    "disputes",
    "classification",
    "cross-border",
]
PRICE, REFUND = 1_250_000, 400_000
CHROMIUM_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def report(audit_chain: AuditChain, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("report")
    done = run_dcl(
        "audit",
        "report",
        "--datadir",
        audit_chain.datadir,
        "--out",
        out / "report.html",
        "--json",
        out / "figures.json",
    )
    assert done.returncode == 0, done.stderr
    return {
        "page": (out / "report.html").read_text(encoding="utf-8"),
        "path": out / "report.html",
        "json": json.loads((out / "figures.json").read_text()),
        "stdout": done.stdout,
    }


def dump_dom(page: Path, profile: Path) -> str:
    """The page's DOM after load, as Debian's chromium renders it headless."""
    chromium = shutil.which("chromium")
    assert chromium is not None, "chromium is missing: `make install` installs it with apt-get"
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=CHROMIUM_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_chart_is_drawn_in_headless_chromium(report: dict[str, Any], tmp_path: Path) -> None:
    dom = dump_dom(report["path"], tmp_path / "profile")
    marks = re.findall(
        r'<figure class="chart" data-chart="([^"]+)" data-painted-pixels="(\d+)"'
        r' data-rendered="true">',
        dom,
    )
    assert [name for name, _ in marks] == CHART_NAMES
    assert all(int(pixels) > 0 for _, pixels in marks)


def test_a_chart_not_drawn_is_not_marked(report: dict[str, Any], tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(report["page"].replace("new Chart(canvas, config);", ""), encoding="utf-8")
    dom = dump_dom(page, tmp_path / "profile")
    assert dom.count('<figure class="chart"') == len(CHART_NAMES)
    assert "data-rendered" not in dom


def days_of(audit_chain: AuditChain, *names: str) -> list[str]:
    return sorted(
        {
            datetime.fromtimestamp(e["block_timestamp"], UTC).date().isoformat()
            for e in audit_chain.first_events + audit_chain.new_events
            if e["event"] in names
        }
    )


def test_the_figures_json_holds_the_scenarios_market_figures(
    report: dict[str, Any], audit_chain: AuditChain
) -> None:
    figures = report["json"]["figures"]
    activity = figures["activity_by_exchange"]
    assert activity["days"] == days_of(audit_chain, "ProductApproved", "TradeSettled")
    assert {
        code: {k: sum(v) for k, v in e.items()} for code, e in activity["exchanges"].items()
    } == {
        "SHDE": {"listings": 2, "trades": 3},
        "SZDE": {"listings": 0, "trades": 3},
    }
    assert figures["volume_by_currency"] == {
        "CNY": {
            "trades": 3,
            "amount": 3 * PRICE,
            "refunded": REFUND,
            "listing_fees": 31_250 + 21_250 + 31_250,
            "buyer_exchange_fees": 18_750 + 12_750 + 18_750,
            "supplier": 1_200_000 + 816_000 + 1_200_000,
        }
    }
    assert figures["cross_exchange_trades"] == {
        "trades": 3,
        "cross_exchange": 3,
        "same_exchange": 0,
    }
    assert figures["disputes"] == {
        "raised": 1,
        "open": 0,
        "by_resolution": {"ArbitralAward": 1},
        "by_outcome": {"Partial": 1},
    }
    assert figures["classification_mix"] == {"General": 1, "Important": 1}
    assert figures["cross_border_trades"] == {
        "orders": 1,
        "needing_export_basis": 1,
        "by_buyer_jurisdiction": {"HK": 1},
        "export_bases_registered": {"SecurityAssessment": 1},
        "export_bases_revoked": 0,
    }


def test_the_figures_compare_authorization_uses_with_grants(report: dict[str, Any]) -> None:
    assert report["json"]["figures"]["authorizations"] == {
        "grants": 3,
        "unlimited_grants": 0,
        "uses_granted": 9,
        "uses_recorded_on_limited": 3,
        "uses_recorded": 3,
        "revoked_by_reason": {"Refund": 1},
        "by_grant": [
            {"grant_id": 1, "max_uses": 3, "uses": 3},
            {"grant_id": 2, "max_uses": 3, "uses": 0},
            {"grant_id": 3, "max_uses": 3, "uses": 0},
        ],
    }


def test_the_report_names_the_chain_and_counts_its_events(
    report: dict[str, Any], audit_chain: AuditChain
) -> None:
    chain = report["json"]["chain"]
    assert chain["events"] == len(audit_chain.first_events) + len(audit_chain.new_events)
    assert chain["chain id"] == 1337
    assert f"{chain['events']} events up to block #{chain['head block']}" in report["stdout"]


def test_the_page_shows_the_same_figures_as_the_json(report: dict[str, Any]) -> None:
    shown = re.search(r'<pre id="figures">(.*?)</pre>', report["page"], re.S)
    assert shown is not None
    assert json.loads(html.unescape(shown.group(1))) == report["json"]["figures"]
