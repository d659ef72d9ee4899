"""The gateway's limits on a real node: body size, page size, and the per-caller rate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.gateway import GatewayClient, gateway_node
from tests.support.market_node import participant

RATE, BURST = "0.001", "3"
BURST_OF_TOKEN = int(BURST)
"""A token has its own bucket, apart from the anonymous requests of its address."""


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayClient]:
    root = tmp_path_factory.mktemp("limits")
    with gateway_node(root, "--gateway-rate", RATE, "--gateway-burst", BURST) as (_, client):
        yield client


def test_a_body_over_the_limit_is_refused_with_413(gateway: GatewayClient) -> None:
    response = gateway.post("/v1/auth/challenge", {"address": "0x" + "ab" * 40_000})
    assert (response.status_code, response.headers["Content-Type"]) == (
        413,
        "application/problem+json",
    )
    assert response.json()["detail"] == "the body exceeds 65536 bytes"


def test_a_caller_over_its_rate_gets_429_with_retry_after(gateway: GatewayClient) -> None:
    token = gateway.sign_in(participant(1))  # two requests from this address, one left
    statuses = [gateway.get("/v1/me", token).status_code for _ in range(BURST_OF_TOKEN + 1)]
    assert statuses == [200] * BURST_OF_TOKEN + [429]
    refused = gateway.get("/v1/me", token)
    assert refused.json()["type"] == "urn:dcl:problem:rate-limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 1000
