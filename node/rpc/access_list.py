"""eth_createAccessList: the accounts and slots a call touches, as geth's access-list tracer
records them.

geth traces SLOAD/SSTORE (every slot, whichever account) and the opcodes that touch another
account (BALANCE, EXTCODE*, CALL*, SELFDESTRUCT), leaving out the sender, the recipient and
the precompiles; it reruns the call with the list found until the list stops changing. py-evm
marks exactly those slots and accounts warm on first touch (EIP-2929), so the recorder listens
to the state's warm marks instead of tracing opcodes. The coinbase, warm from the start since
Shanghai (EIP-3651), is left out too, as geth's tracer never sees it unless touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from eth.abc import StateAPI
from eth_typing import Address, Hash32

from node.rpc.params import AccessListEntry

MAX_ROUNDS = 64
"""Each round can only add entries, so the list settles; this bounds a pathological call."""


@dataclass
class AccessRecorder:
    """Accounts and slots marked warm while a call runs, minus the excluded accounts."""

    excluded: frozenset[Address]
    slots: dict[Address, set[int]] = field(default_factory=dict)

    def add_address(self, address: Address) -> None:
        if address not in self.excluded:
            self.slots.setdefault(address, set())

    def add_slot(self, address: Address, slot: int) -> None:
        self.slots.setdefault(address, set()).add(slot)

    def entries(self) -> tuple[AccessListEntry, ...]:
        """Sorted by address, each account's slots ascending (geth's order)."""
        return tuple(
            AccessListEntry(
                address, tuple(Hash32(slot.to_bytes(32, "big")) for slot in sorted(slots))
            )
            for address, slots in sorted(self.slots.items())
        )


def recorder_for(
    entries: tuple[AccessListEntry, ...], excluded: frozenset[Address]
) -> AccessRecorder:
    """A recorder seeded with a caller's list, as geth seeds its tracer."""
    recorder = AccessRecorder(excluded)
    for entry in entries:
        recorder.add_address(entry.address)
        for key in entry.storage_keys:
            recorder.add_slot(entry.address, int.from_bytes(key, "big"))
    return recorder


@contextmanager
def recording(state: StateAPI, recorder: AccessRecorder) -> Iterator[None]:
    """Route the state's warm marks through ``recorder`` for the duration of one run."""
    target: Any = state
    mark_address, mark_slot = state.mark_address_warm, state.mark_storage_warm

    def address_warm(address: Address) -> None:
        recorder.add_address(address)
        mark_address(address)

    def slot_warm(address: Address, slot: int) -> None:
        recorder.add_slot(address, slot)
        mark_slot(address, slot)

    target.mark_address_warm, target.mark_storage_warm = address_warm, slot_warm
    try:
        yield
    finally:
        del target.mark_address_warm, target.mark_storage_warm
