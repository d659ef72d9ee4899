"""The audit report as one self-contained HTML page (pure: figures and the chart library in,
text out).

Chart.js (``vendor/``) is inlined, so the page opens with no network. Each chart sits in a
``<figure class="chart" data-chart=NAME>``; once Chart.js has drawn it, a plugin marks the
figure ``data-rendered="true"`` and counts the canvas pixels it painted in
``data-painted-pixels``, so a headless browser's DOM shows that every chart was drawn.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).with_name("vendor")
CHART_JS = VENDOR / "chart.umd.min.js"
CHART_JS_VERSION = "4.6.1"


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    config: dict[str, Any]
    """A Chart.js configuration (type, data, options)."""


def _bar(labels: list[str], datasets: list[tuple[str, list[int]]], stacked: bool = False) -> dict:
    scales = {
        "x": {"stacked": stacked},
        "y": {"stacked": stacked, "beginAtZero": True, "ticks": {"precision": 0}},
    }
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [{"label": label, "data": data} for label, data in datasets],
        },
        "options": {"scales": scales},
    }


def _doughnut(labels: list[str], data: list[int]) -> dict:
    return {"type": "doughnut", "data": {"labels": labels, "datasets": [{"data": data}]}}


def charts(figures: dict[str, Any]) -> list[Chart]:
    """The report's charts, one per question the issue asks, from ``figures.market_figures``."""
    activity = figures["activity_by_exchange"]
    days, exchanges = activity["days"], activity["exchanges"]
    volume = figures["volume_by_currency"]
    cross = figures["cross_exchange_trades"]
    grants = figures["authorizations"]
    disputes = figures["disputes"]
    mix = figures["classification_mix"]
    border = figures["cross_border_trades"]
    currencies = list(volume)
    dispute_labels = ["raised", "open"]
    dispute_labels += [f"resolved by {name}" for name in disputes["by_resolution"]]
    dispute_labels += [f"outcome {name}" for name in disputes["by_outcome"]]
    dispute_counts = [disputes["raised"], disputes["open"]]
    dispute_counts += [*disputes["by_resolution"].values(), *disputes["by_outcome"].values()]
    border_labels = [f"buyers in {code}" for code in border["by_buyer_jurisdiction"]]
    border_labels += [f"basis: {kind}" for kind in border["export_bases_registered"]]
    border_counts = [*border["by_buyer_jurisdiction"].values()]
    border_counts += [*border["export_bases_registered"].values()]
    return [
        Chart(
            "listings",
            "Listings per exchange per day",
            _bar(days, [(code, e["listings"]) for code, e in exchanges.items()], stacked=True),
        ),
        Chart(
            "trades",
            "Settled trades per exchange per day (each exchange a trade involves)",
            _bar(days, [(code, e["trades"]) for code, e in exchanges.items()], stacked=True),
        ),
        Chart(
            "volume",
            "Volume per currency (minor units: fen for CNY)",
            _bar(
                currencies,
                [
                    ("settled amount", [volume[c]["amount"] for c in currencies]),
                    ("refunded", [volume[c]["refunded"] for c in currencies]),
                    ("to suppliers", [volume[c]["supplier"] for c in currencies]),
                ],
            ),
        ),
        Chart(
            "cross-exchange",
            "Cross-exchange share of settled trades",
            _doughnut(
                ["cross-exchange", "same exchange"],
                [cross["cross_exchange"], cross["same_exchange"]],
            ),
        ),
        Chart(
            "authorizations",
            "Authorizations: uses recorded versus uses granted, per grant",
            _bar(
                [f"grant {g['grant_id']}" for g in grants["by_grant"]],
                [
                    ("uses granted (0 = unlimited)", [g["max_uses"] for g in grants["by_grant"]]),
                    ("uses recorded", [g["uses"] for g in grants["by_grant"]]),
                ],
            ),
        ),
        Chart(
            "disputes",
            "Disputes and their outcomes",
            _bar(dispute_labels, [("disputes", dispute_counts)]),
        ),
        Chart(
            "classification",
            "Classification of listed products",
            _doughnut(list(mix), list(mix.values())),
        ),
        Chart(
            "cross-border",
            "Cross-border orders by buyer jurisdiction, and export bases registered",
            _bar(border_labels, [("count", border_counts)]),
        ),
    ]


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_DRAW = """
const marks = {
  id: "auditRenderedMark",
  afterRender(chart) {
    const canvas = chart.canvas;
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
    const figure = canvas.closest("figure");
    figure.dataset.paintedPixels = String(painted);
    figure.dataset.rendered = "true";
  },
};
const charts = JSON.parse(document.getElementById("charts").textContent);
for (const chart of charts) {
  const canvas = document.querySelector(`figure[data-chart="${chart.name}"] canvas`);
  const config = chart.config;
  config.options = Object.assign({}, config.options, {responsive: false, animation: false});
  config.plugins = [marks];
  new Chart(canvas, config);
}
"""

_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
figure.chart { display: inline-block; margin: 1em; vertical-align: top; }
figcaption { font-weight: bold; margin-bottom: .5em; }
pre { background: #f4f4f4; padding: 1em; overflow: auto; }
"""


def render_report(figures: dict[str, Any], chain: dict[str, Any], chart_js: str) -> str:
    """The whole page: a heading naming the chain, the charts, and the figures as JSON."""
    drawn = charts(figures)
    sections = "\n".join(
        f'<figure class="chart" data-chart="{html.escape(c.name)}">'
        f"<figcaption>{html.escape(c.title)}</figcaption>"
        '<canvas width="560" height="320"></canvas></figure>'
        for c in drawn
    )
    described = ", ".join(f"{html.escape(k)} {html.escape(str(v))}" for k, v in chain.items())
    chart_list = [{"name": c.name, "config": c.config} for c in drawn]
    figures_text = html.escape(json.dumps(figures, indent=1, ensure_ascii=False))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Data Circulation Ledger: audit report</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Data Circulation Ledger: audit report</h1>
<p class="chain">{described}</p>
{sections}
<h2>Figures</h2>
<pre id="figures">{figures_text}</pre>
<script type="application/json" id="charts">{_script_json(chart_list)}</script>
<script>/* Chart.js {CHART_JS_VERSION}, MIT licence (vendor/LICENSE.md) */
{chart_js}</script>
<script>{_DRAW}</script>
</body>
</html>
"""
