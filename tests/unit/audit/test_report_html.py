"""The report page: one figure per chart, the library and the figures inlined, nothing loaded
from elsewhere."""

from __future__ import annotations

import json
import re

from node.audit.figures import market_figures
from node.audit.report_html import CHART_JS, charts, render_report

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
LIBRARY = "/* the chart library */"


def test_the_report_has_one_chart_per_question_of_the_issue() -> None:
    assert [chart.name for chart in charts(market_figures([]))] == CHART_NAMES


def test_each_chart_has_a_figure_with_a_canvas() -> None:
    page = render_report(market_figures([]), {"head block": 0}, LIBRARY)
    figures = re.findall(r'<figure class="chart" data-chart="([^"]+)"><figcaption>', page)
    assert figures == CHART_NAMES
    assert page.count("<canvas ") == len(CHART_NAMES)


def test_the_page_loads_nothing_from_elsewhere() -> None:
    page = render_report(market_figures([]), {"head block": 0}, LIBRARY)
    assert re.findall(r"<(?:script|link|img|iframe)[^>]*(?:src|href)=", page) == []
    assert LIBRARY in page


def test_the_chart_data_is_embedded_safely_inside_its_script_element() -> None:
    page = render_report(market_figures([]), {"chain": "</script><b>"}, LIBRARY)
    embedded = re.search(r'<script type="application/json" id="charts">(.*?)</script>', page)
    assert embedded is not None
    assert [c["name"] for c in json.loads(embedded.group(1))] == CHART_NAMES
    assert "&lt;/script&gt;&lt;b&gt;" in page


def test_the_volume_chart_plots_integer_minor_units() -> None:
    figures = market_figures([])
    figures["volume_by_currency"] = {
        "CNY": {
            "trades": 2,
            "amount": 2_500_000,
            "refunded": 400_000,
            "listing_fees": 52_500,
            "buyer_exchange_fees": 31_500,
            "supplier": 2_016_000,
        }
    }
    volume = next(chart for chart in charts(figures) if chart.name == "volume")
    assert volume.config["data"] == {
        "labels": ["CNY"],
        "datasets": [
            {"label": "settled amount", "data": [2_500_000]},
            {"label": "refunded", "data": [400_000]},
            {"label": "to suppliers", "data": [2_016_000]},
        ],
    }


def test_the_vendored_library_is_the_chart_js_umd_build() -> None:
    head = CHART_JS.read_text(encoding="utf-8")[:200]
    assert "Chart.js v4.6.1" in head
    assert "Released under the MIT License" in head
