"""RFC 9457 problem details: every refusal of the gateway, as ``application/problem+json``.

A problem names the rule broken by its ``type`` (a URN under ``urn:dcl:problem:``), so clients
branch on the type, never on the wording of ``detail``. Field-level detail goes in ``errors``:
``[{"field": ..., "message": ...}]``, one entry per bad field, the field named as the client
sent it (``query.limit``, ``body.address``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:dcl:problem:"

TITLES: dict[str, str] = {
    "invalid-request": "The request is malformed",
    "unauthorized": "Authentication is required",
    "invalid-token": "The bearer token is not valid",
    "challenge-refused": "The sign-in message is not an open challenge",
    "invalid-signature": "The signature does not prove the address",
    "forbidden": "The caller's role does not allow this",
    "not-found": "No such resource",
    "method-not-allowed": "Method not allowed",
    "payload-too-large": "The request body is too large",
    "unsupported-media-type": "The request body must be JSON",
    "rate-limited": "Too many requests",
    "transaction-refused": "The transaction was refused",
    "not-settled": "The order has not settled",
    "certificate-unavailable": "This node cannot build the certificate",
    "unavailable": "The gateway cannot answer now",
    "internal": "Internal error",
}
"""Each problem type and its fixed title."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass
class Problem(Exception):
    """A refusal to send as problem+json; raise it from any handler."""

    status: int
    kind: str
    detail: str
    errors: tuple[FieldError, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in TITLES:
            raise ValueError(f"unknown problem type {self.kind}")
        super().__init__(self.detail)

    @property
    def type_uri(self) -> str:
        return TYPE_PREFIX + self.kind

    def document(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type_uri,
            "title": TITLES[self.kind],
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.errors:
            body["errors"] = [{"field": e.field, "message": e.message} for e in self.errors]
        return body

    def body(self, instance: str) -> bytes:
        return json.dumps(self.document(instance)).encode()


def invalid(errors: list[FieldError] | tuple[FieldError, ...], detail: str = "") -> Problem:
    """A 400 for one or more bad fields."""
    text = detail or "; ".join(f"{e.field}: {e.message}" for e in errors)
    return Problem(400, "invalid-request", text, tuple(errors))


def field_error(name: str, message: str) -> Problem:
    return invalid([FieldError(name, message)])
