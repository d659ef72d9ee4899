"""Besu's ``qbft_*`` methods on a chain whose validators come from ExchangeRegistry.

The validators of a block are those its header lists (import checked them against the
registry's list after its parent); "pending" names the set of the next block, as in Besu.
Besu's validator votes (``qbft_proposeValidatorVote`` and friends) have no place here: the
set changes only through the registry's proposals, so they answer Besu's "Method not enabled"
(-32604, as Besu does when votes are not the source of the set) with a message saying which
registry functions to use instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eth_typing import Hash32

from node.chain.chain_reader import ChainReader
from node.chain.registry_validators import EXCHANGE_REGISTRY_PROXY
from node.rpc import params
from node.rpc.errors import RpcError, invalid_params, method_not_enabled, method_not_found
from node.rpc.format import quantity
from node.rpc.params import BlockNumber, BlockTag
from node.rpc.registry import RpcContext, optional, required, rpc_method
from node.rpc.selectors import header_by_number

SIGNER_METRICS_DEFAULT_RANGE = 100
"""Besu's default: the 100 blocks before the head."""

VOTES_NOT_ENABLED = (
    "Method not enabled: validators come from ExchangeRegistry at"
    f" 0x{EXCHANGE_REGISTRY_PROXY.hex()}, not from votes. An operator of an Active exchange"
    " proposes a change with proposeNodes(code, validator, observers), proposeAddExchange(spec),"
    " proposeSuspendExchange(code), proposeReinstateExchange(code) or"
    " proposeRemoveExchange(code); operators of ceil(2n/3) Active exchanges approve(id); anyone"
    " then calls execute(id), and the new set validates from the next block"
)


def _addresses(validators: Iterable[bytes]) -> list[str]:
    return ["0x" + bytes(address).hex() for address in validators]


def _require_qbft(ledger: ChainReader, method: str) -> None:
    if not ledger.is_qbft:
        raise method_not_found(method)


def _validators_by_number(ledger: ChainReader, number: BlockNumber) -> list[str] | None:
    if number is BlockTag.PENDING:
        return _addresses(ledger.validators_after(ledger.head()))
    header = header_by_number(ledger, number)
    return None if header is None else _addresses(ledger.validators_of(header))


def _validators_by_hash(ledger: ChainReader, block_hash: Hash32) -> list[str] | None:
    header = ledger.header_by_hash(block_hash)
    return None if header is None else _addresses(ledger.validators_of(header))


@rpc_method("qbft_getValidatorsByBlockNumber", required(params.block_number))
async def get_validators_by_block_number(ctx: RpcContext, number: BlockNumber) -> list[str] | None:
    ledger = ctx.backend.ledger
    _require_qbft(ledger, "qbft_getValidatorsByBlockNumber")
    return await ctx.backend.run_query(lambda: _validators_by_number(ledger, number))


@rpc_method("qbft_getValidatorsByBlockHash", required(params.hash32))
async def get_validators_by_block_hash(ctx: RpcContext, block_hash: Hash32) -> list[str] | None:
    ledger = ctx.backend.ledger
    _require_qbft(ledger, "qbft_getValidatorsByBlockHash")
    return await ctx.backend.run_query(lambda: _validators_by_hash(ledger, block_hash))


# -- signer metrics ------------------------------------------------------------------------------


@dataclass
class SignerMetric:
    address: bytes
    proposed_block_count: int = 0
    last_proposed_block_number: int = 0

    def to_json(self) -> dict[str, str]:
        return {
            "address": "0x" + self.address.hex(),
            "proposedBlockCount": quantity(self.proposed_block_count),
            "lastProposedBlockNumber": quantity(self.last_proposed_block_number),
        }


def signer_metrics(
    proposers: Iterable[tuple[int, bytes]], validators_after_last: Sequence[bytes]
) -> list[SignerMetric]:
    """Blocks proposed per address over ``(number, proposer)`` pairs in ascending order, plus
    every validator of the block after the last one with what it proposed (possibly nothing),
    ordered by address (Besu's order is a hash map's)."""
    metrics: dict[bytes, SignerMetric] = {}
    for number, proposer in proposers:
        metric = metrics.setdefault(proposer, SignerMetric(proposer))
        metric.proposed_block_count += 1
        metric.last_proposed_block_number = number
    for validator in validators_after_last:
        metrics.setdefault(bytes(validator), SignerMetric(bytes(validator)))
    return [metrics[address] for address in sorted(metrics)]


def _block_number(ledger: ChainReader, number: BlockNumber) -> int:
    if number is BlockTag.EARLIEST:
        return 0
    if isinstance(number, BlockTag):
        return ledger.head().block_number
    return number


def _signer_metrics(
    ledger: ChainReader, from_block: BlockNumber | None, to_block: BlockNumber | None
) -> list[dict[str, str]]:
    """Besu's ``AbstractGetSignerMetricsMethod``: blocks ``from`` (inclusive) to ``to``
    (exclusive; the head at most, and by default), ``from`` defaulting to 100 below the head."""
    head = ledger.head().block_number
    first = (
        max(0, head - SIGNER_METRICS_DEFAULT_RANGE)
        if from_block is None
        else _block_number(ledger, from_block)
    )
    end = head if to_block is None else min(_block_number(ledger, to_block), head)
    if first >= end:
        raise invalid_params(f"Invalid params: fromBlock {first} is not below toBlock {end}")
    headers = [ledger.header_by_number(number) for number in range(first, end)]
    known = [header for header in headers if header is not None]
    proposers = [(header.block_number, bytes(header.coinbase)) for header in known]
    validators = ledger.validators_after(known[-1]) if known else ()
    return [metric.to_json() for metric in signer_metrics(proposers, validators)]


@rpc_method("qbft_getSignerMetrics", optional(params.block_number), optional(params.block_number))
async def get_signer_metrics(
    ctx: RpcContext, from_block: BlockNumber | None, to_block: BlockNumber | None
) -> list[dict[str, str]]:
    ledger = ctx.backend.ledger
    _require_qbft(ledger, "qbft_getSignerMetrics")
    return await ctx.backend.run_query(lambda: _signer_metrics(ledger, from_block, to_block))


# -- votes: not the source of the set here -------------------------------------------------------


def _anything(value: Any) -> Any:
    return value


def _votes_not_enabled() -> RpcError:
    return method_not_enabled(VOTES_NOT_ENABLED)


@rpc_method("qbft_proposeValidatorVote", optional(_anything), optional(_anything))
async def propose_validator_vote(ctx: RpcContext, address: Any, add: Any) -> bool:
    raise _votes_not_enabled()


@rpc_method("qbft_discardValidatorVote", optional(_anything))
async def discard_validator_vote(ctx: RpcContext, address: Any) -> bool:
    raise _votes_not_enabled()


@rpc_method("qbft_getPendingVotes")
async def get_pending_votes(ctx: RpcContext) -> dict[str, bool]:
    raise _votes_not_enabled()
