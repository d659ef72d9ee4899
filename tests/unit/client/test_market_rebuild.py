"""Routing of decoded system-contract events to each contract family's fold."""

from __future__ import annotations

import pytest

from client.market_rebuild import MarketEvent, MarketState, apply_event, rebuild

IMPLEMENTATION = "0x" + "ab" * 20


def test_an_upgrade_records_the_new_implementation_of_that_contract() -> None:
    state = rebuild(
        [MarketEvent("TradeSettlement", "Upgraded", {"implementation": IMPLEMENTATION})]
    )
    assert state.implementations == {"TradeSettlement": IMPLEMENTATION}


def test_a_fee_schedule_event_goes_to_the_settlement_state() -> None:
    event = MarketEvent(
        "TradeSettlement",
        "FeeScheduleSet",
        {"exchange": b"SZDE", "listingFeeBps": 250, "buyerExchangeFeeBps": 100, "operator": ""},
    )
    state = rebuild([event])
    assert state.settlement.fee_schedules == {b"SZDE": (250, 100)}


def test_an_event_of_no_system_contract_is_refused() -> None:
    with pytest.raises(ValueError, match="not a system contract: Recorder"):
        apply_event(MarketState(), MarketEvent("Recorder", "Recorded", {}))


def test_an_unknown_registry_event_is_refused() -> None:
    with pytest.raises(ValueError, match="not an event of the three registries: Forged"):
        apply_event(MarketState(), MarketEvent("ParticipantRegistry", "Forged", {}))
