"""Besu's qbft_* methods over real HTTP on a one-validator chain without the registry (whose
set is the genesis set): validators per block, signer metrics with Besu's range rules, and
validator votes refused with a pointer to ExchangeRegistry's proposals."""

from __future__ import annotations

import pytest

from node.rpc.methods.qbft import VOTES_NOT_ENABLED

ZERO = "0x" + "00" * 20


@pytest.fixture
def three_blocks(node):
    for _ in range(3):
        node.backend.seal()
    return node


def test_the_validators_of_a_block_by_number_tag_and_hash_are_its_headers(
    three_blocks, kit
) -> None:
    rpc = three_blocks.rpc
    validator = [kit.hex(kit.VALIDATOR)]
    block_one = rpc.result("eth_getBlockByNumber", "0x1", False)["hash"]
    assert rpc.result("qbft_getValidatorsByBlockNumber", "0x0") == validator
    assert rpc.result("qbft_getValidatorsByBlockNumber", "latest") == validator
    assert rpc.result("qbft_getValidatorsByBlockNumber", "pending") == validator
    assert rpc.result("qbft_getValidatorsByBlockHash", block_one) == validator


def test_the_validators_of_an_unknown_block_are_null(three_blocks) -> None:
    rpc = three_blocks.rpc
    assert rpc.result("qbft_getValidatorsByBlockNumber", "0x4") is None
    assert rpc.result("qbft_getValidatorsByBlockHash", "0x" + "ab" * 32) is None


def test_a_block_number_that_is_not_a_string_is_an_invalid_argument(three_blocks) -> None:
    assert three_blocks.rpc.error("qbft_getValidatorsByBlockNumber", 4) == {
        "code": -32602,
        "message": "invalid argument 0: hex string without 0x prefix",
    }


def test_signer_metrics_default_to_the_blocks_below_the_head_as_besu(three_blocks, kit) -> None:
    """Blocks 0 to 2 (Besu counts up to the head, exclusive): genesis's zero coinbase once, the
    validator twice."""
    assert three_blocks.rpc.result("qbft_getSignerMetrics") == [
        {"address": ZERO, "proposedBlockCount": "0x1", "lastProposedBlockNumber": "0x0"},
        {
            "address": kit.hex(kit.VALIDATOR),
            "proposedBlockCount": "0x2",
            "lastProposedBlockNumber": "0x2",
        },
    ]


def test_signer_metrics_count_from_the_first_block_to_a_last_clamped_to_the_head(
    three_blocks, kit
) -> None:
    expected = [
        {
            "address": kit.hex(kit.VALIDATOR),
            "proposedBlockCount": "0x2",
            "lastProposedBlockNumber": "0x2",
        }
    ]
    assert three_blocks.rpc.result("qbft_getSignerMetrics", "0x1", "latest") == expected
    assert three_blocks.rpc.result("qbft_getSignerMetrics", "0x1", "0x64") == expected


def test_signer_metrics_list_validators_that_proposed_nothing_in_the_range(
    three_blocks, kit
) -> None:
    assert three_blocks.rpc.result("qbft_getSignerMetrics", "earliest", "0x1") == [
        {"address": ZERO, "proposedBlockCount": "0x1", "lastProposedBlockNumber": "0x0"},
        {
            "address": kit.hex(kit.VALIDATOR),
            "proposedBlockCount": "0x0",
            "lastProposedBlockNumber": "0x0",
        },
    ]


def test_signer_metrics_of_an_empty_range_are_invalid_params(three_blocks) -> None:
    assert three_blocks.rpc.error("qbft_getSignerMetrics", "0x2", "0x2") == {
        "code": -32602,
        "message": "Invalid params: fromBlock 2 is not below toBlock 2",
    }


@pytest.mark.parametrize(
    ("method", "arguments"),
    [
        ("qbft_proposeValidatorVote", ["0x" + "12" * 20, True]),
        ("qbft_discardValidatorVote", ["0x" + "12" * 20]),
        ("qbft_getPendingVotes", []),
    ],
)
def test_validator_votes_are_not_enabled_and_point_to_the_registry_proposals(
    node, method: str, arguments: list[object]
) -> None:
    assert node.rpc.error(method, *arguments) == {"code": -32604, "message": VOTES_NOT_ENABLED}


def test_the_votes_message_names_the_registry_and_its_proposal_functions() -> None:
    for name in (
        "0xdc10000000000000000000000000000000000001",
        "proposeNodes(code, validator, observers)",
        "proposeAddExchange(spec)",
        "proposeRemoveExchange(code)",
        "approve(id)",
        "execute(id)",
    ):
        assert name in VOTES_NOT_ENABLED
