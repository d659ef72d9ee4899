"""Which roles may call which function of the system contracts, from the contracts' own access
checks (``contracts/*.sol``), so the gateway refuses a call no role of the caller could make
before it reaches the pool.

The table is a gate, not the contract: a call it admits can still revert (a buyer cancelling
another buyer's order passes the gate as a participant and fails on chain with ``NotParty``).
Functions only another system contract may call (``issueForOrder``, ``revokeForRefund``,
``createOrderFor``) and ``initialize`` are in no entry, so they are refused like an unknown
selector.
"""

from __future__ import annotations

from dataclasses import dataclass

from client.abi import selector
from client.artifacts import load_artifact
from client.contracts import system_address

REGULATOR_ROOT = "regulator-root"
REGULATOR = "regulator"
OPERATOR = "operator"
PARTICIPANT = "participant"
"""Any active participant (the contract checks which party it is)."""
ANYONE = "anyone"
"""Any signed-in caller: permissionless steps such as settling after the inspection period."""
SUPPLIER, BUYER, EVALUATOR = "supplier", "buyer", "evaluator"
PARTICIPANT_ROLE_BITS: dict[str, int] = {
    SUPPLIER: 1 << 0,
    BUYER: 1 << 1,
    "processor": 1 << 2,
    EVALUATOR: 1 << 3,
    "intermediary": 1 << 4,
    "consultant": 1 << 5,
}
"""``Roles`` of ``contracts/interfaces/DomainTypes.sol``."""

_OPERATOR_OR_REGULATOR = frozenset({OPERATOR, REGULATOR})
CALLER_ROLES: dict[tuple[str, str], frozenset[str]] = {
    ("ExchangeRegistry", "addRegulator"): frozenset({REGULATOR_ROOT}),
    ("ExchangeRegistry", "removeRegulator"): frozenset({REGULATOR_ROOT}),
    **{
        ("ExchangeRegistry", name): frozenset({OPERATOR})
        for name in (
            "proposeAddExchange",
            "proposeSuspendExchange",
            "proposeReinstateExchange",
            "proposeRemoveExchange",
            "proposeOperators",
            "proposeNodes",
            "proposeParameters",
            "proposeUpgrade",
            "approve",
        )
    },
    ("ExchangeRegistry", "approveUpgrade"): frozenset({REGULATOR}),
    ("ExchangeRegistry", "cancelUpgrade"): frozenset({REGULATOR}),
    ("ExchangeRegistry", "scheduleUpgrade"): frozenset({ANYONE}),
    ("ExchangeRegistry", "execute"): frozenset({ANYONE}),
    ("ExchangeRegistry", "expire"): frozenset({ANYONE}),
    ("ParticipantRegistry", "register"): frozenset({OPERATOR}),
    ("ParticipantRegistry", "changeRoles"): frozenset({OPERATOR}),
    ("ParticipantRegistry", "suspend"): _OPERATOR_OR_REGULATOR,
    ("ParticipantRegistry", "reinstate"): _OPERATOR_OR_REGULATOR,
    ("ParticipantRegistry", "revoke"): frozenset({REGULATOR}),
    ("ParticipantRegistry", "releaseCreditCode"): frozenset({REGULATOR}),
    ("DataProductRegistry", "submit"): frozenset({SUPPLIER}),
    ("DataProductRegistry", "update"): frozenset({SUPPLIER}),
    ("DataProductRegistry", "delist"): frozenset({SUPPLIER}),
    ("DataProductRegistry", "attestCompliance"): frozenset({EVALUATOR}),
    ("DataProductRegistry", "approve"): frozenset({OPERATOR}),
    ("DataProductRegistry", "reject"): frozenset({OPERATOR}),
    ("DataProductRegistry", "suspend"): _OPERATOR_OR_REGULATOR,
    ("DataProductRegistry", "reinstate"): _OPERATOR_OR_REGULATOR,
    ("DataProductRegistry", "revoke"): frozenset({REGULATOR}),
    ("DataProductRegistry", "recordNonRecognition"): frozenset({OPERATOR}),
    ("DataProductRegistry", "withdrawNonRecognition"): frozenset({OPERATOR}),
    ("AuthorizationRegistry", "issue"): frozenset({SUPPLIER}),
    ("AuthorizationRegistry", "revoke"): frozenset({SUPPLIER, REGULATOR}),
    ("AuthorizationRegistry", "recordUse"): frozenset({PARTICIPANT, OPERATOR}),
    ("TradeSettlement", "setFeeSchedule"): frozenset({OPERATOR}),
    ("TradeSettlement", "createOrder"): frozenset({BUYER}),
    ("TradeSettlement", "accept"): frozenset({SUPPLIER}),
    ("TradeSettlement", "cancel"): frozenset({PARTICIPANT}),
    ("TradeSettlement", "recordStatement"): frozenset({OPERATOR}),
    ("TradeSettlement", "pay"): frozenset({OPERATOR}),
    ("TradeSettlement", "deliver"): frozenset({SUPPLIER}),
    ("TradeSettlement", "claimNonDelivery"): frozenset({BUYER}),
    ("TradeSettlement", "recordInvoice"): frozenset({SUPPLIER}),
    ("TradeSettlement", "confirm"): frozenset({BUYER}),
    ("TradeSettlement", "finalize"): frozenset({ANYONE}),
    ("TradeSettlement", "finalizeClearing"): frozenset({ANYONE}),
    ("TradeSettlement", "raiseDispute"): frozenset({PARTICIPANT}),
    ("TradeSettlement", "proposeMediation"): frozenset({OPERATOR}),
    ("TradeSettlement", "acceptMediation"): frozenset({PARTICIPANT}),
    ("TradeSettlement", "recordAward"): frozenset({REGULATOR}),
    ("TradeSettlement", "setFrozen"): frozenset({REGULATOR}),
    ("DemandBoard", "post"): frozenset({BUYER}),
    ("DemandBoard", "offer"): frozenset({SUPPLIER}),
    ("DemandBoard", "reveal"): frozenset({SUPPLIER}),
    ("DemandBoard", "shortlist"): frozenset({BUYER}),
    ("DemandBoard", "award"): frozenset({BUYER}),
    ("DemandBoard", "withdraw"): frozenset({BUYER}),
    ("DemandBoard", "takeDown"): frozenset({REGULATOR}),
    ("ExportBasisRegistry", "registerExportBasis"): frozenset({REGULATOR}),
    ("ExportBasisRegistry", "revokeExportBasis"): frozenset({REGULATOR}),
}


@dataclass(frozen=True)
class KnownCall:
    contract: str
    function: str
    roles: frozenset[str]


def _selectors() -> dict[tuple[bytes, bytes], KnownCall]:
    table: dict[tuple[bytes, bytes], KnownCall] = {}
    contracts = {contract for contract, _ in CALLER_ROLES}
    for contract in sorted(contracts):
        proxy = bytes.fromhex(system_address(contract)[2:])
        for entry in load_artifact(contract).abi:
            key = (contract, entry.get("name", ""))
            if entry["type"] == "function" and key in CALLER_ROLES:
                table[(proxy, selector(entry))] = KnownCall(contract, key[1], CALLER_ROLES[key])
    return table


KNOWN_CALLS = _selectors()
"""(proxy address, selector) → the call and the roles that may make it."""


def known_call(to: bytes, data: bytes) -> KnownCall | None:
    return KNOWN_CALLS.get((to, data[:4])) if len(data) >= 4 else None


def is_system_proxy(to: bytes) -> bool:
    return any(proxy == to for proxy, _ in KNOWN_CALLS)
