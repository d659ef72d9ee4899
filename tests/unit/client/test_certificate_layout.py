"""Reading an order's current state out of TradeSettlement's packed storage words."""

from __future__ import annotations

from client.certificate.layout import decode_order_state, order_state_slots, validator_slots


def packed(*fields: tuple[int, int, int]) -> int:
    """A storage word from (value, byte offset from the right, size) fields."""
    return sum(value << (8 * offset) for value, offset, _ in fields)


def test_each_field_is_read_at_its_offset() -> None:
    flags = packed(
        (7, 0, 8), (2, 8, 4), (1, 12, 1), (0, 13, 1), (2, 14, 1), (0, 15, 1), (1, 16, 1), (1, 17, 1)
    )
    bill0 = packed((5, 0, 1), (2, 1, 1), (1, 2, 1), (1_250_000, 3, 16), (1, 19, 8))
    bill1 = packed((400_000, 0, 16), (1_700_000_006, 16, 8), (1_700_000_008, 24, 8))
    bill2 = packed((1_700_000_010, 0, 8), (2, 8, 1))
    assert decode_order_state((flags, bill0, bill1, bill2)).as_json() == {
        "orderStatus": "Accepted",
        "frozen": True,
        "grantRevoked": True,
        "billStatus": "Refunded",
        "dispute": "Resolved",
        "cleared": True,
        "amount": 1_250_000,
        "refund": 400_000,
        "settledAt": 1_700_000_010,
    }


def test_an_enum_value_beyond_the_known_ones_is_named_as_unknown() -> None:
    state = decode_order_state((packed((9, 14, 1)), 0, 0, 0)).as_json()
    assert (state["orderStatus"], state["billStatus"]) == ("Unknown(9)", "None")


def test_an_order_and_its_bill_occupy_four_distinct_slots() -> None:
    slots = order_state_slots(1, 0)
    assert len(set(slots)) == 4
    assert slots[1:] == (slots[1], slots[1] + 1, slots[1] + 2)
    assert order_state_slots(1, 1)[1] != slots[1]


def test_the_validator_list_is_its_length_then_consecutive_elements() -> None:
    length, first, second = validator_slots(2)
    assert second == first + 1
    assert length == 0xBC1E78E82EA392F3372AD4123614AB49A9DE09D4B63C90AC67DD818135898800
