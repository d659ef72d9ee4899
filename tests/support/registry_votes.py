"""ExchangeRegistry membership changes as the sample consortium's operators sign them: a
proposal, approvals by ceil(2n/3) Active exchanges, and its execution (DEV ONLY keys)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from web3 import Web3
from web3.contract import Contract

from client.artifacts import load_artifact
from genesis.consortium import Consortium, exchange_code, load_consortium
from genesis.dev_keys import dev_operator_key
from tests.support.node_process import SAMPLE_CONSORTIUM

GOVERNANCE_GAS = 1_000_000


@cache
def sample_consortium() -> Consortium:
    return load_consortium(SAMPLE_CONSORTIUM)


@cache
def _registry_abi() -> Contract:
    return Web3().eth.contract(abi=load_artifact("ExchangeRegistry").abi)


def registry_call(function: str, *args: Any) -> bytes:
    """The calldata of ``function(args)`` of ExchangeRegistry."""
    return bytes.fromhex(_registry_abi().encode_abi(function, args=list(args))[2:])


def quorum(active_exchanges: int) -> int:
    return -(-2 * active_exchanges // 3)


@dataclass(frozen=True)
class SignedCall:
    """A call to the registry by an operator: its key and calldata."""

    key: bytes
    data: bytes


@dataclass(frozen=True)
class Vote:
    """The three steps of one proposal, each a list of calls that may go in one block."""

    propose: SignedCall
    approvals: tuple[SignedCall, ...]
    execute: SignedCall


def vote(proposal: bytes, proposal_id: int, consortium: Consortium | None = None) -> Vote:
    """``proposal`` (calldata of a ``propose*``) proposed by the first exchange's operator,
    approved by the operators of the first ceil(2n/3) exchanges (n: all of the consortium's
    exchanges, all Active) and executed by the first exchange's operator."""
    members = (consortium or sample_consortium()).exchanges
    first = dev_operator_key(members[0].code)
    approvers = members[: quorum(len(members))]
    return Vote(
        SignedCall(first, proposal),
        tuple(
            SignedCall(dev_operator_key(e.code), registry_call("approve", proposal_id))
            for e in approvers
        ),
        SignedCall(first, registry_call("execute", proposal_id)),
    )


def propose_nodes(code: str, validator: bytes) -> bytes:
    """``proposeNodes(code, validator, [])``: the exchange's validator becomes ``validator``."""
    return registry_call(
        "proposeNodes", exchange_code(code), Web3.to_checksum_address(validator), []
    )


def propose_remove(code: str) -> bytes:
    return registry_call("proposeRemoveExchange", exchange_code(code))
