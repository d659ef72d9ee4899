"""Positional parameters are bound with geth's rules before a handler runs."""

from __future__ import annotations

import pytest

from node.rpc import params
from node.rpc.errors import RpcError
from node.rpc.registry import RpcContext, RpcMethod, method_table, optional, required, rpc_method


@rpc_method("test_pair", required(params.uint64), optional(params.boolean, False))
async def pair(ctx: RpcContext, number: int, flag: bool) -> list[object]:
    return [number, flag]


def bind_error(method: RpcMethod, raw: object) -> dict[str, object]:
    with pytest.raises(RpcError) as caught:
        method.bind(raw)
    return caught.value.to_json()


def test_a_declared_method_keeps_its_name_decoders_and_handler() -> None:
    assert (pair.name, len(pair.params), pair.handler.__name__) == ("test_pair", 2, "pair")


def test_absent_null_and_omitted_optional_parameters_take_their_defaults() -> None:
    assert [pair.bind(["0x1"]), pair.bind(["0x1", None]), pair.bind(["0x1", True])] == [
        [1, False],
        [1, False],
        [1, True],
    ]


def test_a_missing_or_null_required_parameter_is_refused() -> None:
    expected = {"code": -32602, "message": "missing value for required argument 0"}

    assert [bind_error(pair, None), bind_error(pair, []), bind_error(pair, [None])] == [
        expected
    ] * 3


def test_extra_parameters_are_refused() -> None:
    assert bind_error(pair, ["0x1", True, 3]) == {
        "code": -32602,
        "message": "too many arguments, want at most 2",
    }


def test_a_decoding_refusal_names_the_argument_position() -> None:
    assert bind_error(pair, ["0x1", "yes"]) == {
        "code": -32602,
        "message": "invalid argument 1: json: cannot unmarshal string into Go value of type bool",
    }


def test_params_given_by_name_are_refused() -> None:
    assert bind_error(pair, {"number": "0x1"}) == {"code": -32602, "message": "non-array args"}


def test_a_method_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="test_pair declared twice"):
        method_table([pair, pair])
