"""The controller's bounded memory of seen messages, and its settings' checks."""

from __future__ import annotations

import pytest

from node.consensus.config import QbftConfig
from node.consensus.controller import SeenMessages


def test_a_message_is_recognised_when_seen_again() -> None:
    seen = SeenMessages(limit=2)
    assert seen.check_and_add(b"a") is False
    assert seen.check_and_add(b"a") is True


def test_the_oldest_message_is_forgotten_past_the_limit() -> None:
    seen = SeenMessages(limit=2)
    for data in (b"a", b"b", b"c"):
        seen.check_and_add(data)
    assert seen.check_and_add(b"a") is False
    assert seen.check_and_add(b"c") is True


def test_a_timeout_cap_below_the_request_timeout_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        QbftConfig(request_timeout_seconds=4, max_round_timeout_seconds=2)
    assert str(refused.value) == "the round timeout cap must be at least the request timeout"


def test_a_non_positive_request_timeout_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        QbftConfig(request_timeout_seconds=0)
    assert str(refused.value) == "request timeout must be positive"
