"""One node with its gateway for the SDK and dcl-client tests of a session; each test module
uses its own participants (DEV ONLY accounts), so the modules do not disturb each other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.sdk_market import SdkNode, sdk_node


@pytest.fixture(scope="session")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SdkNode]:
    with sdk_node(tmp_path_factory.mktemp("sdk-node")) as started:
        yield started
