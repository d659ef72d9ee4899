"""Every log of the system contracts decodes as web3.py decodes it, and each event names the
exchanges and parties it concerns, learnt from the events before it."""

from __future__ import annotations

from typing import Any

import pytest
from web3 import Web3

from client.artifacts import load_artifact
from client.domain_events import (
    DecodedEvent,
    EventDecoder,
    Involvement,
    RawLog,
    UnknownEventError,
    raw_log,
    to_json,
)
from client.market_rebuild import plain
from tests.contracts.market import Market


def system_addresses(market: Market) -> dict[str, str]:
    return {name: contract.address for name, contract in market.system.contracts.items()}


def all_logs(market: Market) -> list[Any]:
    return market.chain.w3.eth.get_logs(
        {"fromBlock": 0, "toBlock": "latest", "address": list(system_addresses(market).values())}
    )


def web3_decoding(market: Market, log: Any) -> tuple[str, dict[str, Any]]:
    w3 = Web3()
    for name, address in system_addresses(market).items():
        if address != log["address"]:
            continue
        for abi_name in (name, "UpgradeProxy"):
            contract = w3.eth.contract(address=address, abi=load_artifact(abi_name).abi)
            for entry in contract.abi:
                if entry["type"] != "event":
                    continue
                event = getattr(contract.events, entry["name"])()
                if bytes.fromhex(event.topic[2:]) == bytes(log["topics"][0]):
                    decoded = event.process_log(log)
                    return decoded["event"], plain(decoded["args"])
    raise AssertionError("web3.py decodes no event from this log")


def settle_a_trade(market: Market) -> int:
    order_id = market.settled()
    market.chain.transact(
        market.settlement.functions.setFrozen(order_id, True, b"\x01" * 32), market.regulator
    )
    return order_id


def test_every_system_log_decodes_as_web3_decodes_it(market: Market) -> None:
    settle_a_trade(market)
    decoder = EventDecoder(system_addresses(market))
    logs = all_logs(market)
    assert len(logs) > 20
    for log in logs:
        decoded = decoder.decode(raw_log(log["address"], log["topics"], log["data"]))
        assert (decoded.name, decoded.args) == web3_decoding(market, log)


def test_an_order_event_concerns_both_exchanges_and_both_parties(market: Market) -> None:
    order_id = settle_a_trade(market)
    decoder = EventDecoder(system_addresses(market))
    involvement = Involvement()
    concerns = {}
    for log in all_logs(market):
        event = decoder.decode(raw_log(log["address"], log["topics"], log["data"]))
        found = involvement.concerns(event)
        if event.args.get("orderId") == order_id:
            concerns[event.name] = found
    frozen = concerns["FreezeChanged"]
    assert frozen.exchanges == ("SHDE", "SZDE")
    assert frozen.parties == tuple(sorted((market.buyer, market.seller)))
    assert frozen.public is False
    assert concerns["TradeSettled"] == frozen


def test_a_grant_issued_at_settlement_concerns_the_order_and_the_listing_exchange(
    market: Market,
) -> None:
    settle_a_trade(market)
    decoder = EventDecoder(system_addresses(market))
    involvement = Involvement()
    grants = []
    for log in all_logs(market):
        event = decoder.decode(raw_log(log["address"], log["topics"], log["data"]))
        found = involvement.concerns(event)
        if event.name == "GrantIssued":
            grants.append(found)
    assert grants[-1].exchanges == ("SHDE", "SZDE")
    assert grants[-1].parties == tuple(sorted((market.buyer, market.seller)))


def test_a_listing_is_public_and_concerns_its_supplier_and_listing_exchange(market: Market) -> None:
    decoder = EventDecoder(system_addresses(market))
    involvement = Involvement()
    submitted = [
        involvement.concerns(event)
        for event in (
            decoder.decode(raw_log(log["address"], log["topics"], log["data"]))
            for log in all_logs(market)
        )
        if event.name == "ProductSubmitted"
    ]
    assert submitted[0].exchanges == ("SZDE",)
    assert submitted[0].parties == (market.seller,)
    assert submitted[0].public is True


def test_a_proposal_outcome_concerns_the_proposing_exchange() -> None:
    involvement = Involvement()
    code = b"SZDE".ljust(32, b"\0")
    involvement.concerns(
        DecodedEvent(
            "ExchangeRegistry",
            "ProposalCreated",
            {"proposalId": 7, "kind": 0, "proposerExchange": code},
        )
    )
    executed = involvement.concerns(
        DecodedEvent("ExchangeRegistry", "ProposalExecuted", {"proposalId": 7, "kind": 0})
    )
    assert executed.exchanges == ("SZDE",)
    assert executed.public is True


def test_an_upgrade_of_a_private_contract_is_public() -> None:
    upgraded = Involvement().concerns(
        DecodedEvent("TradeSettlement", "Upgraded", {"implementation": "0x" + "11" * 20})
    )
    assert (upgraded.exchanges, upgraded.parties, upgraded.public) == ((), (), True)


def test_a_log_from_an_unknown_address_is_refused() -> None:
    decoder = EventDecoder()
    with pytest.raises(UnknownEventError, match="matches no system contract event"):
        decoder.decode(RawLog(b"\x22" * 20, (b"\x00" * 32,), b""))


def test_an_anonymous_log_is_refused() -> None:
    with pytest.raises(UnknownEventError, match="anonymous log"):
        EventDecoder().decode(RawLog(b"\x22" * 20, (), b""))


def test_json_form_writes_bytes_as_hex_and_large_integers_as_strings() -> None:
    assert to_json({"a": [b"\x01\xff", 2**60, 5, True]}) == {
        "a": ["0x01ff", "1152921504606846976", 5, True]
    }


def test_event_inputs_name_each_field_with_its_abi_type() -> None:
    inputs = EventDecoder().event_inputs("AuthorizationRegistry", "UseRecorded")
    assert [(i["name"], i["type"], i["indexed"]) for i in inputs] == [
        ("grantId", "uint256", True),
        ("count", "uint64", False),
        ("uses", "uint64", False),
        ("evidenceHash", "bytes32", False),
        ("recordedBy", "address", False),
    ]


def test_event_inputs_include_the_proxy_events_of_each_contract() -> None:
    inputs = EventDecoder().event_inputs("TradeSettlement", "Upgraded")
    assert [(i["name"], i["type"]) for i in inputs] == [("implementation", "address")]


def test_event_inputs_of_an_unknown_event_are_refused() -> None:
    with pytest.raises(UnknownEventError, match="TradeSettlement emits no event Nothing"):
        EventDecoder().event_inputs("TradeSettlement", "Nothing")
