"""The call timeout is named in geth's error as Go prints a ``time.Duration``."""

from __future__ import annotations

import pytest

from node.rpc.execution import CallTimeout, go_duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (5.0, "5s"),
        (0.5, "500ms"),
        (1.5, "1.5s"),
        (0.0025, "2.5ms"),
        (90.0, "1m30s"),
        (3600.0, "1h0m0s"),
        (0.000_001, "1µs"),
    ],
)
def test_a_timeout_is_written_as_go_writes_a_duration(seconds: float, text: str) -> None:
    assert go_duration(seconds) == text


def test_a_timeout_error_names_the_timeout_as_geth_does() -> None:
    assert str(CallTimeout(5.0)) == "execution aborted (timeout = 5s)"
