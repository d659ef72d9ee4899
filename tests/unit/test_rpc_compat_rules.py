"""hive's rpc-compat comparison, as the conformance replay applies it."""

from __future__ import annotations

import pytest

from tests.support.rpc_compat import comparable, load_cases, parse_case

ERROR = {"jsonrpc": "2.0", "id": 1, "error": {"code": -32602, "message": "theirs"}}


def test_error_messages_are_ignored_when_both_sides_carry_an_error() -> None:
    actual = {"jsonrpc": "2.0", "id": 1, "error": {"code": -32602, "message": "ours"}}
    expected, got = comparable(ERROR, actual)
    assert expected == got


def test_error_codes_still_differ_when_both_sides_carry_an_error() -> None:
    actual = {"jsonrpc": "2.0", "id": 1, "error": {"code": -32000, "message": "theirs"}}
    expected, got = comparable(ERROR, actual)
    assert expected != got


def test_an_error_never_matches_a_result() -> None:
    actual = {"jsonrpc": "2.0", "id": 1, "result": None}
    expected, got = comparable(ERROR, actual)
    assert expected != got


def test_a_result_must_match_key_for_key() -> None:
    expected = {"jsonrpc": "2.0", "id": 1, "result": {"a": "0x1"}}
    actual = {"jsonrpc": "2.0", "id": 1, "result": {"a": "0x1", "b": None}}
    assert comparable(expected, actual)[0] != comparable(expected, actual)[1]


def test_a_case_file_pairs_each_request_with_its_response() -> None:
    case = parse_case("x.io", '// comment\n>> {"id":1}\n<< {"id":1,"result":"0x1"}\n')
    assert [(e.request, e.expected) for e in case.exchanges] == [
        ('{"id":1}', {"id": 1, "result": "0x1"})
    ]


def test_a_response_without_a_request_is_refused() -> None:
    with pytest.raises(ValueError, match="before any request"):
        parse_case("x.io", '<< {"id":1}\n')


def test_the_copied_fixtures_hold_88_cases_none_speconly() -> None:
    cases = load_cases()
    assert len(cases) == 88
    assert "eth_estimateGas/estimate-successful-call.io" not in {case.name for case in cases}
