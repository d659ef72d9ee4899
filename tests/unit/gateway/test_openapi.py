"""The OpenAPI document is valid OpenAPI 3.1 and names every route the app serves."""

from __future__ import annotations

from openapi_spec_validator import validate

from node.gateway.app import create_gateway_app
from node.gateway.context import Gateway
from node.gateway.heads import HeadSignal
from node.gateway.limits import GatewayLimits
from node.gateway.openapi import openapi_document


def test_the_document_is_valid_openapi() -> None:
    validate(openapi_document(GatewayLimits()))


def test_every_served_route_is_documented_with_its_methods() -> None:
    app = create_gateway_app(Gateway(None, GatewayLimits(), HeadSignal(0)))  # type: ignore[arg-type]
    served = {
        (route.resource.canonical, route.method.lower())
        for route in app.router.routes()
        if route.resource is not None and route.method != "HEAD"
    }
    paths = openapi_document(GatewayLimits())["paths"]
    documented = {(path, method) for path, item in paths.items() for method in item}
    assert served == documented
