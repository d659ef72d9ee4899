"""Every JSON-RPC method is classified for participants' tokens: open, checked by its
arguments or answer, or for operators and regulators only. A new method is refused to
participants until it is placed here, so this list is the record of that decision."""

from __future__ import annotations

from node.rpc.access import CHECKED_FOR_PARTICIPANTS, OPEN_TO_PARTICIPANTS
from node.rpc.methods import all_methods

OPERATORS_AND_REGULATORS_ONLY = {
    "debug_getRawBlock",
    "debug_getRawReceipts",
    "debug_getRawTransaction",
    "eth_newPendingTransactionFilter",
    "perm_getNodesAllowlist",
    "txpool_content",
}


def test_the_methods_closed_to_participants_are_exactly_these() -> None:
    served = {method.name for method in all_methods()}
    assert served - OPEN_TO_PARTICIPANTS - CHECKED_FOR_PARTICIPANTS == OPERATORS_AND_REGULATORS_ONLY


def test_every_classified_method_is_served() -> None:
    served = {method.name for method in all_methods()}
    assert served >= OPEN_TO_PARTICIPANTS | CHECKED_FOR_PARTICIPANTS
