"""JSON-RPC 2.0 envelopes and HTTP behaviour, answered as geth answers them."""

from __future__ import annotations

import json
import logging

import pytest

from node.rpc.limits import RpcLimits


def test_malformed_json_is_a_parse_error_with_a_null_id(node) -> None:
    response = node.rpc.post(b'{"jsonrpc":"2.0","id":1,')

    assert (response.status_code, response.json()) == (
        200,
        {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}},
    )


def test_nan_outside_json_is_a_parse_error(node) -> None:
    response = node.rpc.post(b'{"jsonrpc":"2.0","id":NaN,"method":"eth_chainId"}')

    assert response.json()["error"] == {"code": -32700, "message": "parse error"}


def test_json_nested_beyond_the_parsers_depth_is_a_parse_error(node) -> None:
    response = node.rpc.post(b"[" * 200_000)

    assert response.json()["error"] == {"code": -32700, "message": "parse error"}


def test_json_nested_within_the_limit_reaches_the_method(node) -> None:
    nested = "[" * 60 + "]" * 60
    body = f'{{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{nested}}}'

    assert node.rpc.post(body).json()["error"]["code"] == -32602


def test_a_number_beyond_float_range_is_a_parse_error(node) -> None:
    response = node.rpc.post(b'{"jsonrpc":"2.0","id":1e999,"method":"eth_chainId"}')

    assert response.json()["error"] == {"code": -32700, "message": "parse error"}


def test_a_null_id_is_a_call_answered_with_a_null_id(node) -> None:
    response = node.rpc.post(b'{"jsonrpc":"2.0","id":null,"method":"eth_chainId"}')

    assert response.json() == {"jsonrpc": "2.0", "id": None, "result": "0x539"}


def test_a_request_without_a_method_is_an_invalid_request_keeping_its_id(node) -> None:
    response = node.rpc.post(b'{"jsonrpc":"2.0","id":7}')

    assert response.json() == {
        "jsonrpc": "2.0",
        "id": 7,
        "error": {"code": -32600, "message": "invalid request"},
    }


def test_a_request_of_another_jsonrpc_version_is_an_invalid_request(node) -> None:
    response = node.rpc.post(b'{"jsonrpc":"1.0","id":"a","method":"eth_chainId"}')

    assert response.json() == {
        "jsonrpc": "2.0",
        "id": "a",
        "error": {"code": -32600, "message": "invalid request"},
    }


def test_a_body_that_is_not_an_object_is_an_invalid_request_with_a_null_id(node) -> None:
    response = node.rpc.post(b'"eth_chainId"')

    assert response.json() == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32600, "message": "invalid request"},
    }


def test_an_object_id_is_an_invalid_request_with_a_null_id(node) -> None:
    response = node.rpc.post(b'{"jsonrpc":"2.0","id":{"a":1},"method":"eth_chainId"}')

    assert response.json()["id"] is None
    assert response.json()["error"] == {"code": -32600, "message": "invalid request"}


def test_an_empty_batch_is_one_empty_batch_error_object(node) -> None:
    response = node.rpc.post(b"[]")

    assert response.json() == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32600, "message": "empty batch"},
    }


def test_a_batch_item_that_is_not_an_object_is_answered_invalid_request_in_place(node) -> None:
    body = json.dumps([1, {"jsonrpc": "2.0", "id": 2, "method": "eth_chainId"}])

    answers = node.rpc.post(body).json()

    assert answers == [
        {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}},
        {"jsonrpc": "2.0", "id": 2, "result": "0x539"},
    ]


def test_an_unknown_method_is_method_not_found_in_geths_words(node) -> None:
    assert node.rpc.error("eth_mine") == {
        "code": -32601,
        "message": "the method eth_mine does not exist/is not available",
    }


def test_a_malformed_address_is_invalid_argument_with_its_position(node) -> None:
    assert node.rpc.error("eth_getBalance", "0x01", "latest") == {
        "code": -32602,
        "message": "invalid argument 0: hex string has length 2, want 40 for common.Address",
    }


def test_a_block_number_with_leading_zeros_is_refused_as_geth_refuses_it(node) -> None:
    assert node.rpc.error("eth_getBlockByNumber", "0x01", False) == {
        "code": -32602,
        "message": "invalid argument 0: hex number with leading zero digits",
    }


def test_a_quantity_inside_a_call_object_names_the_struct_field(node, kit) -> None:
    call = {"to": kit.ALICE.address, "gas": "0x0100"}

    assert node.rpc.error("eth_call", call, "latest") == {
        "code": -32602,
        "message": "invalid argument 0: json: cannot unmarshal hex number with leading zero"
        " digits into Go struct field TransactionArgs.gas of type hexutil.Uint64",
    }


def test_too_many_arguments_are_refused(node) -> None:
    assert node.rpc.error("eth_blockNumber", "latest") == {
        "code": -32602,
        "message": "too many arguments, want at most 0",
    }


def test_a_missing_required_argument_is_refused(node) -> None:
    assert node.rpc.error("eth_getBlockByNumber", "latest") == {
        "code": -32602,
        "message": "missing value for required argument 1",
    }


def test_named_parameters_are_refused_as_non_array_args(node) -> None:
    body = b'{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{"address":"0x00"}}'

    assert node.rpc.post(body).json()["error"] == {"code": -32602, "message": "non-array args"}


def test_a_batch_answers_each_request_in_order_and_skips_notifications(node) -> None:
    batch = [
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "method": "eth_blockNumber"},
        {"jsonrpc": "2.0", "id": "b", "method": "eth_nope"},
        {"jsonrpc": "2.0", "id": 3, "method": "net_version", "params": []},
    ]

    answers = node.rpc.post(json.dumps(batch)).json()

    assert answers == [
        {"jsonrpc": "2.0", "id": 1, "result": "0x539"},
        {
            "jsonrpc": "2.0",
            "id": "b",
            "error": {
                "code": -32601,
                "message": "the method eth_nope does not exist/is not available",
            },
        },
        {"jsonrpc": "2.0", "id": 3, "result": "1337"},
    ]


def test_a_notification_gets_an_empty_answer(node) -> None:
    response = node.rpc.post(b'{"jsonrpc":"2.0","method":"eth_chainId"}')

    assert (response.status_code, response.content) == (200, b"")


def test_a_batch_of_notifications_gets_an_empty_answer(node) -> None:
    body = b'[{"jsonrpc":"2.0","method":"eth_chainId"},{"jsonrpc":"2.0","method":"net_version"}]'

    response = node.rpc.post(body)

    assert (response.status_code, response.content) == (200, b"")


def test_a_body_over_the_limit_is_refused_with_413_before_parsing(node_with) -> None:
    node = node_with(RpcLimits(max_body_bytes=1024))
    body = b" " * 1025

    response = node.rpc.post(body)

    assert (response.status_code, response.text) == (
        413,
        "content length too large (1025>1024)\n",
    )


def test_a_chunked_body_over_the_limit_is_refused_with_413(node_with) -> None:
    node = node_with(RpcLimits(max_body_bytes=1024))

    response = node.rpc.post(iter([b" " * 1000, b" " * 1000]))

    assert (response.status_code, response.text) == (413, "content length too large (>1024)\n")


def test_a_body_at_the_limit_is_served(node_with) -> None:
    node = node_with(RpcLimits(max_body_bytes=1024))
    request = b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'

    response = node.rpc.post(request + b" " * (1024 - len(request)))

    assert response.json()["result"] == "0x539"


def test_a_batch_over_the_item_limit_is_one_error_with_the_first_calls_id(node_with) -> None:
    node = node_with(RpcLimits(max_batch_items=3))
    batch = [{"jsonrpc": "2.0", "method": "eth_chainId"}] + [
        {"jsonrpc": "2.0", "id": number, "method": "eth_chainId"} for number in (5, 6, 7)
    ]

    answers = node.rpc.post(json.dumps(batch)).json()

    assert answers == [
        {"jsonrpc": "2.0", "id": 5, "error": {"code": -32600, "message": "batch too large"}}
    ]


def test_calls_past_the_batch_response_budget_are_answered_response_too_large(node_with) -> None:
    node = node_with(RpcLimits(max_batch_response_bytes=60))
    batch = [{"jsonrpc": "2.0", "id": number, "method": "eth_chainId"} for number in (1, 2, 3)]

    answers = node.rpc.post(json.dumps(batch)).json()

    assert answers == [
        {"jsonrpc": "2.0", "id": 1, "result": "0x539"},
        {"jsonrpc": "2.0", "id": 2, "result": "0x539"},
        {"jsonrpc": "2.0", "id": 3, "error": {"code": -32003, "message": "response too large"}},
    ]


def test_a_body_that_is_not_json_by_content_type_is_refused_with_415(node) -> None:
    response = node.rpc.post(b"{}", **{"Content-Type": "text/plain"})

    assert (response.status_code, response.text) == (
        415,
        "invalid content type, only application/json is supported\n",
    )


def test_a_get_on_the_root_answers_a_short_text_for_health_probes(node) -> None:
    response = node.rpc.session.get(node.rpc.url, timeout=30)

    assert response.status_code == 200
    assert response.text.startswith("Data Circulation Ledger JSON-RPC endpoint")


def test_a_put_is_not_allowed(node) -> None:
    response = node.rpc.session.put(node.rpc.url, data=b"{}", timeout=30)

    assert response.status_code == 405


def test_a_cors_preflight_is_answered_with_the_allowed_methods_and_headers(node) -> None:
    headers = {
        "Origin": "http://wallet.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }

    response = node.rpc.session.options(node.rpc.url, headers=headers, timeout=30)

    assert response.status_code == 204
    assert {name: response.headers[name] for name in _CORS_HEADERS} == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST",
        "Access-Control-Allow-Headers": "content-type",
        "Access-Control-Max-Age": "600",
    }


_CORS_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Max-Age",
)


def test_an_answer_to_a_request_with_an_origin_allows_that_origin(node) -> None:
    body = b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'

    response = node.rpc.post(body, Origin="http://wallet.example")

    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_an_origin_outside_the_allowed_list_gets_no_cors_headers(node, serve) -> None:
    client = serve(node.backend, RpcLimits(), cors_origins=("http://gateway.example",))
    body = b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'

    response = client.post(body, Origin="http://wallet.example")

    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_refused_transaction_is_a_server_error_with_the_pools_text(node, kit) -> None:
    tx = kit.sign(kit.ALICE, nonce=0, to=kit.BOB.address, **kit.ZERO_FEES)
    node.backend.seal([tx])

    error = node.rpc.error("eth_sendRawTransaction", kit.hex(tx.encode()))

    assert error == {"code": -32000, "message": "nonce too low: next nonce 1, tx nonce 0"}


def test_an_unexpected_exception_is_an_internal_error_logged_with_its_traceback(
    node, kit, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(tx_hash: bytes) -> None:
        raise RuntimeError("pool index corrupted at 0xdeadbeef")

    node.backend.pooled_transaction = broken  # type: ignore[method-assign]
    caplog.set_level(logging.ERROR, logger="node.rpc.protocol")

    response = node.rpc.post(
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 9,
                "method": "eth_getTransactionByHash",
                "params": ["0x" + "11" * 32],
            }
        )
    )

    assert response.json() == {
        "jsonrpc": "2.0",
        "id": 9,
        "error": {"code": -32603, "message": "internal error"},
    }
    assert "deadbeef" not in response.text
    assert [record.exc_info[0] for record in caplog.records if record.exc_info] == [RuntimeError]
