"""Property: after any sequence of membership and node proposals, ``validators()`` is exactly
the sorted validator addresses of the Active exchanges, as a plain Python model computes them,
and every proposal the model refuses is refused with the error the model names."""

from __future__ import annotations

from dataclasses import dataclass, field

from eth_tester.exceptions import TransactionFailed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.contracts.harness import ContractChain, _revert_data, decode_revert
from tests.contracts.registry_setup import (
    ZERO,
    Registry,
    Status,
    code,
    deploy_registry,
    validator_address,
)

EXCHANGES = 4
VALIDATOR_POOL = 6


@dataclass
class Model:
    status: dict[str, int] = field(default_factory=dict)
    validator: dict[str, str] = field(default_factory=dict)
    holder: dict[str, str] = field(default_factory=dict)

    def active(self) -> list[str]:
        return [c for c, s in self.status.items() if s == Status.ACTIVE]

    def validators(self) -> list[str]:
        chosen = [self.validator[c] for c in self.active() if self.validator[c] != ZERO]
        return sorted(chosen, key=lambda a: int(a, 16))

    def deactivation_error(self, name: str, suspend: bool) -> str | None:
        status = self.status.get(name, Status.NONE)
        allowed = status == Status.ACTIVE or (not suspend and status == Status.SUSPENDED)
        if not allowed:
            return "ExchangeStatusForbids"
        if status != Status.ACTIVE:
            return None
        if len(self.active()) == 1:
            return "LastActiveExchange"
        if self.validator[name] != ZERO and len(self.validators()) == 1:
            return "NoValidatorsLeft"
        return None

    def nodes_error(self, name: str, validator: str) -> str | None:
        if self.status.get(name, Status.NONE) in (Status.NONE, Status.REMOVED):
            return "ExchangeStatusForbids"
        if validator != ZERO:
            holder = self.holder.get(validator)
            return "ValidatorTaken" if holder not in (None, name) else None
        active_validator = self.status[name] == Status.ACTIVE and self.validator[name] != ZERO
        return "NoValidatorsLeft" if active_validator and len(self.validators()) == 1 else None

    def set_nodes(self, name: str, validator: str) -> None:
        previous = self.validator[name]
        if previous != ZERO and previous != validator:
            del self.holder[previous]
        if validator != ZERO:
            self.holder[validator] = name
        self.validator[name] = validator


operations = st.lists(
    st.tuples(
        st.sampled_from(["suspend", "reinstate", "remove", "nodes"]),
        st.integers(0, EXCHANGES - 1),
        st.integers(-1, VALIDATOR_POOL - 1),
    ),
    max_size=8,
)

_chain: list[Registry] = []


def registry() -> Registry:
    if not _chain:
        _chain.append(deploy_registry(ContractChain(), exchanges=EXCHANGES, validators=3))
    return _chain[0]


def propose_call(r: Registry, kind: str, name: str, validator: str):  # type: ignore[no-untyped-def]
    f = r.registry.functions
    if kind == "suspend":
        return f.proposeSuspendExchange(code(name))
    if kind == "reinstate":
        return f.proposeReinstateExchange(code(name))
    if kind == "remove":
        return f.proposeRemoveExchange(code(name))
    return f.proposeNodes(code(name), validator, [])


def expected_error(model: Model, kind: str, name: str, validator: str) -> str | None:
    if kind == "suspend":
        return model.deactivation_error(name, suspend=True)
    if kind == "remove":
        return model.deactivation_error(name, suspend=False)
    if kind == "reinstate":
        ok = model.status.get(name) == Status.SUSPENDED
        return None if ok else "ExchangeStatusForbids"
    return model.nodes_error(name, validator)


def apply(model: Model, kind: str, name: str, validator: str) -> None:
    if kind == "nodes":
        model.set_nodes(name, validator)
    else:
        model.status[name] = {
            "suspend": Status.SUSPENDED, "reinstate": Status.ACTIVE, "remove": Status.REMOVED,
        }[kind]  # fmt: skip


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_validators_follow_the_active_exchanges(steps: list[tuple[str, int, int]]) -> None:
    r = registry()
    snapshot = r.chain.snapshot()
    try:
        model = Model()
        for i in range(EXCHANGES):
            name = f"EX{i}"
            model.status[name] = Status.ACTIVE
            model.validator[name] = validator_address(i) if i < 3 else ZERO
            if i < 3:
                model.holder[validator_address(i)] = name
        for kind, index, pool in steps:
            name = f"EX{index}"
            validator = ZERO if pool < 0 else validator_address(pool)
            proposer = r.operators[model.active()[0]]
            call = propose_call(r, kind, name, validator)
            error = expected_error(model, kind, name, validator)
            try:
                call.call({"from": proposer})
            except TransactionFailed as failure:
                assert decode_revert(_revert_data(failure)).name == error
                continue
            assert error is None
            proposal_id = r.propose(call, proposer)
            r.approve(proposal_id, *model.active())
            r.execute(proposal_id)
            apply(model, kind, name, validator)
            assert r.registry.functions.validators().call() == model.validators()
            assert r.registry.functions.activeExchangeCount().call() == len(model.active())
    finally:
        r.chain.revert_to(snapshot)
