"""eth_call and eth_estimateGas with geth's semantics: free calls, reverts with data, caps."""

from __future__ import annotations

from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from node.rpc.limits import RpcLimits

ERROR_STRING = bytes.fromhex("08c379a0")
PANIC = bytes.fromhex("4e487b71")
# GAS, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN: returns the gas left after GAS itself.
RETURN_GAS_LEFT = bytes.fromhex("5a60005260206000f3")


def reverting_code(revert_data: bytes) -> bytes:
    """Runtime code that reverts with ``revert_data``: CODECOPY it to memory, then REVERT."""
    size = len(revert_data)
    prefix = bytes([0x60, size, 0x60, 12, 0x60, 0, 0x39, 0x60, size, 0x60, 0, 0xFD])
    return prefix + revert_data


def word(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()


def intrinsic_gas(data: bytes) -> int:
    zeros = data.count(0)
    return 21_000 + 4 * zeros + 16 * (len(data) - zeros)


def test_a_call_reads_a_public_mapping(recorded, kit) -> None:
    call = {"to": recorded.recorder, "input": kit.hex(kit.values_call(kit.KEY_1))}

    assert recorded.node.rpc.result("eth_call", call, "latest") == word(42)


def test_a_call_reads_the_state_after_the_block_it_names(recorded, kit) -> None:
    rpc = recorded.node.rpc
    call = {"to": recorded.recorder, "data": kit.hex(kit.values_call(kit.KEY_1))}
    block_one = rpc.result("eth_getBlockByNumber", "0x1", False)["hash"]

    assert (
        rpc.result("eth_call", call, "0x1"),
        rpc.result("eth_call", call, {"blockHash": block_one, "requireCanonical": True}),
        rpc.result("eth_call", call, {"blockNumber": "0x2"}),
    ) == (word(0), word(0), word(42))


def test_a_custom_error_revert_is_code_3_with_the_revert_data(recorded, kit) -> None:
    call = {"to": recorded.recorder, "input": kit.hex(kit.reject_call(7))}

    error = recorded.node.rpc.error("eth_call", call, "latest")

    assert error == {
        "code": 3,
        "message": "execution reverted",
        "data": kit.hex(kit.selector("Rejected(uint256)") + abi_encode(["uint256"], [7])),
    }


def test_an_error_string_revert_carries_its_reason_in_the_message(recorded, kit) -> None:
    revert_data = ERROR_STRING + abi_encode(["string"], ["user error"])
    target = "0x" + "ee" * 20
    overrides = {target: {"code": kit.hex(reverting_code(revert_data))}}

    error = recorded.node.rpc.error("eth_call", {"to": target}, "latest", overrides)

    assert error == {
        "code": 3,
        "message": "execution reverted: user error",
        "data": kit.hex(revert_data),
    }


def test_a_panic_revert_names_the_panic(recorded, kit) -> None:
    revert_data = PANIC + abi_encode(["uint256"], [1])
    target = "0x" + "ee" * 20
    overrides = {target: {"code": kit.hex(reverting_code(revert_data))}}

    error = recorded.node.rpc.error("eth_call", {"to": target}, "latest", overrides)

    assert error["message"] == "execution reverted: assert(false)"


def test_a_storage_override_is_seen_by_the_call(recorded, kit) -> None:
    slot = keccak(kit.KEY_1 + bytes(32))
    overrides = {recorded.recorder: {"stateDiff": {kit.hex(slot): word(5)}}}
    call = {"to": recorded.recorder, "input": kit.hex(kit.values_call(kit.KEY_1))}

    assert recorded.node.rpc.result("eth_call", call, "latest", overrides) == word(5)


def test_a_call_from_an_empty_account_without_fees_succeeds(recorded, kit) -> None:
    call = {
        "from": kit.BOB.address,
        "to": recorded.recorder,
        "input": kit.hex(kit.record_call(kit.KEY_1, 1)),
    }

    assert recorded.node.rpc.result("eth_call", call, "latest") == "0x"


def test_a_call_whose_gas_price_the_sender_cannot_pay_is_refused(recorded, kit) -> None:
    call = {"from": kit.BOB.address, "to": recorded.recorder, "gas": "0x186a0", "gasPrice": "0x1"}

    error = recorded.node.rpc.error("eth_call", call, "latest")

    assert error == {
        "code": -32000,
        "message": f"err: insufficient funds for gas * price + value: address {kit.BOB.address}"
        " have 0 want 100000 (supplied gas 100000)",
    }


def test_a_call_with_too_little_gas_for_its_data_is_intrinsic_gas_too_low(recorded, kit) -> None:
    data = kit.record_call(kit.KEY_1, 42)
    call = {"to": recorded.recorder, "input": kit.hex(data), "gas": "0x5208"}

    error = recorded.node.rpc.error("eth_call", call, "latest")

    assert error == {
        "code": -32000,
        "message": f"err: intrinsic gas too low: have 21000, want {intrinsic_gas(data)}"
        " (supplied gas 21000)",
    }


def test_a_call_that_runs_out_of_gas_is_out_of_gas(recorded, kit) -> None:
    data = kit.record_call(b"\x09" * 32, 1)
    call = {"to": recorded.recorder, "input": kit.hex(data), "gas": hex(30_000)}

    assert recorded.node.rpc.error("eth_call", call, "latest") == {
        "code": -32000,
        "message": "out of gas",
    }


def test_data_and_input_that_differ_are_refused(recorded) -> None:
    call = {"to": recorded.recorder, "data": "0x01", "input": "0x02"}

    assert recorded.node.rpc.error("eth_call", call, "latest") == {
        "code": -32000,
        "message": 'both "data" and "input" are set and not equal. Please use "input" to pass'
        " transaction call data",
    }


def test_a_legacy_gas_price_with_eip1559_fees_is_refused(recorded) -> None:
    call = {"to": recorded.recorder, "gasPrice": "0x0", "maxFeePerGas": "0x0"}

    assert recorded.node.rpc.error("eth_call", call, "latest") == {
        "code": -32000,
        "message": "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified",
    }


def test_a_call_at_an_unknown_block_fails_with_header_not_found(recorded) -> None:
    rpc = recorded.node.rpc
    call = {"to": recorded.recorder}

    assert (
        rpc.error("eth_call", call, "0x9"),
        rpc.error("eth_call", call, {"blockHash": "0x" + "de" * 32}),
    ) == (
        {"code": -32000, "message": "header not found"},
        {"code": -32000, "message": "header for hash not found"},
    )


def test_a_contract_creation_call_returns_the_runtime_code(recorded, kit) -> None:
    call = {"from": kit.ALICE.address, "input": kit.hex(kit.recorder().bytecode)}

    assert recorded.node.rpc.result("eth_call", call, "latest") == kit.hex(
        kit.recorder().deployed_bytecode
    )


def test_a_call_without_gas_gets_the_block_gas_limit_below_the_cap(recorded, kit) -> None:
    target = "0x" + "ab" * 20
    overrides = {target: {"code": kit.hex(RETURN_GAS_LEFT)}}

    gas_left = recorded.node.rpc.result("eth_call", {"to": target}, "latest", overrides)

    assert int(gas_left, 16) == kit.GAS_LIMIT - 21_000 - 2


def test_a_call_gets_at_most_the_configured_gas_cap(recorded, kit, serve) -> None:
    client = serve(recorded.node.backend, RpcLimits(gas_cap=1_000_000))
    target = "0x" + "ab" * 20
    overrides = {target: {"code": kit.hex(RETURN_GAS_LEFT)}}

    gas_left = client.result("eth_call", {"to": target, "gas": "0x2faf080"}, "latest", overrides)

    assert int(gas_left, 16) == 1_000_000 - 21_000 - 2


def _deployed(node, kit) -> str:
    deploy = kit.sign(
        kit.ALICE, nonce=0, gas=1_000_000, data=kit.recorder().bytecode, **kit.ZERO_FEES
    )
    node.backend.seal([deploy])
    return kit.created_address(kit.ALICE.address, 0)


def test_an_estimate_is_enough_for_the_transaction_and_within_geths_margin(node, kit) -> None:
    recorder = _deployed(node, kit)
    data = kit.record_call(b"\x09" * 32, 5)
    call = {"from": kit.ALICE.address, "to": recorder, "input": kit.hex(data)}
    estimate = int(node.rpc.result("eth_estimateGas", call), 16)
    tx = kit.sign(kit.ALICE, nonce=1, to=recorder, data=data, gas=estimate, **kit.ZERO_FEES)
    node.backend.seal([tx])

    receipt = node.rpc.result("eth_getTransactionReceipt", kit.hex(tx.hash))
    below_margin = {**call, "gas": hex(estimate * 985 // 1000 - 1)}

    assert receipt["status"] == "0x1"
    assert int(receipt["gasUsed"], 16) <= estimate
    assert node.rpc.error("eth_call", below_margin, "0x1")["message"] == "out of gas"


def test_an_estimate_for_a_deployment_is_enough_to_deploy(node, kit) -> None:
    call = {"from": kit.ALICE.address, "input": kit.hex(kit.recorder().bytecode)}
    estimate = int(node.rpc.result("eth_estimateGas", call), 16)
    deploy = kit.sign(
        kit.ALICE, nonce=0, gas=estimate, data=kit.recorder().bytecode, **kit.ZERO_FEES
    )
    node.backend.seal([deploy])

    receipt = node.rpc.result("eth_getTransactionReceipt", kit.hex(deploy.hash))

    assert (receipt["status"], receipt["contractAddress"]) == (
        "0x1",
        kit.created_address(kit.ALICE.address, 0).lower(),
    )


def test_an_estimate_for_a_plain_transfer_is_21000(recorded, kit) -> None:
    call = {"from": kit.ALICE.address, "to": kit.CAROL.address, "value": "0x1"}

    assert recorded.node.rpc.result("eth_estimateGas", call) == "0x5208"


def test_an_estimate_of_a_reverting_call_is_code_3_with_the_revert_data(recorded, kit) -> None:
    call = {"to": recorded.recorder, "input": kit.hex(kit.reject_call(7))}

    error = recorded.node.rpc.error("eth_estimateGas", call)

    assert error == {
        "code": 3,
        "message": "execution reverted",
        "data": kit.hex(kit.selector("Rejected(uint256)") + abi_encode(["uint256"], [7])),
    }


def test_an_estimate_with_a_fee_cap_from_an_empty_account_has_no_funds_for_transfer(
    recorded, kit
) -> None:
    call = {"from": kit.BOB.address, "to": recorded.recorder, "maxFeePerGas": "0x1"}

    assert recorded.node.rpc.error("eth_estimateGas", call) == {
        "code": -32000,
        "message": "insufficient funds for transfer",
    }


def test_an_estimate_that_needs_more_than_the_given_gas_exceeds_the_allowance(
    recorded, kit
) -> None:
    data = kit.record_call(b"\x09" * 32, 1)
    call = {"to": recorded.recorder, "input": kit.hex(data), "gas": hex(30_000)}

    assert recorded.node.rpc.error("eth_estimateGas", call) == {
        "code": -32000,
        "message": "gas required exceeds allowance (30000)",
    }


def test_a_state_override_balance_lets_an_empty_account_pay_a_gas_price(recorded, kit) -> None:
    bob = to_checksum_address(kit.BOB.address)
    call = {
        "from": bob,
        "to": recorded.recorder,
        "input": kit.hex(kit.values_call(kit.KEY_1)),
        "gas": "0x186a0",
        "gasPrice": "0x1",
    }
    overrides = {bob: {"balance": hex(100_000)}}

    assert recorded.node.rpc.result("eth_call", call, "latest", overrides) == word(42)


def test_a_revert_without_data_is_code_3_with_empty_data(recorded) -> None:
    assert recorded.node.rpc.error("eth_call", {"to": recorded.recorder}, "latest") == {
        "code": 3,
        "message": "execution reverted",
        "data": "0x",
    }
