"""eth_call and eth_estimateGas: the execution deadline, and messages refused before they run."""

from __future__ import annotations

import itertools

import pytest

from node.rpc.errors import RpcError
from node.rpc.execution import CallRunner, Deadline, call, estimate_gas
from node.rpc.limits import RpcLimits
from node.rpc.params import call_args

LOOP_FOREVER = "0x5b600056"  # JUMPDEST, PUSH1 0, JUMP
TARGET = "0x" + "ab" * 20
ZERO_ADDRESS = "0x" + "00" * 20
NONCE_MAX = 2**64 - 1


def counting_loop(times: int) -> bytes:
    """Runtime code that counts ``times`` down to zero, then stops: the same work at any gas."""
    return bytes([0x61, *times.to_bytes(2, "big")]) + bytes.fromhex("5b6001900380600357" + "00")


def authorization(**changes: str) -> dict[str, str]:
    fields = {"chainId": "0x539", "address": TARGET, "nonce": "0x0", "yParity": "0x0"}
    return {**fields, "r": "0x1", "s": "0x1", **changes}


def test_a_call_that_runs_past_the_timeout_is_aborted_with_geths_error(recorded, serve) -> None:
    client = serve(recorded.node.backend, RpcLimits(call_timeout_seconds=0.5))
    overrides = {TARGET: {"code": LOOP_FOREVER}}

    error = client.error("eth_call", {"to": TARGET}, "latest", overrides)

    assert error == {"code": -32000, "message": "execution aborted (timeout = 500ms)"}


def test_an_estimate_that_runs_past_the_timeout_is_aborted_with_geths_error(
    recorded, serve
) -> None:
    client = serve(recorded.node.backend, RpcLimits(call_timeout_seconds=0.5))
    overrides = {TARGET: {"code": LOOP_FOREVER}}

    error = client.error("eth_estimateGas", {"to": TARGET}, "latest", overrides)

    assert error == {"code": -32000, "message": "execution aborted (timeout = 500ms)"}


def test_the_runs_of_one_estimate_share_one_deadline(recorded, kit) -> None:
    """A clock that ticks once per gas charge: one run of the loop takes about 7000 ticks and
    fits a 10000-tick deadline, the several runs of an estimate do not."""
    ledger = recorded.node.ledger

    def runner() -> CallRunner:
        vm = ledger.vm_at(ledger.head())
        vm.state.set_code(bytes.fromhex(TARGET[2:]), counting_loop(1000))
        ticks = itertools.count()
        deadline = Deadline(timeout=5.0, at=10_000, clock=lambda: float(next(ticks)))
        return CallRunner(vm, call_args({"to": TARGET}), kit.CHAIN_ID, deadline)

    assert call(runner(), kit.GAS_LIMIT) == b""
    with pytest.raises(RpcError) as aborted:
        estimate_gas(runner(), kit.GAS_LIMIT, None, kit.GAS_LIMIT)
    assert aborted.value.to_json() == {
        "code": -32000,
        "message": "execution aborted (timeout = 5s)",
    }


def test_a_set_code_call_without_authorizations_is_refused_with_geths_text(recorded) -> None:
    error = recorded.node.rpc.error("eth_call", {"type": "0x4", "to": TARGET}, "latest")

    assert error == {
        "code": -32000,
        "message": f"err: EIP-7702 transaction with empty auth list (sender {ZERO_ADDRESS})"
        " (supplied gas 30000000)",
    }


def test_an_empty_authorization_list_is_refused_with_geths_text(recorded) -> None:
    call_object = {"to": TARGET, "authorizationList": []}

    error = recorded.node.rpc.error("eth_call", call_object, "latest")

    assert error == {
        "code": -32000,
        "message": f"err: EIP-7702 transaction with empty auth list (sender {ZERO_ADDRESS})"
        " (supplied gas 30000000)",
    }


def test_a_set_code_call_that_creates_a_contract_is_refused_with_geths_text(recorded) -> None:
    error = recorded.node.rpc.error("eth_call", {"authorizationList": [authorization()]})

    assert error == {
        "code": -32000,
        "message": "err: EIP-7702 transaction cannot be used to create contract"
        f" (sender {ZERO_ADDRESS}) (supplied gas 30000000)",
    }


def test_a_sender_whose_nonce_is_overridden_to_the_maximum_is_refused(recorded, kit) -> None:
    overrides = {kit.BOB.address: {"nonce": hex(NONCE_MAX)}}
    call_object = {"from": kit.BOB.address, "to": TARGET}

    error = recorded.node.rpc.error("eth_call", call_object, "latest", overrides)

    assert error == {
        "code": -32000,
        "message": f"err: nonce has max value: address {kit.BOB.address}, nonce: {NONCE_MAX}"
        " (supplied gas 30000000)",
    }


def test_a_creation_with_init_code_over_49152_bytes_is_refused_with_geths_text(recorded) -> None:
    call_object = {"input": "0x" + "00" * 49_153}

    error = recorded.node.rpc.error("eth_call", call_object, "latest")

    assert error == {
        "code": -32000,
        "message": "err: max initcode size exceeded: code size 49153 limit 49152"
        " (supplied gas 30000000)",
    }


def test_a_field_py_evm_refuses_is_a_server_error_with_its_text(recorded) -> None:
    call_object = {"to": TARGET, "authorizationList": [authorization(yParity="0x1ff")]}

    error = recorded.node.rpc.error("eth_call", call_object, "latest")

    assert error == {
        "code": -32000,
        "message": "err: Value exceeds maximum uint8 size.  Got: 511 (supplied gas 30000000)",
    }


def test_an_estimate_refused_before_running_names_the_gas_it_tried(recorded) -> None:
    error = recorded.node.rpc.error("eth_estimateGas", {"to": TARGET, "authorizationList": []})

    assert error == {
        "code": -32000,
        "message": "failed with 30000000 gas: EIP-7702 transaction with empty auth list"
        f" (sender {ZERO_ADDRESS})",
    }
