"""Where the certified facts live in contract storage, and how to read them back.

The slots follow the ERC-7201 layouts documented in ``contracts/README.md``: the
ExchangeRegistry keeps the sorted validator list as the first field of its namespace, and
TradeSettlement keeps orders and bills in mappings. Solidity packs small fields of one struct
into a 32-byte word from its low-order end, so each field is read at its byte offset from the
right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_utils import keccak

from client.contracts import SYSTEM_CONTRACT_INDEX, proxy_address

REGISTRY_ADDRESS = proxy_address(SYSTEM_CONTRACT_INDEX["ExchangeRegistry"])
SETTLEMENT_ADDRESS = proxy_address(SYSTEM_CONTRACT_INDEX["TradeSettlement"])
REGISTRY_BASE = 0xBC1E78E82EA392F3372AD4123614AB49A9DE09D4B63C90AC67DD818135898800
SETTLEMENT_BASE = 0x38678EB853C79E96B5B7E8F9D359C4F1CEFB7E4254AB726E9E4F3772EC752500
_ORDERS = SETTLEMENT_BASE + 5
_BILLS = SETTLEMENT_BASE + 6
_ORDER_FLAGS_WORD = 7
"""billedUnits, statementCount, metered, needsExportBasis, status, cancelConsents, frozen,
grantRevoked."""
_BILL_WORDS = 3
"""status, dispute, cleared, amount, units | refund, paidAt, deliveredAt | settledAt, ..."""
MAX_VALIDATORS = 64
"""The registry admits at most 64 exchanges, so no list is longer."""


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _mapping_slot(key: int, slot: int) -> int:
    return int.from_bytes(keccak(_word(key) + _word(slot)), "big")


def validator_count_slot() -> int:
    return REGISTRY_BASE


def validator_slot(index: int) -> int:
    """Element ``index`` of the dynamic array at the namespace's base slot."""
    return int.from_bytes(keccak(_word(REGISTRY_BASE)), "big") + index


def validator_slots(count: int) -> tuple[int, ...]:
    return (validator_count_slot(), *(validator_slot(i) for i in range(count)))


def order_state_slots(order_id: int, bill_no: int) -> tuple[int, ...]:
    """The order's flags word, then the bill's first three words."""
    bill = _mapping_slot(bill_no, _mapping_slot(order_id, _BILLS))
    return (
        _mapping_slot(order_id, _ORDERS) + _ORDER_FLAGS_WORD,
        *(bill + i for i in range(_BILL_WORDS)),
    )


def _field(word: int, offset: int, size: int) -> int:
    return (word >> (8 * offset)) & ((1 << (8 * size)) - 1)


ORDER_STATUS = ("None", "Created", "Accepted", "Cancelled")
BILL_STATUS = ("None", "Due", "Paid", "Delivered", "Settled", "Refunded")
DISPUTE_STATUS = ("None", "Open", "Resolved")


def _name(names: tuple[str, ...], value: int) -> str:
    return names[value] if value < len(names) else f"Unknown({value})"


@dataclass(frozen=True)
class OrderState:
    """What a later refund, dispute, freeze or cancellation changes."""

    order_status: int
    frozen: bool
    grant_revoked: bool
    bill_status: int
    dispute: int
    cleared: bool
    amount: int
    refund: int
    settled_at: int

    def as_json(self) -> dict[str, Any]:
        return {
            "orderStatus": _name(ORDER_STATUS, self.order_status),
            "frozen": self.frozen,
            "grantRevoked": self.grant_revoked,
            "billStatus": _name(BILL_STATUS, self.bill_status),
            "dispute": _name(DISPUTE_STATUS, self.dispute),
            "cleared": self.cleared,
            "amount": self.amount,
            "refund": self.refund,
            "settledAt": self.settled_at,
        }


def decode_order_state(words: tuple[int, ...]) -> OrderState:
    """Read the fields out of the four words of :func:`order_state_slots`."""
    flags, bill0, bill1, bill2 = words
    return OrderState(
        order_status=_field(flags, 14, 1),
        frozen=bool(_field(flags, 16, 1)),
        grant_revoked=bool(_field(flags, 17, 1)),
        bill_status=_field(bill0, 0, 1),
        dispute=_field(bill0, 1, 1),
        cleared=bool(_field(bill0, 2, 1)),
        amount=_field(bill0, 3, 16),
        refund=_field(bill1, 0, 16),
        settled_at=_field(bill2, 0, 8),
    )
