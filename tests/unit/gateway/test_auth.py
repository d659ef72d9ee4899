"""Sign-in challenges and bearer tokens, with a fixed clock."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from node.gateway.auth import ChallengeBook, TokenSigner
from node.gateway.problems import Problem

ALICE = Account.from_key("0x" + "b2" * 32)
MALLORY = Account.from_key("0x" + "e5" * 32)
T0 = 1_800_000_000.0


def sign(message: str, account: LocalAccount = ALICE) -> str:
    return "0x" + Account.sign_message(encode_defunct(text=message), account.key).signature.hex()


def issue(book: ChallengeBook, now: float = T0) -> str:
    message = book.issue(
        domain="gw.test", uri="http://gw.test", address=ALICE.address, chain_id=1337, now=now
    )
    return message.text()


def refusal(book: ChallengeBook, message: str, signature: str, now: float) -> Problem:
    with pytest.raises(Problem) as caught:
        book.redeem(message, signature, now)
    return caught.value


def test_a_challenge_is_the_eip_4361_message_for_the_address() -> None:
    book = ChallengeBook(300, 10)
    message = book.issue(
        domain="gw.test", uri="http://gw.test", address=ALICE.address.lower(), chain_id=1337, now=T0
    )
    assert message.text() == (
        "gw.test wants you to sign in with your Ethereum account:\n"
        f"{ALICE.address}\n\n"
        "Sign in to the Data Circulation Ledger gateway.\n\n"
        "URI: http://gw.test\n"
        "Version: 1\n"
        "Chain ID: 1337\n"
        f"Nonce: {message.nonce}\n"
        "Issued At: 2027-01-15T08:00:00Z\n"
        "Expiration Time: 2027-01-15T08:05:00Z"
    )


def test_a_signed_challenge_redeems_to_its_address() -> None:
    book = ChallengeBook(300, 10)
    message = issue(book)
    assert book.redeem(message, sign(message), T0 + 10) == ALICE.address


def test_a_challenge_redeems_once() -> None:
    book = ChallengeBook(300, 10)
    message = issue(book)
    book.redeem(message, sign(message), T0 + 1)
    problem = refusal(book, message, sign(message), T0 + 2)
    assert (problem.status, problem.kind) == (401, "challenge-refused")
    assert problem.detail == "the challenge was already used (each nonce signs in once)"


def test_an_expired_challenge_is_refused() -> None:
    book = ChallengeBook(300, 10)
    message = issue(book)
    problem = refusal(book, message, sign(message), T0 + 300)
    assert (problem.status, problem.detail) == (401, "the challenge expired")


def test_a_message_with_another_chain_id_is_refused_naming_the_line() -> None:
    book = ChallengeBook(300, 10)
    message = issue(book).replace("Chain ID: 1337", "Chain ID: 1")
    problem = refusal(book, message, sign(message), T0 + 1)
    assert problem.detail == (
        "the message is not the issued one: line 8 is 'Chain ID: 1',"
        " the challenge's is 'Chain ID: 1337'"
    )


def test_a_signature_by_another_key_is_refused() -> None:
    book = ChallengeBook(300, 10)
    message = issue(book)
    problem = refusal(book, message, sign(message, MALLORY), T0 + 1)
    assert (problem.status, problem.kind) == (401, "invalid-signature")
    assert problem.detail == (
        f"the signature recovers {MALLORY.address}, not the challenged {ALICE.address}"
    )


def test_a_malformed_signature_is_a_field_error_and_leaves_the_challenge_open() -> None:
    book = ChallengeBook(300, 10)
    message = issue(book)
    problem = refusal(book, message, "0x1234", T0 + 1)
    assert (problem.status, [(e.field, e.message) for e in problem.errors]) == (
        400,
        [("body.signature", "expected 65 bytes as 0x-prefixed hex")],
    )
    assert book.redeem(message, sign(message), T0 + 2) == ALICE.address


def test_a_message_never_issued_is_refused() -> None:
    book = ChallengeBook(300, 10)
    message = issue(ChallengeBook(300, 10))
    problem = refusal(book, message, sign(message), T0 + 1)
    assert problem.detail == "the message answers no challenge this gateway issued"


def test_open_challenges_are_bounded() -> None:
    book = ChallengeBook(300, 2)
    issue(book)
    issue(book)
    with pytest.raises(Problem) as caught:
        issue(book)
    assert (caught.value.status, caught.value.headers) == (503, {"Retry-After": "1"})


def test_a_token_carries_its_address_until_it_expires() -> None:
    signer = TokenSigner(900, key=b"k" * 32)
    token, expires = signer.issue(ALICE.address, T0)
    assert expires == int(T0) + 900
    assert signer.verify(token, T0 + 899).address == ALICE.address
    with pytest.raises(Problem) as caught:
        signer.verify(token, T0 + 900)
    assert caught.value.detail == "the token expired; sign in again"


def test_a_token_of_another_key_is_refused() -> None:
    token, _ = TokenSigner(900, key=b"a" * 32).issue(ALICE.address, T0)
    with pytest.raises(Problem) as caught:
        TokenSigner(900, key=b"b" * 32).verify(token, T0)
    assert (caught.value.status, caught.value.detail) == (
        401,
        "the token was not issued by this gateway",
    )


def test_a_token_whose_claims_were_edited_is_refused() -> None:
    signer = TokenSigner(900, key=b"k" * 32)
    token, _ = signer.issue(ALICE.address, T0)
    mac = token.split(".")[1]
    mallory_claims = signer.issue(MALLORY.address, T0)[0].split(".")[0]
    with pytest.raises(Problem) as caught:
        signer.verify(mallory_claims + "." + mac, T0)
    assert caught.value.kind == "invalid-token"
