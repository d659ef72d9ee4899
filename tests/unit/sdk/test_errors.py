"""Problem documents as typed exceptions: every problem type the gateway has is a class."""

from __future__ import annotations

import json

import pytest

from client.sdk import errors
from client.sdk.errors import error_from_answer
from node.gateway.problems import TITLES, TYPE_PREFIX


def document(kind: str, **extra: object) -> bytes:
    return json.dumps(
        {"type": TYPE_PREFIX + kind, "title": TITLES[kind], "status": 400, "detail": "d", **extra}
    ).encode()


@pytest.mark.parametrize("kind", sorted(TITLES))
def test_every_problem_type_of_the_gateway_has_its_own_class(kind: str) -> None:
    error = error_from_answer(400, "", {}, document(kind))
    assert type(error) is errors.PROBLEM_CLASSES[kind]
    assert (error.problem_type, error.title) == (kind, TITLES[kind])  # type: ignore[attr-defined]


def test_field_errors_and_retry_after_are_kept() -> None:
    body = document("rate-limited", errors=[{"field": "query.limit", "message": "too big"}])
    error = error_from_answer(429, "", {"retry-after": "7"}, body)
    assert isinstance(error, errors.RateLimited)
    assert (error.errors, error.retry_after) == ((errors.FieldError("query.limit", "too big"),), 7)


def test_a_body_that_is_no_problem_is_named_by_its_status() -> None:
    error = error_from_answer(502, "Bad Gateway", {}, b"<html>proxy</html>")
    assert isinstance(error, errors.ServerError)
    assert (error.status, error.title, str(error)) == (502, "Bad Gateway", "Bad Gateway")


def test_an_unknown_problem_type_is_a_gateway_error_with_that_type() -> None:
    body = json.dumps({"type": TYPE_PREFIX + "new-rule", "title": "New", "detail": "x"}).encode()
    error = error_from_answer(409, "", {}, body)
    assert type(error) is errors.GatewayError
    assert (error.problem_type, str(error)) == ("new-rule", "New: x")
