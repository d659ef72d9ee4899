"""One market on a real node with the gateway, shared by the gateway tests of a session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.gateway_market import GatewayMarket, gateway_market


@pytest.fixture(scope="session")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayMarket]:
    with gateway_market(tmp_path_factory.mktemp("gateway-market")) as story:
        yield story
