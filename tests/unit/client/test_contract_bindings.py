"""Client bindings: fixed addresses, exchange codes, typed reads and proposal ids."""

from __future__ import annotations

import pytest

from client.contracts import (
    Exchange,
    ExchangeRegistry,
    ExchangeStatus,
    Parameters,
    Proposal,
    ProposalKind,
    ProposalStatus,
    decode_exchange_code,
    encode_exchange_code,
    implementation_address,
    proxy_address,
    system_address,
)
from client.registry_events import rebuild
from tests.contracts.harness import ContractChain
from tests.contracts.registry_setup import (
    PARAMETERS,
    PROPOSAL_LIFETIME,
    Registry,
    deploy_registry,
    validator_address,
)


@pytest.fixture(scope="module")
def r() -> Registry:
    return deploy_registry(ContractChain(), exchanges=3, validators=2)


def test_system_contract_addresses_are_fixed() -> None:
    assert proxy_address(1).hex() == "dc10000000000000000000000000000000000001"
    assert implementation_address(5).hex() == "dc11000000000000000000000000000000000005"
    assert system_address("TradeSettlement") == "0xDC10000000000000000000000000000000000005"


def test_an_exchange_code_round_trips_through_bytes32() -> None:
    encoded = encode_exchange_code("SHDE")
    assert encoded == b"SHDE" + bytes(28)
    assert decode_exchange_code(encoded) == "SHDE"


@pytest.mark.parametrize("bad", ["", "shde", "SH-DE", "X" * 33, "上海"])
def test_a_malformed_exchange_code_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="must be 1-32 upper-case letters or digits"):
        encode_exchange_code(bad)


def test_reads_are_typed(r: Registry) -> None:
    registry = ExchangeRegistry(r.chain.w3, r.registry.address)
    assert registry.exchange("EX1") == Exchange(
        "EX1", "EX1 Data Exchange", "EX1 City", (r.operators["EX1"],), validator_address(1), (),
        ExchangeStatus.ACTIVE,
    )  # fmt: skip
    assert registry.exchange("EX2").validator is None
    assert registry.exchange_codes() == ["EX0", "EX1", "EX2"]
    assert registry.parameters() == Parameters(*PARAMETERS)
    assert registry.quorum() == 2
    assert registry.validators() == sorted(
        [validator_address(0), validator_address(1)], key=lambda a: int(a, 16)
    )


def test_a_proposal_id_comes_from_the_receipt_and_reads_back_typed(r: Registry) -> None:
    registry = ExchangeRegistry(r.chain.w3, r.registry.address)
    receipt = r.chain.transact(registry.propose_suspend("EX2"), r.operators["EX0"])
    proposal_id = registry.proposal_id(receipt)
    deadline = r.chain.w3.eth.get_block(receipt["blockNumber"])["timestamp"] + PROPOSAL_LIFETIME
    r.chain.transact(registry.approve(proposal_id), r.operators["EX1"])
    assert registry.proposal(proposal_id) == Proposal(
        proposal_id, ProposalKind.SUSPEND_EXCHANGE, ProposalStatus.PENDING,
        deadline, 0, "EX0", r.operators["EX0"], None, ("EX1",), encode_exchange_code("EX2"),
    )  # fmt: skip


def test_a_receipt_without_a_proposal_is_a_value_error(r: Registry) -> None:
    registry = ExchangeRegistry(r.chain.w3, r.registry.address)
    receipt = r.chain.transact(registry.contract.functions.addRegulator(r.chain.account(9)), r.root)
    with pytest.raises(ValueError, match="no ProposalCreated event"):
        registry.proposal_id(receipt)


def test_rebuilding_from_a_foreign_event_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not an ExchangeRegistry event: Recorded"):
        rebuild([("Recorded", {"author": "0x" + "11" * 20, "key": b"", "value": 1})])
