"""The gateway's OpenAPI 3.1 document, written as data: every route, its parameters, its
schemas and the problems it answers with. ``tests`` validate it and run schemathesis against
the running gateway with it, so it cannot drift from what the routes do."""

from __future__ import annotations

from typing import Any

from node.gateway.limits import GatewayLimits
from node.gateway.problems import TITLES, TYPE_PREFIX

JSON = "application/json"
PROBLEM = "application/problem+json"
ADDRESS = {"type": "string", "pattern": "^0x[0-9a-fA-F]{40}$"}
HASH = {"type": "string", "pattern": "^0x[0-9a-f]{64}$"}
NULLABLE_STRING = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": _ref("Problem")}}}


COMMON_PROBLEMS = {
    "429": _problem("Too many requests from this caller; see Retry-After"),
    "500": _problem("The gateway failed"),
}
AUTH_PROBLEMS = {"401": _problem("No valid bearer token")}


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _json_body(schema_name: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": _ref(schema_name)}}}


def _body_problems() -> dict[str, Any]:
    return {
        "400": _problem("A field is missing or malformed"),
        "413": _problem("The body is too large"),
        "415": _problem("The body is not JSON"),
    }


def _schemas(limits: GatewayLimits) -> dict[str, Any]:
    return {
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string", "enum": [TYPE_PREFIX + k for k in TITLES]},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {
                            "field": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        },
        "ChallengeRequest": {
            "type": "object",
            "required": ["address"],
            "properties": {"address": ADDRESS},
        },
        "Challenge": {
            "type": "object",
            "required": ["message", "nonce", "expiresAt"],
            "properties": {
                "message": {"type": "string", "description": "The EIP-4361 message to sign"},
                "nonce": {"type": "string"},
                "expiresAt": {"type": "integer", "description": "Unix seconds"},
            },
        },
        "LoginRequest": {
            "type": "object",
            "required": ["message", "signature"],
            "properties": {
                "message": {"type": "string"},
                "signature": {"type": "string", "description": "EIP-191 signature, 65 bytes"},
            },
        },
        "Token": {
            "type": "object",
            "required": ["token", "tokenType", "address", "expiresAt"],
            "properties": {
                "token": {"type": "string"},
                "tokenType": {"type": "string", "enum": ["Bearer"]},
                "address": ADDRESS,
                "expiresAt": {
                    "type": "integer",
                    "description": f"Unix seconds; tokens live {limits.token_lifetime_seconds} s"
                    " and end when the node restarts",
                },
            },
        },
        "Me": {
            "type": "object",
            "required": ["address", "regulator", "regulatorRoot", "exchange", "participant"],
            "properties": {
                "address": ADDRESS,
                "regulator": {"type": "boolean"},
                "regulatorRoot": {"type": "boolean"},
                "exchange": NULLABLE_STRING,
                "participant": {
                    "type": ["object", "null"],
                    "required": ["homeExchange", "roles"],
                    "properties": {
                        "homeExchange": {"type": "string"},
                        "roles": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    }


STRING_LIST = {"type": "array", "items": {"type": "string"}}
EXCHANGE_FIELDS = ("code", "name", "city", "operators", "validator", "observers", "status", "fees")
ID = {"type": "integer", "minimum": 0}


def _domain_schemas() -> dict[str, Any]:
    event = {
        "type": "object",
        "required": [
            "id", "block", "logIndex", "transactionHash", "contract", "event", "args",
            "exchanges", "parties", "public",
        ],
        "properties": {
            "id": {"type": "string", "description": "Position: block << 32 | log index"},
            "block": ID,
            "logIndex": ID,
            "transactionHash": HASH,
            "contract": {"type": "string"},
            "event": {"type": "string"},
            "args": {"type": "object"},
            "exchanges": STRING_LIST,
            "parties": {"type": "array", "items": ADDRESS},
            "public": {"type": "boolean"},
        },
    }  # fmt: skip
    record_common = {
        "exchanges": STRING_LIST,
        "parties": {"type": "array", "items": ADDRESS},
        "transactionHash": HASH,
        "terms": {"type": "object"},
    }
    order = {
        "type": "object",
        "required": ["orderId", "productId", "buyer", "seller", "buyerExchange", "sellerExchange",
                     "exchanges", "parties"],
        "properties": {
            "orderId": ID, "productId": ID, "buyer": ADDRESS, "seller": ADDRESS,
            "buyerExchange": {"type": "string"}, "sellerExchange": {"type": "string"},
            "createdInBlock": ID, **record_common,
        },
    }  # fmt: skip
    grant = {
        "type": "object",
        "required": ["grantId", "productId", "grantee", "grantor", "orderId", "exchanges",
                     "parties"],
        "properties": {
            "grantId": ID, "productId": ID, "grantee": ADDRESS, "grantor": ADDRESS,
            "orderId": ID, "issuedInBlock": ID, **record_common,
        },
    }  # fmt: skip
    with_state = {
        "state": {"type": "object", "description": "The record's state in the head block"},
        "asOfBlock": ID,
        "events": {"type": "array", "items": _ref("Event")},
    }
    product = {
        "type": "object",
        "required": ["productId", "supplier", "listingExchange", "version", "status", "terms",
                     "recognition"],
        "properties": {
            "productId": ID,
            "supplier": ADDRESS,
            "listingExchange": {"type": "string"},
            "version": ID,
            "status": {"type": "string"},
            "suspendedByRegulator": {"type": "boolean"},
            "complianceEvaluator": ADDRESS,
            "contentHash": {"type": "string"},
            "terms": {
                "type": "object",
                "required": ["title", "category", "classification", "rights", "unitPrice",
                             "currency"],
                "properties": {
                    "title": {"type": "string"}, "category": {"type": "string"},
                    "classification": {"type": "string"}, "rights": STRING_LIST,
                    "unitPrice": {"type": "string", "description": "ISO 4217 minor units"},
                    "currency": {"type": "string"},
                },
            },
            "recognition": {
                "type": "object",
                "required": ["notRecognisedBy"],
                "properties": {"notRecognisedBy": {"type": "array", "items": {"type": "object"}}},
            },
            "updatedInBlock": ID,
        },
    }  # fmt: skip
    nullable_id = {"type": ["integer", "null"], "minimum": 0}
    demand = {
        "type": "object",
        "required": ["demandId", "buyer", "homeExchange", "status", "offerCount", "postedAt",
                     "awardedOffer", "orderId", "terms"],
        "properties": {
            "demandId": ID, "buyer": ADDRESS, "homeExchange": {"type": "string"},
            "status": {"type": "string",
                       "enum": ["open", "awarded", "withdrawn", "taken-down"]},
            "offerCount": ID, "postedAt": ID, "awardedOffer": nullable_id, "orderId": nullable_id,
            "terms": {
                "type": "object",
                "required": ["title", "category", "productType", "rights",
                             "classificationCeiling", "budgetMin", "budgetMax", "currency",
                             "responseDeadline", "descriptionHash", "descriptionUri"],
                "properties": {
                    "title": {"type": "string"}, "category": {"type": "string"},
                    "productType": {"type": "string"}, "rights": STRING_LIST,
                    "classificationCeiling": {"type": "string"},
                    "budgetMin": {"type": "string", "description": "ISO 4217 minor units"},
                    "budgetMax": {"type": "string", "description": "ISO 4217 minor units"},
                    "currency": {"type": "string"}, "responseDeadline": ID,
                    "descriptionHash": {"type": "string"},
                    "descriptionUri": {"type": "string"},
                },
            },
            "updatedInBlock": ID,
        },
    }  # fmt: skip
    offer = {
        "type": "object",
        "required": ["offerId", "demandId", "supplier", "supplierExchange", "status",
                     "commitment", "sealedAt", "revealedAt", "terms", "exchanges", "parties"],
        "properties": {
            "offerId": ID, "demandId": ID, "supplier": ADDRESS,
            "supplierExchange": {"type": "string"},
            "status": {"type": "string", "enum": ["sealed", "revealed", "shortlisted",
                                                  "awarded", "closed"]},
            "commitment": {"type": "string"}, "sealedAt": ID, "revealedAt": nullable_id,
            "terms": {
                "type": ["object", "null"],
                "description": "Null while sealed: nothing but the commitment is known",
                "properties": {
                    "productId": nullable_id, "version": nullable_id,
                    "proposalHash": NULLABLE_STRING,
                    "price": {"type": "string", "description": "ISO 4217 minor units"},
                    "deliveryDays": ID,
                },
            },
            "exchanges": STRING_LIST, "parties": {"type": "array", "items": ADDRESS},
            "updatedInBlock": ID,
        },
    }  # fmt: skip
    return {
        "Event": event,
        "Demand": demand,
        "DemandWithHistory": {
            "allOf": [
                _ref("Demand"),
                {
                    "type": "object",
                    "required": ["history"],
                    "properties": {"history": {"type": "array", "items": _ref("Event")}},
                },
            ]
        },
        "Offer": offer,
        "Exchange": {
            "type": "object",
            "required": [*EXCHANGE_FIELDS],
            "properties": {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "city": {"type": "string"},
                "operators": {"type": "array", "items": ADDRESS},
                "validator": ADDRESS,
                "observers": {"type": "array", "items": ADDRESS},
                "status": {"type": "string"},
                "fees": {
                    "type": "object",
                    "description": "The published fee rates (basis points) an order must name",
                    "required": ["listingFeeBps", "buyerExchangeFeeBps"],
                    "properties": {"listingFeeBps": ID, "buyerExchangeFeeBps": ID},
                },
            },
        },
        "Participant": {
            "type": "object",
            "required": ["account", "homeExchange", "roles", "jurisdiction", "status"],
            "properties": {
                "account": ADDRESS,
                "homeExchange": {"type": "string"},
                "roles": STRING_LIST,
                "jurisdiction": {"type": "string"},
                "status": {"type": "string"},
                "registeredInBlock": ID,
            },
        },
        "Product": product,
        "ProductWithHistory": {
            "allOf": [
                _ref("Product"),
                {
                    "type": "object",
                    "required": ["history"],
                    "properties": {"history": {"type": "array", "items": _ref("Event")}},
                },
            ]
        },
        "Order": order,
        "OrderWithState": {"allOf": [_ref("Order"), {"type": "object", "properties": with_state}]},
        "Authorization": grant,
        "AuthorizationWithState": {
            "allOf": [_ref("Authorization"), {"type": "object", "properties": with_state}]
        },
        "Chain": {
            "type": "object",
            "required": ["chainId", "genesisHash", "head"],
            "properties": {
                "chainId": ID,
                "genesisHash": HASH,
                "head": {
                    "type": "object",
                    "required": ["number", "hash", "timestamp"],
                    "properties": {"number": ID, "hash": HASH, "timestamp": ID},
                },
            },
        },
        "Account": {
            "type": "object",
            "required": ["address", "nonce"],
            "properties": {"address": ADDRESS, "nonce": ID},
        },
        "Certificate": {
            "type": "object",
            "description": "A trade certificate (format dcl-trade-certificate/1; README, Trade"
            " certificates)",
        },
        "Verdict": {
            "type": "object",
            "required": ["valid"],
            "properties": {
                "valid": {"type": "boolean"},
                "failedCheck": {"type": "string", "description": "The first check that failed"},
                "detail": {"type": "string"},
                "block": ID,
                "blockHash": HASH,
                "asOfBlock": ID,
                "settlement": {"type": "object"},
                "state": {"type": "object"},
            },
        },
        "TransactionRequest": {
            "type": "object",
            "required": ["raw"],
            "properties": {"raw": {"type": "string", "description": "Signed, 0x-prefixed"}},
        },
        "TransactionStatus": {
            "type": "object",
            "required": ["transactionHash", "status"],
            "properties": {
                "transactionHash": HASH,
                "function": {"type": "string"},
                "status": {"type": "string", "enum": ["pending", "succeeded", "failed"]},
                "block": ID,
                "blockHash": HASH,
                "transactionIndex": ID,
                "gasUsed": ID,
                "events": {"type": "array", "items": _ref("Event")},
                "revert": {
                    "type": "object",
                    "description": "Why a failed transaction reverted: the custom error of"
                    " the system contracts (null if the data names none) and its arguments",
                    "required": ["error", "args", "data"],
                    "properties": {
                        "error": NULLABLE_STRING,
                        "args": {"type": "object"},
                        "data": {"type": "string"},
                    },
                },
            },
        },
        **{
            f"{name}Page": {
                "type": "object",
                "required": ["items", "next"],
                "properties": {
                    "items": {"type": "array", "items": _ref(name)},
                    "next": {
                        "type": ["string", "null"],
                        "description": "Opaque cursor of the next page; null at the end",
                    },
                },
            }
            for name in (
                "Exchange",
                "Participant",
                "Product",
                "Order",
                "Authorization",
                "Demand",
                "Offer",
            )
        },
    }


MONEY = {"type": "string", "pattern": "^[0-9]{1,78}$", "description": "ISO 4217 minor units"}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 0}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    """An object whose every property is required."""
    schema = {"type": "object", "required": list(properties), "properties": properties}
    return {**schema, "description": description} if description else schema


def _audit_schemas() -> dict[str, Any]:
    parties = {
        "buyer": ADDRESS, "seller": ADDRESS,
        "buyerExchange": {"type": "string"}, "sellerExchange": {"type": "string"},
        "exchanges": STRING_LIST, "parties": {"type": "array", "items": ADDRESS},
    }  # fmt: skip
    bill = _object({
        "billNo": ID, "status": {"type": "string"}, "amount": MONEY, "refund": MONEY,
        "units": ID, "dispute": {"type": "string", "enum": ["none", "open", "resolved"]},
        "cleared": {"type": "boolean"}, "paidAt": ID, "deliveredAt": ID, "settledAt": ID,
    })  # fmt: skip
    order = _object({
        "orderId": ID, "productId": ID, "version": ID, **parties, "createdInBlock": ID,
        "transactionHash": HASH, "status": {"type": "string"}, "frozen": {"type": "boolean"},
        "contractType": {"type": "string"}, "contractHash": HASH, "quantity": ID,
        "unitPrice": MONEY, "currency": {"type": "string"}, "metered": {"type": "boolean"},
        "crossBorder": {"type": "boolean"}, "buyerJurisdiction": {"type": "string"},
        "destinations": STRING_LIST, "needsExportBasis": {"type": "boolean"},
        "grantId": NULLABLE_ID, "grantRevoked": {"type": "boolean"},
        "bills": {"type": "array", "items": bill}, "disputes": ID,
    }, "An order in the head state, with its bills")  # fmt: skip
    grant = _object({
        "grantId": ID, "productId": ID, "grantee": ADDRESS, "grantor": ADDRESS,
        "orderId": NULLABLE_ID, "exchanges": STRING_LIST,
        "parties": {"type": "array", "items": ADDRESS}, "issuedInBlock": ID,
        "transactionHash": HASH, "status": {"type": "string", "enum": ["active", "revoked"]},
        "uses": ID, "maxUses": {"type": "integer", "minimum": 0, "description": "0: unlimited"},
        "terms": {"type": "object"},
        "revocation": {"oneOf": [{"type": "null"}, _object({
            "reason": {"type": "string"}, "by": ADDRESS, "reasonHash": HASH, "block": ID,
        })]},
    }, "An authorization (grant) with its uses")  # fmt: skip
    mediation = _object({
        "round": ID, "outcome": {"type": "string"}, "refund": MONEY, "documentHash": HASH,
        "proposalHash": HASH, "proposedBy": ADDRESS, "block": ID,
        "acceptedBy": {"type": "array", "items": ADDRESS},
    })  # fmt: skip
    resolution = _object({
        "kind": {"type": "string", "enum": ["mediation", "arbitral-award", "court-judgment"]},
        "outcome": {"type": "string", "enum": ["refund", "partial", "release"]},
        "refund": MONEY, "documentHash": HASH, "billStatus": {"type": "string"},
        "by": ADDRESS, "block": ID, "transactionHash": HASH,
    })  # fmt: skip
    dispute = _object({
        "id": {"type": "string", "description": "Position of its DisputeRaised event"},
        "orderId": ID, "billNo": ID, "productId": ID,
        "state": {"type": "string", "enum": ["open", "resolved"]}, **parties,
        "amount": MONEY, "currency": {"type": "string"}, "raisedBy": ADDRESS,
        "reasonHash": HASH, "raisedAt": ID, "raisedInBlock": ID, "transactionHash": HASH,
        "mediation": {"type": "array", "items": mediation},
        "resolution": {"oneOf": [{"type": "null"}, resolution]},
    }, "A dispute of one bill, with its mediation and resolution")  # fmt: skip
    figures = _object({
        "chain": _object({
            "chain id": ID, "genesis": HASH, "head block": ID, "head hash": HASH, "events": ID,
        }),
        "figures": {"type": "object", "description": "As `dcl audit report --json`"},
    }, "The audit report's figures, as of the head block")  # fmt: skip
    account_status = _object(
        {
            "address": ADDRESS,
            "asOfBlock": ID,
            "permissioning": {
                "type": "boolean",
                "description": "Whether the genesis switches permissioning on",
            },
            "permitted": {
                "type": "boolean",
                "description": "May send a transaction in the block after asOfBlock",
            },
            "canCreateContracts": {"type": "boolean"},
            "roles": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": ["bootstrap", "regulator-root", "regulator", "operator", "participant"],
                },
            },
            "reason": {"type": ["string", "null"], "description": "Why it may not transact"},
            "regulatorRoot": {"type": "boolean"},
            "regulator": {"type": "boolean"},
            "operator": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "exchange": {"type": "string"},
                            "exchangeStatus": {
                                "type": "string",
                                "enum": ["none", "active", "suspended", "removed"],
                            },
                        }
                    ),
                ]
            },
            "participant": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "status": {
                                "type": "string",
                                "enum": ["active", "suspended", "revoked"],
                            },
                            "homeExchange": {"type": ["string", "null"]},
                            "roles": ID,
                        }
                    ),
                ]
            },
            "bootstrapAccount": {"type": "boolean"},
            "bootstrapOpen": {"type": "boolean"},
        },
        "Whether an account may transact after the head, and the registry facts behind it",
    )
    node = _object(
        {
            "address": ADDRESS,
            "source": {
                "type": "string",
                "enum": ["validator", "observer", "regulator-root", "local"],
            },
            "exchange": {"type": ["string", "null"]},
        }
    )
    node["properties"]["publicKey"] = {
        "type": "string",
        "pattern": "^0x[0-9a-f]{128}$",
        "description": "The key its operator named (source local only)",
    }
    nodes = _object(
        {"asOfBlock": ID, "nodes": {"type": "array", "items": node}},
        "The node keys this node admits to its peer network",
    )
    return {
        "AccountStatus": account_status,
        "NodesAllowlist": nodes,
        "AuditOrder": order,
        "AuditAuthorization": grant,
        "AuditDispute": dispute,
        "AuditFigures": figures,
        **{
            f"{name}Page": _object({
                "items": {"type": "array", "items": _ref(name)},
                "next": {"type": ["string", "null"],
                         "description": "Opaque cursor of the next page; null at the end"},
                "asOfBlock": ID,
            })
            for name in ("AuditOrder", "AuditAuthorization", "AuditDispute")
        },
    }  # fmt: skip


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _page_params(limits: GatewayLimits) -> list[dict[str, Any]]:
    return [
        _query("limit", {"type": "integer", "minimum": 1, "maximum": limits.max_page_size},
               f"Items per page (default {limits.default_page_size})"),
        _query("cursor", {"type": "string"}, "The `next` of the previous page"),
    ]  # fmt: skip


def _read(
    operation: str,
    summary: str,
    schema: str,
    parameters: list[dict[str, Any]],
    *,
    not_found: bool = False,
    invalid_input: bool = False,
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": _ok(_ref(schema)), **AUTH_PROBLEMS}
    if invalid_input or parameters:
        responses["400"] = _problem("A parameter is malformed")
    if not_found:
        responses["404"] = _problem("No such record, or not visible to the caller")
    return {"get": {
        "operationId": operation, "summary": summary, "security": [{"bearer": []}],
        "parameters": parameters, "responses": {**responses, **COMMON_PROBLEMS},
    }}  # fmt: skip


UINT = {"type": "string", "pattern": "^[0-9]{1,78}$"}
EXCHANGE_CODE = {"type": "string", "pattern": "^[A-Z0-9]{1,32}$"}


def _domain_paths(limits: GatewayLimits) -> dict[str, Any]:
    pages = _page_params(limits)
    events_get = _read("events", "Domain events as server-sent events", "Event", [
        _query("event", {"type": "string"}, "Event name, e.g. TradeSettled"),
        _query("exchange", EXCHANGE_CODE, "An exchange involved"),
        _query("product", UINT, "Product id"),
        _query("party", ADDRESS, "A party involved"),
        _query("order", UINT, "Order id"),
        _query("grant", UINT, "Grant (authorization) id"),
        _query("demand", UINT, "Demand id (its posting, offers, award, closing)"),
        _query("fromBlock", UINT, "First block (default 0); Last-Event-ID takes precedence"),
        {"name": "Last-Event-ID", "in": "header", "required": False,
         "schema": {"type": "string"}, "description": "Resume after this event id"},
    ])  # fmt: skip
    events_get["get"]["responses"]["200"] = {
        "description": "text/event-stream: `id` (the event id), `event` (its name), `data`"
        " (an Event as JSON); the stream follows new blocks",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
    return {
        "/v1/exchanges": _read("listExchanges", "Every exchange (head state)", "ExchangePage", []),
        "/v1/exchanges/{code}": _read(
            "getExchange",
            "One exchange",
            "Exchange",
            [_path("code", {"type": "string"})],
            not_found=True,
        ),
        "/v1/participants": _read(
            "listParticipants", "Registered participants", "ParticipantPage", pages
        ),
        "/v1/participants/{address}": _read(
            "getParticipant",
            "One participant",
            "Participant",
            [_path("address", ADDRESS)],
            not_found=True,
            invalid_input=True,
        ),
        "/v1/products": _read(
            "searchProducts",
            "Search product listings",
            "ProductPage",
            [
                _query("exchange", EXCHANGE_CODE, "Listing exchange code"),
                _query(
                    "category",
                    {"type": "string", "pattern": "^0x[0-9a-fA-F]{64}$"},
                    "Category (bytes32)",
                ),
                _query(
                    "classification",
                    {"type": "string", "enum": ["general", "important", "core"]},
                    "GB/T 43697 classification",
                ),
                _query(
                    "rights",
                    {"type": "string"},
                    "Rights every result offers, comma-separated: holding, processing-use,"
                    " operation",
                ),
                _query(
                    "status",
                    {
                        "type": "string",
                        "enum": [
                            "submitted",
                            "listed",
                            "rejected",
                            "suspended",
                            "revoked",
                            "delisted",
                        ],
                    },
                    "Listing status",
                ),
                _query(
                    "q",
                    {"type": "string", "minLength": 1, "maxLength": 200},
                    "Words of the title, each whole or its beginning (case-insensitive)",
                ),
                *pages,
            ],
        ),
        "/v1/products/{productId}": _read(
            "getProduct",
            "A product with its recognition and history",
            "ProductWithHistory",
            [_path("productId", UINT)],
            not_found=True,
        ),
        "/v1/orders": _read(
            "listOrders",
            "The caller's orders (its exchange's for an operator; all for a regulator)",
            "OrderPage",
            pages,
        ),
        "/v1/orders/{orderId}": _read(
            "getOrder",
            "An order visible to the caller, with its state and events",
            "OrderWithState",
            [_path("orderId", UINT)],
            not_found=True,
        ),
        "/v1/authorizations": _read(
            "listAuthorizations",
            "The caller's authorizations (grants)",
            "AuthorizationPage",
            pages,
        ),
        "/v1/authorizations/{grantId}": _read(
            "getAuthorization",
            "An authorization visible to the caller",
            "AuthorizationWithState",
            [_path("grantId", UINT)],
            not_found=True,
        ),
        "/v1/demands": _read(
            "searchDemands",
            "Search the demand pool (public)",
            "DemandPage",
            [
                _query("exchange", EXCHANGE_CODE, "Home exchange code"),
                _query(
                    "category",
                    {"type": "string", "pattern": "^0x[0-9a-fA-F]{64}$"},
                    "Category (bytes32)",
                ),
                _query("budget", UINT, "An amount within the budget range (minor units)"),
                _query("currency", {"type": "string", "pattern": "^[A-Z]{3}$"}, "ISO 4217 code"),
                _query(
                    "status",
                    {
                        "type": "string",
                        "enum": ["open", "awarded", "withdrawn", "taken-down", "closed"],
                    },
                    "Demand status; closed is any but open",
                ),
                _query(
                    "q",
                    {"type": "string", "minLength": 1, "maxLength": 200},
                    "Words of the title, each whole or its beginning (case-insensitive)",
                ),
                *pages,
            ],
        ),
        "/v1/demands/{demandId}": _read(
            "getDemand",
            "A demand with its public history",
            "DemandWithHistory",
            [_path("demandId", UINT)],
            not_found=True,
        ),
        "/v1/demands/{demandId}/offers": _read(
            "listDemandOffers",
            "The demand's offers the caller may see (all for its buyer, its exchange and"
            " regulators; a supplier's own)",
            "OfferPage",
            [_path("demandId", UINT)],
            not_found=True,
        ),
        "/v1/offers/{offerId}": _read(
            "getOffer",
            "An offer visible to the caller",
            "Offer",
            [_path("offerId", UINT)],
            not_found=True,
        ),
        "/v1/transactions": {
            "post": {
                "operationId": "submitTransaction",
                "summary": "Relay a transaction the caller signed, after checking its role",
                "security": [{"bearer": []}],
                "parameters": [
                    _query(
                        "wait",
                        {"type": "string", "enum": ["true", "false"]},
                        f"Wait up to {limits.wait_timeout_seconds:g} s for the block",
                    )
                ],
                "requestBody": _json_body("TransactionRequest"),
                "responses": {
                    "200": _ok(_ref("TransactionStatus"), "Included in a block (with wait=true)"),
                    "202": _ok(_ref("TransactionStatus"), "Accepted into the pool"),
                    **_body_problems(),
                    **AUTH_PROBLEMS,
                    "403": _problem(
                        "Signed by another account, or a function outside the caller's roles"
                    ),
                    **COMMON_PROBLEMS,
                },
            }
        },
        "/v1/transactions/{hash}": _read(
            "getTransaction",
            "A transaction's status with its decoded domain events",
            "TransactionStatus",
            [_path("hash", HASH)],
            not_found=True,
        ),
        "/v1/events": events_get,
        **_chain_paths(),
        **_certificate_paths(limits),
    }


def _chain_paths() -> dict[str, Any]:
    return {
        "/v1/chain": _read("getChain", "The chain id, genesis hash and head", "Chain", []),
        "/v1/accounts/{address}": _read(
            "getAccount",
            "An account's next nonce, counting its transactions in the pool",
            "Account",
            [_path("address", ADDRESS)],
            invalid_input=True,
        ),
    }


def _certificate_paths(limits: GatewayLimits) -> dict[str, Any]:
    get = _read(
        "getTradeCertificate",
        "The trade certificate of a settled order visible to the caller",
        "Certificate",
        [_path("orderId", UINT), _query("bill", UINT, "The bill (default: the latest settled)")],
        not_found=True,
    )
    get["get"]["responses"]["409"] = _problem("The order (or bill) has not settled")
    get["get"]["responses"]["503"] = _problem("This node lacks the chain data to build it")
    body = {"required": True, "content": {JSON: {"schema": _ref("Certificate")}}}
    return {
        "/v1/trades/{orderId}/certificate": get,
        "/v1/certificates/verify": {
            "post": {
                "operationId": "verifyCertificate",
                "summary": "Verify a certificate against this chain's genesis (as dcl-client"
                f" verify-certificate does offline); bodies up to {limits.max_certificate_bytes}"
                " bytes",
                "security": [{"bearer": []}],
                "requestBody": body,
                "responses": {
                    "200": _ok(_ref("Verdict")),
                    **_body_problems(),
                    **AUTH_PROBLEMS,
                    **COMMON_PROBLEMS,
                },
            }
        },
    }


def _regulator_read(
    operation: str, summary: str, schema: str, parameters: list[dict[str, Any]]
) -> dict[str, Any]:
    path = _read(operation, summary, schema, parameters)
    path["get"]["responses"]["403"] = _problem("The caller is not a regulator")
    return path


BOOLEAN = {"type": "string", "enum": ["true", "false"]}


def _audit_paths(limits: GatewayLimits) -> dict[str, Any]:
    pages = _page_params(limits)
    scope = [
        _query("exchange", EXCHANGE_CODE, "An exchange involved"),
        _query("party", ADDRESS, "A party involved (buyer, seller, grantee, grantor)"),
    ]
    return {
        "/v1/audit/figures": _regulator_read(
            "auditFigures", "The audit report's figures, live (regulators)", "AuditFigures", []
        ),
        "/v1/audit/orders": _regulator_read(
            "auditOrders", "Every order, filtered (regulators)", "AuditOrderPage", [
                _query("status", {"type": "string", "enum": ["created", "accepted", "cancelled"]},
                       "Order status"),
                _query("frozen", BOOLEAN, "Frozen by a regulator"),
                _query("crossBorder", BOOLEAN, "Buyer outside the mainland or data sent abroad"),
                _query("disputed", BOOLEAN, "A dispute was raised on one of its bills"),
                *scope, _query("product", UINT, "Product id"), *pages,
            ],
        ),
        "/v1/audit/authorizations": _regulator_read(
            "auditAuthorizations", "Every authorization, filtered (regulators)",
            "AuditAuthorizationPage", [
                _query("status", {"type": "string", "enum": ["active", "revoked"]},
                       "Grant status"),
                *scope, _query("product", UINT, "Product id"),
                _query("order", UINT, "The order that bought it"), *pages,
            ],
        ),
        "/v1/audit/disputes": _regulator_read(
            "auditDisputes", "Every dispute, in the order raised (regulators)",
            "AuditDisputePage", [
                _query("state", {"type": "string", "enum": ["open", "resolved"]},
                       "Open or resolved"),
                _query("resolution",
                       {"type": "string",
                        "enum": ["mediation", "arbitral-award", "court-judgment"]},
                       "How it was resolved"),
                *scope, _query("order", UINT, "Order id"), *pages,
            ],
        ),
        "/v1/audit/permissions/accounts/{address}": _regulator_read(
            "auditAccountStatus",
            "Whether an account may transact, and why (regulators; as perm_getAccountStatus)",
            "AccountStatus", [_path("address", ADDRESS)],
        ),
        "/v1/audit/permissions/nodes": _regulator_read(
            "auditNodesAllowlist",
            "The node keys this node admits (regulators; as perm_getNodesAllowlist)",
            "NodesAllowlist", [],
        ),
    }  # fmt: skip


def _paths(limits: GatewayLimits) -> dict[str, Any]:
    return {
        **_domain_paths(limits),
        **_audit_paths(limits),
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": _ok({"type": "object"}), **COMMON_PROBLEMS},
            }
        },
        "/v1/auth/challenge": {
            "post": {
                "operationId": "authChallenge",
                "summary": "An EIP-4361 message to sign, with a single-use nonce",
                "requestBody": _json_body("ChallengeRequest"),
                "responses": {
                    "200": _ok(_ref("Challenge")),
                    **_body_problems(),
                    "503": _problem("Too many open challenges"),
                    **COMMON_PROBLEMS,
                },
            }
        },
        "/v1/auth/login": {
            "post": {
                "operationId": "authLogin",
                "summary": "Exchange a signed challenge for a bearer token",
                "requestBody": _json_body("LoginRequest"),
                "responses": {
                    "200": _ok(_ref("Token")),
                    **_body_problems(),
                    "401": _problem("Not an open challenge, expired, used, or a bad signature"),
                    **COMMON_PROBLEMS,
                },
            }
        },
        "/v1/me": {
            "get": {
                "operationId": "me",
                "summary": "The caller's roles in the head state",
                "security": [{"bearer": []}],
                "responses": {"200": _ok(_ref("Me")), **AUTH_PROBLEMS, **COMMON_PROBLEMS},
            }
        },
    }


def openapi_document(limits: GatewayLimits) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Data Circulation Ledger gateway",
            "version": "1",
            "description": "Participants, exchanges and regulators read the domain records"
            " and relay their own signed transactions. Sign in with Ethereum (EIP-4361)."
            f" Bodies up to {limits.max_body_bytes} bytes; pages up to"
            f" {limits.max_page_size} items; {limits.rate_per_second:g} requests per second"
            f" per caller (bursts of {limits.burst}).",
        },
        "paths": _paths(limits),
        "components": {
            "schemas": {**_schemas(limits), **_domain_schemas(), **_audit_schemas()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
