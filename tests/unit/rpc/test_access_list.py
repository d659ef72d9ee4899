"""The access-list recorder behind eth_createAccessList: what geth's tracer keeps, in its
order."""

from __future__ import annotations

from eth_typing import Address, Hash32

from node.rpc.access_list import recorder_for
from node.rpc.params import AccessListEntry

SENDER = Address(b"\x01" * 20)
CONTRACT = Address(b"\x02" * 20)
OTHER = Address(b"\x03" * 20)


def key(value: int) -> Hash32:
    return Hash32(value.to_bytes(32, "big"))


def test_an_excluded_account_is_listed_only_for_the_slots_it_touched() -> None:
    recorder = recorder_for((), frozenset({SENDER, CONTRACT}))
    recorder.add_address(SENDER)
    recorder.add_address(CONTRACT)
    recorder.add_slot(CONTRACT, 5)
    assert recorder.entries() == (AccessListEntry(CONTRACT, (key(5),)),)


def test_an_account_touched_without_slots_is_listed_with_none() -> None:
    recorder = recorder_for((), frozenset())
    recorder.add_address(OTHER)
    assert recorder.entries() == (AccessListEntry(OTHER, ()),)


def test_entries_are_sorted_by_address_and_slots_ascending() -> None:
    recorder = recorder_for((), frozenset())
    recorder.add_slot(OTHER, 9)
    recorder.add_slot(CONTRACT, 7)
    recorder.add_slot(CONTRACT, 1)
    assert recorder.entries() == (
        AccessListEntry(CONTRACT, (key(1), key(7))),
        AccessListEntry(OTHER, (key(9),)),
    )


def test_a_callers_list_seeds_the_recorder_but_excluded_accounts_need_slots() -> None:
    given = (AccessListEntry(SENDER, ()), AccessListEntry(OTHER, (key(3),)))
    recorder = recorder_for(given, frozenset({SENDER}))
    assert recorder.entries() == (AccessListEntry(OTHER, (key(3),)),)
