"""A runner of the SDK's operations against a script of gateway answers: it records every
request and pause and answers each request with the next scripted answer. It drives the
SDK's pure core (request building, sign-in, retries, signing, parsing) the way the real
clients do, with no transport at all."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from eth_account.signers.local import LocalAccount

from client.sdk.demand_api import DemandPoolApi
from client.sdk.operation import Done, HttpRequest, HttpResponse, Operation, Sleep, SyncRunner, step
from node.gateway.problems import TITLES, TYPE_PREFIX
from node.gateway.siwe import SiweMessage

T = TypeVar("T")
URL = "http://gateway.test:8547"
HOST = "gateway.test:8547"
CHAIN_ID = 1337


def ok(body: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        status, "OK", {"content-type": "application/json"}, json.dumps(body).encode()
    )


def problem(
    status: int, kind: str, detail: str, *, errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:  # fmt: skip
    document: dict[str, Any] = {
        "type": TYPE_PREFIX + kind,
        "title": TITLES[kind],
        "status": status,
        "detail": detail,
        "instance": "/v1/x",
    }
    if errors:
        document["errors"] = errors
    return HttpResponse(
        status, "", {"content-type": "application/problem+json", **(headers or {})},
        json.dumps(document).encode(),
    )  # fmt: skip


def challenge_for(address: str, host: str = HOST) -> HttpResponse:
    """What the gateway answers ``POST /v1/auth/challenge`` (its own message builder)."""
    message = SiweMessage(host, address, f"http://{host}", CHAIN_ID, "a1b2c3d4e5f6a7b8", 0, 300)
    return ok({"message": message.text(), "nonce": message.nonce, "expiresAt": 300})


def token_for(address: str, token: str = "token-1") -> HttpResponse:
    return ok({"token": token, "tokenType": "Bearer", "address": address, "expiresAt": 900})


class ScriptedGateway(DemandPoolApi, SyncRunner):
    def __init__(
        self, answers: list[HttpResponse], account: LocalAccount | None = None, **options: Any
    ) -> None:
        super().__init__(URL, account, **options)
        self.answers = list(answers)
        self.requests: list[HttpRequest] = []
        self.sleeps: list[float] = []

    def _run(self, operation: Operation[T]) -> T:
        outcome = step(operation, None)
        while not isinstance(outcome, Done):
            answer: HttpResponse | None = None
            if isinstance(outcome, Sleep):
                self.sleeps.append(outcome.seconds)
            else:
                self.requests.append(outcome)
                answer = self.answers.pop(0)
            outcome = step(operation, answer)
        return outcome.value

    def sent(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.requests]
