"""The client SDK: a typed Python API over the participant gateway for every domain action.

``Client`` blocks (requests), ``AsyncClient`` awaits (aiohttp); both have the same methods,
written once (``client.sdk.api``). Transactions are signed locally with the caller's
eth-account key and relayed through the gateway, which never holds a key. Errors are the
classes of ``client.sdk.errors``; answers are the frozen dataclasses of ``client.sdk.models``.
Certificates fetched with ``certificate(order_id)`` verify offline with
``verify_certificate(document, genesis)``, trusting only the genesis file.
"""

from client.certificate import Verdict, verify_certificate
from client.sdk.async_client import AsyncClient, AsyncEventStream
from client.sdk.calls import ContractCall, sign_call
from client.sdk.domain import (
    Classification,
    ContractType,
    DataSource,
    GrantRequest,
    GrantTerms,
    ListingTerms,
    OrderRequest,
    Outcome,
    PriceModel,
    ProductStatus,
    ProductType,
    Resolution,
    Right,
    Role,
)
from client.sdk.errors import (
    ConnectionFailed,
    DclError,
    FieldError,
    Forbidden,
    GatewayError,
    InvalidRequest,
    InvalidToken,
    NotFound,
    NotSettled,
    ProtocolError,
    RateLimited,
    SignInRefused,
    TransactionFailed,
    TransactionPending,
    TransactionRefused,
    Unauthorized,
)
from client.sdk.models import (
    Authorization,
    ChainInfo,
    DomainEvent,
    Exchange,
    Identity,
    Order,
    Page,
    Participant,
    Product,
    RevertReason,
    Token,
    TransactionStatus,
)
from client.sdk.sse import EventFilters
from client.sdk.sync_client import Client, EventStream

__all__ = [
    "AsyncClient",
    "AsyncEventStream",
    "Authorization",
    "ChainInfo",
    "Classification",
    "Client",
    "ConnectionFailed",
    "ContractCall",
    "ContractType",
    "DataSource",
    "DclError",
    "DomainEvent",
    "EventFilters",
    "EventStream",
    "Exchange",
    "FieldError",
    "Forbidden",
    "GatewayError",
    "GrantRequest",
    "GrantTerms",
    "Identity",
    "InvalidRequest",
    "InvalidToken",
    "ListingTerms",
    "NotFound",
    "NotSettled",
    "Order",
    "OrderRequest",
    "Outcome",
    "Page",
    "Participant",
    "PriceModel",
    "Product",
    "ProductStatus",
    "ProductType",
    "ProtocolError",
    "RateLimited",
    "Resolution",
    "RevertReason",
    "Right",
    "Role",
    "SignInRefused",
    "Token",
    "TransactionFailed",
    "TransactionPending",
    "TransactionRefused",
    "TransactionStatus",
    "Unauthorized",
    "Verdict",
    "sign_call",
    "verify_certificate",
]
