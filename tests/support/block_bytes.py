"""Where each part of an encoded QBFT block lies, so a test can flip one byte of one field."""

from __future__ import annotations

from dataclasses import dataclass

from rlp.codec import consume_length_prefix

from node.chain.header import QbftBlockHeader

HEADER_FIELDS: tuple[str, ...] = QbftBlockHeader._meta.field_names
EXTRA_DATA_PARTS = ("vanity", "validators", "vote", "round", "seals")


@dataclass(frozen=True)
class Span:
    prefix: int
    """Where the item's RLP prefix starts."""
    content: int
    end: int

    @property
    def last_byte(self) -> int:
        """The item's last content byte, or its prefix when it has no content."""
        return self.end - 1 if self.end > self.content else self.prefix


def list_items(data: bytes, start: int) -> list[Span]:
    """The items of the RLP list starting at ``start``."""
    _, kind, length, position = consume_length_prefix(data, start)
    assert kind is list, f"no list at {start}"
    items = []
    end = position + length
    while position < end:
        _, _, item_length, content = consume_length_prefix(data, position)
        items.append(Span(position, content, content + item_length))
        position = content + item_length
    return items


def header_field_spans(block: bytes) -> dict[str, Span]:
    header = list_items(block, 0)[0]
    return dict(zip(HEADER_FIELDS, list_items(block, header.prefix), strict=True))


def extra_data_part_spans(block: bytes) -> dict[str, Span]:
    extra = header_field_spans(block)["extra_data"]
    return dict(zip(EXTRA_DATA_PARTS, list_items(block, extra.content), strict=True))


def first_seal_span(block: bytes) -> Span:
    return list_items(block, extra_data_part_spans(block)["seals"].prefix)[0]


def transaction_spans(block: bytes) -> list[Span]:
    return list_items(block, list_items(block, 0)[1].prefix)


def flip(data: bytes, position: int) -> bytes:
    """``data`` with the lowest bit of one byte flipped."""
    return data[:position] + bytes([data[position] ^ 1]) + data[position + 1 :]
