"""The ExchangeRegistry's state rebuilt from its events alone, as a regulator replays it.

Pure: the input is the registry's decoded events in chain order (name and arguments, as
web3.py decodes them); no call to the chain is made. Comparing the result with the
contract's own views proves the events carry every field of the state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from client.contracts import (
    Exchange,
    ExchangeStatus,
    Parameters,
    Proposal,
    ProposalKind,
    ProposalStatus,
    decode_exchange_code,
)

ZERO_ADDRESS = "0x" + "00" * 20


@dataclass
class RegistryState:
    regulator_root: str | None = None
    regulators: set[str] = field(default_factory=set)
    parameters: Parameters | None = None
    proposal_lifetime: int = 0
    upgrade_delay: int = 0
    exchanges: dict[str, Exchange] = field(default_factory=dict)
    """By code, in order of addition (the order of ``exchangeCodes()``)."""
    validators: list[str] = field(default_factory=list)
    proposals: dict[int, Proposal] = field(default_factory=dict)
    system_proxies: tuple[str, ...] = ()
    """The other system contracts' proxies named at genesis (the registry's own proxy, the
    events' emitter, is an upgrade target in any case)."""


def _address(value: str) -> str | None:
    return None if int(value, 16) == 0 else value


def _parameters(value: Mapping[str, int]) -> Parameters:
    return Parameters(
        value["listingFeeCapBps"],
        value["buyerExchangeFeeCapBps"],
        value["inspectionPeriod"],
        value["disputeWindow"],
        value["deliveryDeadline"],
    )


def _apply_membership(state: RegistryState, name: str, args: Mapping[str, Any]) -> bool:
    if name == "ExchangeAdded":
        code = decode_exchange_code(args["code"])
        state.exchanges[code] = Exchange(
            code, args["name"], args["city"], tuple(args["operators"]),
            _address(args["validator"]), tuple(args["observers"]), ExchangeStatus.ACTIVE,
        )  # fmt: skip
    elif name == "ExchangeStatusChanged":
        code = decode_exchange_code(args["code"])
        state.exchanges[code] = replace(
            state.exchanges[code], status=ExchangeStatus(args["status"])
        )
    elif name == "OperatorsChanged":
        code = decode_exchange_code(args["code"])
        state.exchanges[code] = replace(state.exchanges[code], operators=tuple(args["operators"]))
    elif name == "NodesChanged":
        code = decode_exchange_code(args["code"])
        state.exchanges[code] = replace(
            state.exchanges[code],
            validator=_address(args["validator"]),
            observers=tuple(args["observers"]),
        )
    elif name == "ValidatorsChanged":
        state.validators = list(args["validators"])
    else:
        return False
    return True


def _apply_proposal(state: RegistryState, name: str, args: Mapping[str, Any]) -> bool:
    if name == "ProposalCreated":
        proposal_id = args["proposalId"]
        state.proposals[proposal_id] = Proposal(
            proposal_id, ProposalKind(args["kind"]), ProposalStatus.PENDING, args["deadline"], 0,
            decode_exchange_code(args["proposerExchange"]), args["proposer"], None, (),
            bytes(args["data"]),
        )  # fmt: skip
        return True
    proposal_id = args.get("proposalId")
    if proposal_id not in state.proposals:
        return False
    proposal = state.proposals[proposal_id]
    if name == "ProposalApproved":
        approvers = (*proposal.approvers, decode_exchange_code(args["exchange"]))
        proposal = replace(proposal, approvers=approvers)
    elif name == "UpgradeApprovedByRegulator":
        proposal = replace(proposal, regulator_approval=args["regulator"])
    elif name == "UpgradeScheduled":
        proposal = replace(
            proposal, status=ProposalStatus.SCHEDULED, executable_at=args["executableAt"]
        )
    elif name == "ProposalExecuted":
        proposal = replace(proposal, status=ProposalStatus.EXECUTED)
    elif name == "ProposalExpired":
        proposal = replace(proposal, status=ProposalStatus.EXPIRED)
    elif name == "UpgradeCancelled":
        proposal = replace(proposal, status=ProposalStatus.CANCELLED)
    else:
        return False
    state.proposals[proposal_id] = proposal
    return True


def _apply_regulation(state: RegistryState, name: str, args: Mapping[str, Any]) -> bool:
    if name == "RegulatorRootSet":
        state.regulator_root = args["regulatorRoot"]
    elif name == "RegulatorAdded":
        state.regulators.add(args["regulator"])
    elif name == "RegulatorRemoved":
        state.regulators.discard(args["regulator"])
    elif name == "GovernanceTimesSet":
        state.proposal_lifetime = args["proposalLifetime"]
        state.upgrade_delay = args["upgradeDelay"]
    elif name == "ParametersChanged":
        state.parameters = _parameters(args["parameters"])
    elif name == "SystemProxiesSet":
        state.system_proxies = tuple(args["proxies"])
    else:
        return False
    return True


def apply_event(state: RegistryState, name: str, args: Mapping[str, Any]) -> None:
    """Fold one event into ``state``. Events that change no state (``UpgradeExecuted``: the
    proxy's own ``Upgraded`` records the code change) are accepted and ignored."""
    for handler in (_apply_membership, _apply_proposal, _apply_regulation):
        if handler(state, name, args):
            return
    if name != "UpgradeExecuted":
        raise ValueError(f"not an ExchangeRegistry event: {name}")


def rebuild(events: Iterable[tuple[str, Mapping[str, Any]]]) -> RegistryState:
    state = RegistryState()
    for name, args in events:
        apply_event(state, name, args)
    return state
