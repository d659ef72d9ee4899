"""A `dcl run --gateway` process from the sample consortium, and a client that signs in to it
with a participant's key over real HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from tests.support.node_process import NodeProcess, make_consortium_network, start_node

GATEWAY_LINE = re.compile(r"Gateway\s+(http://\S+)")


def sign_text(account: LocalAccount, message: str) -> str:
    return "0x" + Account.sign_message(encode_defunct(text=message), account.key).signature.hex()


@dataclass
class GatewayClient:
    url: str

    def __post_init__(self) -> None:
        self.session = requests.Session()

    def get(self, path: str, token: str | None = None, **params: Any) -> requests.Response:
        return self.session.get(self.url + path, params=params, headers=_auth(token), timeout=60)

    def post(self, path: str, body: Any, token: str | None = None) -> requests.Response:
        return self.session.post(self.url + path, json=body, headers=_auth(token), timeout=60)

    def challenge(self, address: str) -> str:
        response = self.post("/v1/auth/challenge", {"address": address})
        assert response.status_code == 200, response.text
        message: str = response.json()["message"]
        return message

    def sign_in(self, account: LocalAccount) -> str:
        message = self.challenge(account.address)
        response = self.post(
            "/v1/auth/login", {"message": message, "signature": sign_text(account, message)}
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token


def _auth(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


def gateway_url(node: NodeProcess) -> str:
    for line in node.log_lines:
        match = GATEWAY_LINE.search(line)
        if match:
            return match.group(1)
    raise RuntimeError("the node printed no gateway URL:\n" + "".join(node.log_lines))


@contextmanager
def gateway_node(
    root: Path, *extra: str, rpc_auth: bool = False
) -> Iterator[tuple[NodeProcess, GatewayClient]]:
    """A one-validator consortium node serving the gateway on a free port (its JSON-RPC
    asking for bearer tokens if ``rpc_auth``)."""
    datadir = make_consortium_network(root)
    node = start_node(datadir, "--gateway", "127.0.0.1:0", *extra, rpc_auth=rpc_auth)
    try:
        yield node, GatewayClient(gateway_url(node))
    finally:
        if node.process.poll() is None:
            node.stop()


def replayed_events(
    client: GatewayClient, token: str, last_event_id: str | None = None, **params: Any
) -> list[dict[str, Any]]:
    """The events a ``GET /v1/events`` stream sends before its first ``: through block`` line
    (everything already in the chain), as ``{"id", "event", "data"}``."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    found: list[dict[str, Any]] = []
    with client.session.get(
        client.url + "/v1/events", params=params, headers=headers, stream=True, timeout=60
    ) as response:
        assert response.status_code == 200, response.text
        frame: dict[str, Any] = {}
        for line in response.iter_lines(decode_unicode=True):
            if line.startswith(": through block"):
                return found
            if not line:
                if frame:
                    found.append(frame)
                frame = {}
                continue
            name, _, value = line.partition(": ")
            frame[name] = json.loads(value) if name == "data" else value
    raise AssertionError("the stream ended before catching up")
