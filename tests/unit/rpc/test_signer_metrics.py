"""Besu's signer metrics as a pure count: blocks per proposer, the last one each proposed, and
the validators of the next block listed even when they proposed nothing."""

from __future__ import annotations

from node.rpc.methods.qbft import SignerMetric, signer_metrics

A, B, C = (bytes([n]) * 20 for n in (0xA0, 0xB0, 0xC0))


def test_each_proposer_is_counted_with_its_last_block_in_address_order() -> None:
    proposers = [(5, C), (6, A), (7, C), (8, A), (9, C)]
    assert signer_metrics(proposers, [A, C]) == [SignerMetric(A, 2, 8), SignerMetric(C, 3, 9)]


def test_a_validator_of_the_next_block_that_proposed_nothing_is_listed_with_zeros() -> None:
    assert signer_metrics([(3, A)], [A, B]) == [SignerMetric(A, 1, 3), SignerMetric(B, 0, 0)]


def test_a_proposer_that_left_the_set_is_still_counted() -> None:
    assert signer_metrics([(1, C), (2, A)], [A]) == [SignerMetric(A, 1, 2), SignerMetric(C, 1, 1)]


def test_a_metric_is_served_with_besus_field_names_and_quantities() -> None:
    assert SignerMetric(A, 10, 255).to_json() == {
        "address": "0x" + "a0" * 20,
        "proposedBlockCount": "0xa",
        "lastProposedBlockNumber": "0xff",
    }
