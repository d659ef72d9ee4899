"""The replay's terminal status line."""

from __future__ import annotations

import io

from node.audit.progress import TerminalProgress, format_duration, format_progress


def test_the_status_line_shows_rates_and_the_time_left() -> None:
    line = format_progress(number=250, blocks=250, txs=5000, elapsed=10.0, total=1001)
    assert line == "block #250  250 blocks  5000 txs  25.0 blocks/s  500.0 tx/s  ETA 0:30"


def test_without_a_known_total_the_status_line_has_no_eta() -> None:
    line = format_progress(number=3, blocks=3, txs=0, elapsed=2.0, total=None)
    assert line == "block #3  3 blocks  0 txs  1.5 blocks/s  0.0 tx/s"


def test_durations_past_an_hour_show_hours() -> None:
    assert (format_duration(59.6), format_duration(3725)) == ("1:00", "1:02:05")


def test_the_line_is_redrawn_in_place_and_cleared_at_the_end() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream, total=None)
    progress.update(1, 1, 2)
    drawn = stream.getvalue()
    progress.finish()
    assert drawn.startswith("\r\x1b[Kblock #1  1 blocks  2 txs  ")
    assert stream.getvalue() == drawn + "\r\x1b[K"


def test_updates_within_the_redraw_interval_draw_nothing() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream, total=10)
    progress.update(1, 1, 0)
    first = stream.getvalue()
    progress.update(2, 2, 0)
    assert stream.getvalue() == first
