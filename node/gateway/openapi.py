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


def _paths() -> dict[str, Any]:
    return {
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
        "paths": _paths(),
        "components": {
            "schemas": _schemas(limits),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
