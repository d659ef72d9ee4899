"""JSON-RPC bearer tokens: HS256 JWTs under the node's secret, carrying a role."""

from __future__ import annotations

import base64
import json

import pytest

from node.rpc.auth import (
    Caller,
    Role,
    RpcAuth,
    TokenError,
    bearer_token,
    issue_token,
    verify_token,
)

SECRET = b"\x5a" * 32
ACCOUNT = bytes.fromhex("4dbec02f7aaca7f1b3962e1e6732fefd63790964")
NOW = 1_800_000_000


def token(role: Role = Role.PARTICIPANT, account: bytes | None = ACCOUNT, **options: int) -> str:
    return issue_token(
        SECRET,
        role,
        account,
        issued_at=options.get("issued_at", NOW),
        lifetime=options.get("lifetime", 60),
    )


def b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_a_token_names_its_role_account_and_expiry() -> None:
    assert verify_token(SECRET, token(), now=NOW) == Caller(Role.PARTICIPANT, ACCOUNT, NOW + 60)


def test_the_token_is_a_standard_hs256_jwt() -> None:
    header, payload, _ = token().split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "HS256", "typ": "JWT"}
    assert json.loads(base64.urlsafe_b64decode(payload + "==")) == {
        "role": "participant",
        "sub": "0x4dBEc02F7AAca7f1B3962e1E6732fEFD63790964",
        "iat": NOW,
        "exp": NOW + 60,
    }


def test_an_operator_token_may_name_no_account_and_reads_everything() -> None:
    caller = verify_token(SECRET, token(Role.OPERATOR, None), now=NOW)
    assert (caller.account, caller.reads_everything) == (None, True)


def refusal(text: str, secret: bytes = SECRET, now: int = NOW) -> str:
    with pytest.raises(TokenError) as refused:
        verify_token(secret, text, now=now)
    return str(refused.value)


def test_a_token_of_another_secret_is_refused() -> None:
    assert refusal(token(), secret=b"\x01" * 32) == "the token's signature is not this node's"


def test_an_expired_token_is_refused() -> None:
    assert refusal(token(), now=NOW + 60) == "the token has expired"


def test_a_changed_payload_breaks_the_signature() -> None:
    header, _, signature = token().split(".")
    forged = b64({"role": "regulator", "sub": "0x" + ACCOUNT.hex(), "exp": NOW + 60})
    assert refusal(f"{header}.{forged}.{signature}") == "the token's signature is not this node's"


def test_an_unsigned_token_is_refused_whatever_it_claims() -> None:
    unsigned = f"{b64({'alg': 'none'})}.{b64({'role': 'regulator', 'exp': NOW + 60})}."
    assert refusal(unsigned) == "the token is not signed with HS256"


def test_a_participant_token_without_an_account_is_refused() -> None:
    with pytest.raises(ValueError, match="names its account"):
        token(Role.PARTICIPANT, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "the token is not a JWT (header.payload.signature)"),
        ("a.b.c.d", "the token is not a JWT (header.payload.signature)"),
        ("!!.!!.!!", "the token's header is not JSON"),
        ("x" * 5000, "the token is too long"),
    ],
)
def test_malformed_tokens_are_refused_with_the_reason(text: str, reason: str) -> None:
    assert refusal(text) == reason


def test_only_a_bearer_authorization_header_carries_a_token() -> None:
    assert bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic dXNlcjpwYXNz") is None
    assert bearer_token(None) is None


def test_a_request_without_a_token_is_told_how_to_get_one() -> None:
    auth = RpcAuth(SECRET, lambda: NOW)
    with pytest.raises(TokenError, match=r"bearer token is required .*dcl rpc-token"):
        auth.authenticate(None)
    assert auth.authenticate(f"Bearer {token()}").account == ACCOUNT
