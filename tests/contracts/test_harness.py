"""The contract-test harness decodes custom errors and events exactly."""

from __future__ import annotations

import pytest

from tests.contracts.harness import ContractChain


@pytest.fixture(scope="module")
def chain() -> ContractChain:
    return ContractChain()


def test_a_custom_error_is_decoded_with_its_arguments(chain: ContractChain) -> None:
    recorder = chain.deploy("Recorder")
    receipt = chain.expect_revert(recorder.functions.reject(7), chain.accounts[0], "Rejected", 7)
    assert receipt["status"] == 0


def test_a_different_argument_fails_the_expectation(chain: ContractChain) -> None:
    recorder = chain.deploy("Recorder")
    with pytest.raises(AssertionError):
        chain.expect_revert(recorder.functions.reject(7), chain.accounts[0], "Rejected", 8)


def test_a_call_that_succeeds_fails_the_expectation(chain: ContractChain) -> None:
    recorder = chain.deploy("Recorder")
    call = recorder.functions.record(b"\x01" * 32, 5)
    with pytest.raises(AssertionError, match="call succeeded"):
        chain.expect_revert(call, chain.accounts[0], "Rejected", 1)


def test_events_are_decoded_with_every_field(chain: ContractChain) -> None:
    recorder = chain.deploy("Recorder")
    author = chain.account(12)
    receipt = chain.transact(recorder.functions.record(b"\x02" * 32, 9), author)
    assert chain.events(receipt, recorder, "Recorded") == [
        {"author": author, "key": b"\x02" * 32, "value": 9}
    ]


def test_time_moves_forward_by_the_requested_seconds(chain: ContractChain) -> None:
    before = chain.timestamp
    chain.advance(3600)
    recorder = chain.deploy("Recorder")
    chain.transact(recorder.functions.record(b"\x03" * 32, 1), chain.accounts[0])
    assert chain.timestamp >= before + 3600
