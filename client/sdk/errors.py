"""What the SDK raises: every refusal of the gateway as an exception named for its problem type
(RFC 9457 ``type``), carrying the problem's title, detail and field errors; and the failures
that are not the gateway's answer (a transaction that reverted or did not land in time, an
unreachable gateway, an answer the API does not document).

Catch :class:`DclError` for everything, :class:`GatewayError` for any problem answer, or one
subclass for one rule; branch on the class (or ``problem_type``), never on ``detail``'s words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from client.sdk.models import TransactionStatus

TYPE_PREFIX = "urn:dcl:problem:"


class DclError(Exception):
    """Anything the SDK raises."""


@dataclass(frozen=True)
class FieldError:
    field: str
    """As the request named it: ``body.address``, ``query.limit``, ``path.orderId``."""
    message: str


class GatewayError(DclError):
    """The gateway refused the request with a problem document."""

    problem_type: str = ""
    """The problem type's name (``forbidden``), without the ``urn:dcl:problem:`` prefix."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        problem_type: str = "",
        instance: str = "",
        errors: tuple[FieldError, ...] = (),
        retry_after: int | None = None,
    ) -> None:
        super().__init__(f"{title}: {detail}" if detail else title)
        self.status = status
        self.title = title
        self.detail = detail
        self.problem_type = problem_type or type(self).problem_type
        self.instance = instance
        self.errors = errors
        self.retry_after = retry_after


class InvalidRequest(GatewayError):
    problem_type = "invalid-request"


class AuthenticationError(GatewayError):
    """No valid session: sign in (again)."""


class Unauthorized(AuthenticationError):
    problem_type = "unauthorized"


class InvalidToken(AuthenticationError):
    problem_type = "invalid-token"


class ChallengeRefused(AuthenticationError):
    problem_type = "challenge-refused"


class InvalidSignature(AuthenticationError):
    problem_type = "invalid-signature"


class Forbidden(GatewayError):
    problem_type = "forbidden"


class NotFound(GatewayError):
    problem_type = "not-found"


class MethodNotAllowed(GatewayError):
    problem_type = "method-not-allowed"


class PayloadTooLarge(GatewayError):
    problem_type = "payload-too-large"


class UnsupportedMediaType(GatewayError):
    problem_type = "unsupported-media-type"


class RateLimited(GatewayError):
    problem_type = "rate-limited"


class TransactionRefused(GatewayError):
    """Refused before the pool: not decodable, not a known call, or the pool's admission."""

    problem_type = "transaction-refused"


class NotSettled(GatewayError):
    problem_type = "not-settled"


class Unavailable(GatewayError):
    problem_type = "unavailable"


class CertificateUnavailable(Unavailable):
    problem_type = "certificate-unavailable"


class ServerError(GatewayError):
    problem_type = "internal"


PROBLEM_CLASSES: dict[str, type[GatewayError]] = {
    cls.problem_type: cls
    for cls in (
        InvalidRequest, Unauthorized, InvalidToken, ChallengeRefused, InvalidSignature, Forbidden,
        NotFound, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType, RateLimited,
        TransactionRefused, NotSettled, Unavailable, CertificateUnavailable, ServerError,
    )
}  # fmt: skip
"""Each problem type of the gateway (``node/gateway/problems.py``) and its exception."""


class TransactionFailed(DclError):
    """The transaction was included in a block and reverted: nothing it would have done holds."""

    def __init__(self, status: TransactionStatus) -> None:
        reason = f": {status.revert}" if status.revert is not None else ""
        super().__init__(
            f"{status.function or 'the transaction'} {status.transaction_hash} reverted"
            f" in block {status.block}{reason}"
        )
        self.status = status


class TransactionPending(DclError):
    """The transaction is in the pool but no block included it in the time waited."""

    def __init__(self, transaction_hash: str, waited: float) -> None:
        super().__init__(f"{transaction_hash} is still pending after {waited:g} s")
        self.transaction_hash = transaction_hash


class ConnectionFailed(DclError):
    """The gateway could not be reached (or the connection broke)."""


class ProtocolError(DclError):
    """An answer the gateway's API does not document (not JSON, a field missing)."""


class SignInRefused(DclError):
    """The sign-in message the gateway asked to sign is not one this client should sign: it
    names another account or another site."""


class OfferNotFound(DclError):
    """A kept sealed offer has no offer on chain: none by its supplier on its demand, or one
    whose commitment is not the kept one (another salt or other terms were sent)."""


def _field_errors(value: Any) -> tuple[FieldError, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        FieldError(str(e.get("field", "")), str(e.get("message", "")))
        for e in value
        if isinstance(e, dict)
    )


def error_from_answer(status: int, reason: str, headers: dict[str, str], body: bytes) -> DclError:
    """The exception for an error answer: its problem type's class, or by status when the body
    is not a problem document (a proxy's page)."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        document = None
    retry = headers.get("retry-after", "")
    retry_after = int(retry) if retry.isdigit() else None
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        cls = ServerError if status >= 500 else GatewayError
        return cls(status, reason or f"HTTP {status}", "", retry_after=retry_after)
    kind = document["type"].removeprefix(TYPE_PREFIX)
    cls = PROBLEM_CLASSES.get(kind, ServerError if status >= 500 else GatewayError)
    return cls(
        status,
        str(document.get("title", reason)),
        str(document.get("detail", "")),
        problem_type=kind,
        instance=str(document.get("instance", "")),
        errors=_field_errors(document.get("errors")),
        retry_after=retry_after,
    )
