"""Fixtures shared by the contract tests: one deployed market per module, reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contracts.market import Market, deploy_market


@pytest.fixture(scope="module")
def deployed_market() -> Market:
    return deploy_market()


@pytest.fixture
def market(deployed_market: Market) -> Iterator[Market]:
    """The module's market, rolled back after the test so every test starts from the same state."""
    snapshot = deployed_market.chain.snapshot()
    yield deployed_market
    deployed_market.chain.revert_to(snapshot)
