"""How the consensus shell writes a block its round sealed: with the execution done when the
block was built or validated, whatever round the block was committed in."""

from __future__ import annotations

from collections.abc import Callable

from node.chain.extra_data import encode_extra_data
from node.chain.header import QbftBlock, commit_seal_digest
from node.chain.header_rules import decoded_extra
from node.chain.ledger import BuiltBlock, Ledger
from node.chain.seals import sign_digest
from node.consensus.sealing import with_round
from node.qbft_runner import write_sealed

Build = Callable[..., BuiltBlock]
Commit = Callable[[Ledger, BuiltBlock], QbftBlock]


def test_a_prepared_block_committed_in_a_later_round_is_written_with_that_rounds_seals(
    ledger: Ledger, build: Build, validator_key: bytes
) -> None:
    built = build(ledger, round_number=0)
    reproposed = with_round(built.block, 3)
    seal = sign_digest(validator_key, commit_seal_digest(reproposed.header))
    sealed = reproposed.copy(
        header=reproposed.header.copy(
            extra_data=encode_extra_data(decoded_extra(reproposed.header).with_seals((seal,)))
        )
    )
    written = write_sealed(ledger, sealed, built)
    assert written is not None and written.hash == built.block.hash
    assert ledger.head().qbft_extra.round == 3
    assert ledger.head().qbft_extra.seals == (seal,)


def test_a_sealed_block_that_block_sync_wrote_first_is_not_written_again(
    ledger: Ledger, build: Build, commit: Commit
) -> None:
    built = build(ledger)
    committed = commit(ledger, built)
    assert write_sealed(ledger, committed, built) is None
    assert ledger.head().hash == committed.hash
