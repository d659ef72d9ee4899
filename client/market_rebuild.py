"""The whole market's state rebuilt from the seven system contracts' events alone.

This is what a regulator's replay does: read every log of the seven proxies (``eth_getLogs``),
decode it with ``client.domain_events`` and fold it, in chain order, into the state of every
exchange, participant, product, recognition, grant, order, bill, fee schedule, export basis,
demand and offer, without a single contract call. The folds themselves live with each contract
family (``registry_events``, ``registries_events``, ``settlement_events``, ``demand_events``);
this module routes each
log to its fold. Only ``fetch_market_events`` does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_typing import BlockNumber
from eth_utils import to_checksum_address
from web3 import Web3
from web3.types import LogReceipt

from client import demand_events, registries_events, registry_events, settlement_events
from client.contracts import system_address
from client.domain_events import SYSTEM_CONTRACTS as MARKET_CONTRACTS
from client.domain_events import DecodedEvent, EventDecoder, raw_log

PROXY_EVENTS = ("Upgraded", "AdminChanged")


MarketEvent = DecodedEvent


@dataclass
class MarketState:
    exchanges: registry_events.RegistryState = field(default_factory=registry_events.RegistryState)
    registries: registries_events.RegistryState = field(
        default_factory=registries_events.RegistryState
    )
    settlement: settlement_events.SettlementState = field(
        default_factory=settlement_events.SettlementState
    )
    demand_pool: demand_events.DemandState = field(default_factory=demand_events.DemandState)
    implementations: dict[str, str] = field(default_factory=dict)
    """Contract name → the implementation behind its proxy, from genesis (with the genesis logs)
    or its latest upgrade."""


def apply_event(state: MarketState, event: MarketEvent) -> None:
    """Fold one event into ``state``; an unknown contract or event name is a ``ValueError``."""
    if event.name in PROXY_EVENTS:
        if event.name == "Upgraded":
            state.implementations[event.contract] = event.args["implementation"]
        return
    if event.contract == "ExchangeRegistry":
        registry_events.apply_event(state.exchanges, event.name, event.args)
    elif event.contract in ("TradeSettlement", "ExportBasisRegistry"):
        settlement_events.apply(state.settlement, event.name, event.args)
    elif event.contract == "DemandBoard":
        demand_events.apply_event(state.demand_pool, event.name, event.args)
    elif event.contract in MARKET_CONTRACTS:
        registries_events.apply_event(state.registries, event.name, event.args)
    else:
        raise ValueError(f"not a system contract: {event.contract}")


def rebuild(events: Iterable[MarketEvent]) -> MarketState:
    state = MarketState()
    for event in events:
        apply_event(state, event)
    return state


def plain(value: Any) -> Any:
    """web3.py's decoded values (AttributeDicts, tuples) as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def decode_logs(
    logs: Sequence[LogReceipt], addresses: Mapping[str, str] | None = None
) -> list[MarketEvent]:
    """Decode raw logs of the system proxies (``addresses``: name → proxy, the fixed genesis
    addresses by default), in the order given."""
    decoder = EventDecoder(addresses)
    return [decoder.decode(raw_log(log["address"], log["topics"], log["data"])) for log in logs]


def fetch_market_events(
    w3: Web3, addresses: Mapping[str, str] | None = None, to_block: BlockNumber | None = None
) -> list[MarketEvent]:
    """Every event of the seven system proxies from genesis to ``to_block`` (the latest block
    by default), decoded."""
    chosen = addresses or {name: system_address(name) for name in MARKET_CONTRACTS}
    logs = w3.eth.get_logs(
        {
            "fromBlock": 0,
            "toBlock": "latest" if to_block is None else to_block,
            "address": [to_checksum_address(a) for a in chosen.values()],
        }
    )
    return decode_logs(logs, chosen)


def rebuild_market(
    w3: Web3, addresses: Mapping[str, str] | None = None, to_block: BlockNumber | None = None
) -> MarketState:
    """The market state at ``to_block`` (the latest by default) rebuilt from events alone."""
    return rebuild(fetch_market_events(w3, addresses, to_block))
