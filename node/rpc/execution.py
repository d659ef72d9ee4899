"""eth_call and eth_estimateGas: a caller's message executed on a block's post-state.

Execution follows geth's call semantics (``internal/ethapi``, ``core/state_transition.go``,
``eth/gasestimator``): the block context is the named block's own (NUMBER is its number); the
sender defaults to the zero address and its nonce is never checked; gas defaults to the cap
(the smaller of :attr:`RpcLimits.gas_cap` and the block gas limit) and is clamped to it; with
no fee fields the price is zero, so an account without balance can call; with fees, the
sender must afford ``gas * feeCap + value`` as in a real transaction. Everything runs on a
throwaway state (``ChainReader.vm_at``) and is reverted after each run.

Gas estimation is geth's: try 21000 for a plain transfer, run once at the highest allowance,
then binary-search between the gas actually used and that allowance, stopping within 1.5%
above the lowest gas that succeeds (geth's ``estimateGasErrorRatio``).

A call or an estimate has a :class:`Deadline` (geth's ``--rpc.evmtimeout``): the EVM checks it
each time it charges gas, so a loop stops within one opcode of it, and an estimate's runs all
share one deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

from eth._utils.address import generate_contract_address
from eth.abc import ComputationAPI, SignedTransactionAPI, StateAPI, VirtualMachineAPI
from eth.constants import CREATE_CONTRACT_ADDRESS, GAS_TX, ZERO_ADDRESS
from eth.exceptions import (
    ContractCreationCollision,
    FullStack,
    InsufficientStack,
    InvalidInstruction,
    InvalidJumpDestination,
    OutOfBoundsRead,
    OutOfGas,
    Revert,
    StackDepthLimit,
    VMError,
    WriteProtection,
)
from eth.vm.forks.frontier import FrontierVM
from eth.vm.forks.prague import PragueVM
from eth.vm.forks.prague.computation import PragueComputation
from eth.vm.forks.prague.constants import STANDARD_TOKEN_COST, TOTAL_COST_FLOOR_PER_TOKEN
from eth.vm.forks.prague.transactions import Authorization as EvmAuthorization
from eth.vm.forks.shanghai.constants import MAX_INITCODE_SIZE
from eth.vm.spoof import SpoofTransaction
from eth_typing import Address
from eth_utils import ValidationError, to_checksum_address

from node.rpc.access_list import MAX_ROUNDS, recorder_for, recording
from node.rpc.errors import RpcError, execution_reverted, server_error
from node.rpc.format import ACCESS_LIST_TX, DYNAMIC_FEE_TX, LEGACY_TX, SET_CODE_TX
from node.rpc.params import AccessListEntry, AccountOverride, CallArgs

CALL_STIPEND: Final = 2300
ESTIMATE_ERROR_RATIO: Final = 0.015
NONCE_MAX: Final = 2**64 - 1

_VM_ERROR_TEXTS: Final[tuple[tuple[type[VMError], str], ...]] = (
    (OutOfGas, "out of gas"),
    (InsufficientStack, "stack underflow"),
    (FullStack, "stack limit reached 1024"),
    (InvalidJumpDestination, "invalid jump destination"),
    (InvalidInstruction, "invalid opcode"),
    (StackDepthLimit, "max call depth exceeded"),
    (ContractCreationCollision, "contract address collision"),
    (WriteProtection, "write protection"),
    (OutOfBoundsRead, "return data out of bounds"),
)


class CallRejected(Exception):
    """The message cannot start (one of geth's pre-execution checks failed).

    ``gas_too_low`` marks the failures a larger gas limit cures (intrinsic gas, EIP-7623 data
    floor), which gas estimation treats as "try more gas" rather than as an answer.
    """

    def __init__(self, message: str, *, gas_too_low: bool = False) -> None:
        super().__init__(message)
        self.gas_too_low = gas_too_low


class CallTimeout(Exception):
    """The deadline passed while the EVM ran. Not a ``VMError``, which py-evm would record as
    the failure of the innermost frame: this one unwinds every frame and the whole call."""

    def __init__(self, timeout: float) -> None:
        super().__init__(f"execution aborted (timeout = {go_duration(timeout)})")


@dataclass(frozen=True)
class Deadline:
    """When execution must stop, and the timeout it was set from, which geth's error names."""

    timeout: float
    at: float
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def after(cls, timeout: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(timeout, clock() + timeout, clock)


def deadline_computation(
    deadline: Deadline, base: type[ComputationAPI] = PragueComputation
) -> type[ComputationAPI]:
    """The fork's computation ``base``, checking ``deadline`` whenever gas is charged: every
    opcode is charged before it runs, so even a tight loop stops within one opcode of the
    deadline."""
    clock, at = deadline.clock, deadline.at

    def consume_gas(self: Any, amount: int, reason: str) -> None:
        if clock() > at:
            raise CallTimeout(deadline.timeout)
        self._gas_meter.consume_gas(amount, reason)  # py-evm's body, one call fewer

    return type("DeadlineComputation", (base,), {"consume_gas": consume_gas})


def go_duration(seconds: float) -> str:
    """Go's ``time.Duration.String()`` (``5s``, ``500ms``, ``1m30s``), as geth prints timeouts."""
    nanos = round(seconds * 1e9)
    if nanos == 0:
        return "0s"
    for unit, suffix in ((1_000, "ns"), (1_000_000, "µs"), (1_000_000_000, "ms")):
        if nanos < unit:
            return _decimal(nanos, unit // 1000) + suffix
    minutes, rest = divmod(nanos, 60 * 10**9)
    hours, minutes = divmod(minutes, 60)
    text = _decimal(rest, 10**9) + "s"
    if hours:
        return f"{hours}h{minutes}m{text}"
    return f"{minutes}m{text}" if minutes else text


def _decimal(value: int, unit: int) -> str:
    """``value / unit`` written without trailing zeros, as Go writes a duration's fraction."""
    whole, fraction = divmod(value, unit)
    digits = str(fraction).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}" if digits else str(whole)


@dataclass(frozen=True)
class CallOutcome:
    output: bytes
    """Return data, or the revert data when the call reverted."""
    error: VMError | None
    """Why the call failed; None when it succeeded."""
    gas_used: int
    """Gas after refunds (what a receipt would show)."""
    peak_gas_used: int
    """Gas before refunds (geth's ``MaxUsedGas``)."""

    @property
    def success(self) -> bool:
        return self.error is None

    @property
    def reverted(self) -> bool:
        return isinstance(self.error, Revert)


def vm_error_text(error: VMError) -> str:
    """geth's sentinel text for an EVM failure other than a revert."""
    for error_class, text in _VM_ERROR_TEXTS:
        if isinstance(error, error_class):
            return text
    return str(error) or type(error).__name__


def call_conflicts(args: CallArgs, chain_id: int) -> str | None:
    """geth's refusals of a call object before any execution (its ``CallDefaults``)."""
    if args.gas_price is not None and (
        args.max_fee_per_gas is not None or args.max_priority_fee_per_gas is not None
    ):
        return "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified"
    if args.chain_id is not None and args.chain_id != chain_id:
        return f"chainId does not match node's (have={args.chain_id}, want={chain_id})"
    if args.data is not None and args.input is not None and args.data != args.input:
        return (
            'both "data" and "input" are set and not equal. Please use "input" to pass'
            " transaction call data"
        )
    if args.tx_type not in (None, LEGACY_TX, ACCESS_LIST_TX, DYNAMIC_FEE_TX, SET_CODE_TX):
        return "transaction type not supported"
    return None


def apply_overrides(state: StateAPI, overrides: Mapping[Address, AccountOverride]) -> None:
    """geth's state overrides: pretend balances, nonces, code and storage for one call."""
    for account, override in sorted(overrides.items()):
        if override.state is not None and override.state_diff is not None:
            raise server_error(
                f"account {to_checksum_address(account)} has both 'state' and 'stateDiff'"
            )
        if override.nonce is not None:
            state.set_nonce(account, override.nonce)
        if override.code is not None:
            state.set_code(account, override.code)
        if override.balance is not None:
            state.set_balance(account, override.balance)
        if override.state is not None:
            state.delete_storage(account)
        for slot, value in {**(override.state or {}), **(override.state_diff or {})}.items():
            state.set_storage(account, slot, value)


class CallRunner:
    """Runs one call object at different gas limits on the same post-state, all before one
    deadline."""

    def __init__(
        self, vm: VirtualMachineAPI, args: CallArgs, chain_id: int, deadline: Deadline
    ) -> None:
        self._vm = cast(FrontierVM, vm)  # every fork's VM derives from Frontier's
        self._state = vm.state
        self._state.computation_class = deadline_computation(
            deadline, self._state.computation_class
        )
        self._builder = vm.get_transaction_builder()
        self._has_data_floor = isinstance(vm, PragueVM)
        self._args = args
        self._chain_id = chain_id
        self.sender = args.sender if args.sender is not None else ZERO_ADDRESS
        self.to = args.to if args.to is not None else CREATE_CONTRACT_ADDRESS
        self.data = args.input if args.input is not None else (args.data or b"")
        self.value = args.value or 0
        if args.gas_price is not None:
            self.fee_cap = self.tip = args.gas_price
        else:
            self.fee_cap = args.max_fee_per_gas or 0
            self.tip = args.max_priority_fee_per_gas or 0

    @property
    def state(self) -> StateAPI:
        return self._state

    @property
    def access_list(self) -> tuple[AccessListEntry, ...]:
        return self._args.access_list or ()

    def untraced_accounts(self) -> frozenset[Address]:
        """What geth's access-list tracer leaves out: sender, recipient (or the address a
        creation deploys to), precompiles, and the coinbase warm since Shanghai."""
        recipient = self.to
        if recipient == CREATE_CONTRACT_ADDRESS:
            recipient = generate_contract_address(self.sender, self._state.get_nonce(self.sender))
        precompiles = getattr(self._state.computation_class, "_precompiles", None) or {}
        return frozenset({self.sender, recipient, self._state.coinbase, *precompiles})

    def is_plain_transfer(self) -> bool:
        if self.data or self.to == CREATE_CONTRACT_ADDRESS:
            return False
        return not self._state.get_code(self.to)

    def run(self, gas: int, access_list: tuple[AccessListEntry, ...] | None = None) -> CallOutcome:
        """Execute with ``gas`` and roll the state back; :class:`CallRejected` if it cannot
        start, :class:`CallTimeout` if the deadline passes.

        py-evm refuses some messages with a ``ValidationError``, or a ``VMError`` raised
        before any frame runs, where geth has no check of its own: those are refusals too.
        """
        self._check_message()
        snapshot = self._state.snapshot()
        try:
            transaction = self._transaction(gas, access_list)
            self._check(transaction, gas)
            computation = self._state.apply_transaction(transaction)
            return self._outcome(transaction, computation, gas)
        except (ValidationError, VMError) as refused:
            raise CallRejected(str(refused)) from None
        finally:
            self._state.revert(snapshot)

    def _check_message(self) -> None:
        """geth's checks that no gas limit can cure, in its order, with its texts."""
        address = to_checksum_address(self.sender)
        nonce = self._state.get_nonce(self.sender)
        if nonce >= NONCE_MAX:
            raise CallRejected(f"nonce has max value: address {address}, nonce: {nonce}")
        if (self.fee_cap or self.tip) and self.tip > self.fee_cap:
            raise CallRejected(
                "max priority fee per gas higher than max fee per gas: address"
                f" {address}, maxPriorityFeePerGas: {self.tip}, maxFeePerGas: {self.fee_cap}"
            )
        if self._kind(self._args.access_list is not None) == SET_CODE_TX:
            if self.to == CREATE_CONTRACT_ADDRESS:
                raise CallRejected(
                    f"EIP-7702 transaction cannot be used to create contract (sender {address})"
                )
            if not self._args.authorization_list:
                raise CallRejected(f"EIP-7702 transaction with empty auth list (sender {address})")

    def _check(self, transaction: SignedTransactionAPI, gas: int) -> None:
        """geth's checks of the gas limit and what it costs, then of the init code size."""
        address = to_checksum_address(self.sender)
        have = self._state.get_balance(self.sender)
        want = gas * self.fee_cap + self.value
        if have < want:
            raise CallRejected(
                f"insufficient funds for gas * price + value: address {address}"
                f" have {have} want {want}"
            )
        intrinsic = transaction.intrinsic_gas
        if gas < intrinsic:
            raise CallRejected(
                f"intrinsic gas too low: have {gas}, want {intrinsic}", gas_too_low=True
            )
        floor = self._data_floor()
        if gas < floor:
            raise CallRejected(
                f"insufficient gas for floor data gas cost: have {gas}, want {floor}",
                gas_too_low=True,
            )
        if self.to == CREATE_CONTRACT_ADDRESS and len(self.data) > MAX_INITCODE_SIZE:
            raise CallRejected(
                f"max initcode size exceeded: code size {len(self.data)} limit {MAX_INITCODE_SIZE}"
            )

    def _outcome(
        self, transaction: SignedTransactionAPI, computation: ComputationAPI, gas: int
    ) -> CallOutcome:
        used = self._vm.finalize_gas_used(transaction, computation)
        peak = max(gas - computation.get_gas_remaining(), self._data_floor())
        if computation.is_success:
            return CallOutcome(computation.output, None, used, peak)
        error = computation.error
        output = computation.output if isinstance(error, Revert) else b""
        return CallOutcome(output, error, used, peak)

    def _data_floor(self) -> int:
        """EIP-7623's floor, from Prague on."""
        return data_floor_gas(self.data) if self._has_data_floor else 0

    def _transaction(
        self, gas: int, access_list_override: tuple[AccessListEntry, ...] | None
    ) -> SignedTransactionAPI:
        args = self._args
        builder: Any = self._builder
        nonce = self._state.get_nonce(self.sender)
        entries = args.access_list if access_list_override is None else access_list_override
        access_list = tuple(
            (entry.address, tuple(int.from_bytes(key, "big") for key in entry.storage_keys))
            for entry in entries or ()
        )
        price = min(self.tip, self.fee_cap)  # equal unless fee fields were given
        common: dict[str, Any] = {
            "nonce": nonce,
            "gas": gas,
            "to": self.to,
            "value": self.value,
            "data": self.data,
        }
        kind = self._kind(entries is not None)
        if kind == LEGACY_TX:
            unsigned = builder.create_unsigned_transaction(gas_price=price, **common)
        elif kind == ACCESS_LIST_TX:
            unsigned = builder.new_unsigned_access_list_transaction(
                chain_id=self._chain_id, gas_price=price, access_list=access_list, **common
            )
        else:
            dynamic = {
                "chain_id": self._chain_id,
                "max_priority_fee_per_gas": self.tip,
                "max_fee_per_gas": self.fee_cap,
                "access_list": access_list,
                **common,
            }
            if kind == DYNAMIC_FEE_TX:
                unsigned = builder.new_unsigned_dynamic_fee_transaction(**dynamic)
            else:
                unsigned = builder.new_unsigned_set_code_transaction(
                    authorization_list=[
                        EvmAuthorization(a.chain_id, a.address, a.nonce, a.y_parity, a.r, a.s)
                        for a in args.authorization_list or ()
                    ],
                    **dynamic,
                )
        return cast(SignedTransactionAPI, SpoofTransaction(unsigned, from_=self.sender))

    def _kind(self, with_access_list: bool) -> int:
        """The envelope: the caller's ``type``, else inferred from the fields as geth does
        (legacy before London, where there is no other)."""
        args = self._args
        if args.tx_type is not None:
            return args.tx_type
        if not hasattr(self._builder, "new_unsigned_dynamic_fee_transaction"):
            return LEGACY_TX
        if args.authorization_list is not None:
            return SET_CODE_TX
        if args.max_fee_per_gas is not None or args.max_priority_fee_per_gas is not None:
            return DYNAMIC_FEE_TX
        if args.gas_price is not None:
            return ACCESS_LIST_TX if with_access_list else LEGACY_TX
        return DYNAMIC_FEE_TX


def data_floor_gas(data: bytes) -> int:
    """EIP-7623's minimum gas for a transaction carrying ``data``."""
    zeros = data.count(0)
    tokens = zeros + (len(data) - zeros) * STANDARD_TOKEN_COST
    return GAS_TX + TOTAL_COST_FLOOR_PER_TOKEN * tokens


def call(runner: CallRunner, gas: int) -> bytes:
    """eth_call: the return data, or geth's error for a revert, a failure, a refusal or a
    timeout."""
    try:
        outcome = runner.run(gas)
    except CallRejected as rejected:
        raise server_error(f"err: {rejected} (supplied gas {gas})") from None
    except CallTimeout as timeout:
        raise server_error(str(timeout)) from None
    if outcome.error is None:
        return outcome.output
    if outcome.reverted:
        raise execution_reverted(outcome.output)
    raise server_error(vm_error_text(outcome.error))


def estimate_gas(runner: CallRunner, block_gas_limit: int, requested: int | None, cap: int) -> int:
    """eth_estimateGas: the lowest gas (within 1.5%) at which the call succeeds."""
    try:
        return _search_gas(runner, block_gas_limit, requested, cap)
    except CallTimeout as timeout:
        raise server_error(str(timeout)) from None


def _search_gas(runner: CallRunner, block_gas_limit: int, requested: int | None, cap: int) -> int:
    highest = requested if requested is not None and requested >= GAS_TX else block_gas_limit
    highest = min(_affordable_gas(runner, highest), cap)
    if runner.is_plain_transfer() and _transfer_succeeds(runner):
        return GAS_TX
    outcome = _attempt(runner, highest)
    if outcome is None or not outcome.success:
        raise _estimate_failure(outcome, highest)
    lowest = outcome.gas_used - 1
    optimistic = (outcome.peak_gas_used + CALL_STIPEND) * 64 // 63
    if optimistic < highest:
        trial = _attempt(runner, optimistic)
        if trial is not None and trial.success:
            highest = optimistic
        else:
            lowest = optimistic
    while lowest + 1 < highest:
        if (highest - lowest) / highest < ESTIMATE_ERROR_RATIO:
            break
        middle = min(lowest + (highest - lowest) // 2, lowest * 2)
        trial = _attempt(runner, middle)
        if trial is not None and trial.success:
            highest = middle
        else:
            lowest = middle
    return highest


def _transfer_succeeds(runner: CallRunner) -> bool:
    """geth's shortcut for a plain transfer; a refusal is not the answer yet, since geth
    reports the refusal of the run at the highest allowance."""
    try:
        return runner.run(GAS_TX).success
    except CallRejected:
        return False


def _attempt(runner: CallRunner, gas: int) -> CallOutcome | None:
    """One run; None when the gas was too low to start, geth's error for any other refusal."""
    try:
        return runner.run(gas)
    except CallRejected as rejected:
        if rejected.gas_too_low:
            return None
        raise server_error(f"failed with {gas} gas: {rejected}") from None


def _affordable_gas(runner: CallRunner, highest: int) -> int:
    """With a fee cap, no more gas than the sender's balance (less the value) pays for."""
    if runner.fee_cap == 0:
        return highest
    balance = runner.state.get_balance(runner.sender)
    if runner.value >= balance:
        raise server_error("insufficient funds for transfer")
    return min(highest, (balance - runner.value) // runner.fee_cap)


def _estimate_failure(outcome: CallOutcome | None, highest: int) -> RpcError:
    """A revert or an EVM error is the answer; running out of gas means the cap is too low."""
    error = None if outcome is None else outcome.error
    if outcome is not None and outcome.reverted:
        return execution_reverted(outcome.output)
    if error is not None and not isinstance(error, OutOfGas):
        return server_error(vm_error_text(error))
    return server_error(f"gas required exceeds allowance ({highest})")


def create_access_list(
    runner: CallRunner, gas: int
) -> tuple[tuple[AccessListEntry, ...], CallOutcome]:
    """geth's eth_createAccessList loop: rerun with the list found until it stops growing; the
    answer is that list and the outcome of the run that used it."""
    excluded = runner.untraced_accounts()
    previous = recorder_for(runner.access_list, excluded)
    for _ in range(MAX_ROUNDS):
        entries = previous.entries()
        recorder = recorder_for(entries, excluded)
        try:
            with recording(runner.state, recorder):
                outcome = runner.run(gas, entries)
        except CallRejected as rejected:
            raise server_error(f"failed to apply transaction: err: {rejected}") from None
        except CallTimeout as timeout:
            raise server_error(str(timeout)) from None
        if recorder.slots == previous.slots:
            return entries, outcome
        previous = recorder
    raise server_error(f"access list did not settle in {MAX_ROUNDS} runs")
