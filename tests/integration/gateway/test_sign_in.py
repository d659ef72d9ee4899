"""Sign-In with Ethereum against a real node's gateway: real keys, real HTTP, roles read from
the chain's genesis consortium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.gateway import GatewayClient, gateway_node, sign_text
from tests.support.market_node import operator, participant, regulator


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayClient]:
    with gateway_node(tmp_path_factory.mktemp("sign-in")) as (_, client):
        yield client


def login(gateway: GatewayClient, message: str, signature: str) -> tuple[int, dict[str, object]]:
    response = gateway.post("/v1/auth/login", {"message": message, "signature": signature})
    return response.status_code, response.json()


def test_an_operator_signs_in_and_is_seen_as_its_exchange(gateway: GatewayClient) -> None:
    account = operator("SHDE")
    token = gateway.sign_in(account)
    me = gateway.get("/v1/me", token)
    assert me.status_code == 200
    assert me.json() == {
        "address": account.address,
        "regulator": False,
        "regulatorRoot": False,
        "exchange": "SHDE",
        "participant": None,
    }


def test_a_regulator_is_seen_as_one(gateway: GatewayClient) -> None:
    account = regulator()
    me = gateway.get("/v1/me", gateway.sign_in(account)).json()
    assert (me["regulator"], me["exchange"]) == (True, None)


def test_a_replayed_challenge_is_refused(gateway: GatewayClient) -> None:
    account = participant(1)
    message = gateway.challenge(account.address)
    signature = sign_text(account, message)
    assert login(gateway, message, signature)[0] == 200
    status, problem = login(gateway, message, signature)
    assert (status, problem["type"], problem["detail"]) == (
        401,
        "urn:dcl:problem:challenge-refused",
        "the challenge was already used (each nonce signs in once)",
    )


def test_a_signature_by_another_key_is_refused(gateway: GatewayClient) -> None:
    message = gateway.challenge(participant(1).address)
    status, problem = login(gateway, message, sign_text(participant(2), message))
    assert (status, problem["type"], problem["title"]) == (
        401,
        "urn:dcl:problem:invalid-signature",
        "The signature does not prove the address",
    )


def test_a_message_for_another_chain_id_is_refused(gateway: GatewayClient) -> None:
    account = participant(1)
    message = gateway.challenge(account.address).replace("Chain ID: 1337", "Chain ID: 1")
    status, problem = login(gateway, message, sign_text(account, message))
    assert (status, problem["detail"]) == (
        401,
        "the message is not the issued one: line 8 is 'Chain ID: 1',"
        " the challenge's is 'Chain ID: 1337'",
    )


def test_a_forged_token_is_refused(gateway: GatewayClient) -> None:
    token = gateway.sign_in(participant(1))
    claims, mac = token.split(".")
    forged = claims[:-2] + ("AA" if claims[-2:] != "AA" else "BB") + "." + mac
    response = gateway.get("/v1/me", forged)
    assert (response.status_code, response.headers["Content-Type"]) == (
        401,
        "application/problem+json",
    )
    assert response.json()["detail"] == "the token was not issued by this gateway"


def test_no_token_is_refused_with_how_to_sign_in(gateway: GatewayClient) -> None:
    response = gateway.get("/v1/me")
    assert (response.status_code, response.headers["WWW-Authenticate"]) == (401, "Bearer")
    assert response.json()["type"] == "urn:dcl:problem:unauthorized"


def test_a_challenge_for_a_malformed_address_names_the_field(gateway: GatewayClient) -> None:
    response = gateway.post("/v1/auth/challenge", {"address": "0x12"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "body.address", "message": "expected a 20-byte 0x-prefixed address"}
    ]


def test_an_unknown_route_is_a_problem(gateway: GatewayClient) -> None:
    response = gateway.get("/v1/nothing")
    assert (response.status_code, response.json()["type"]) == (404, "urn:dcl:problem:not-found")
