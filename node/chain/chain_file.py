"""The chain file format of geth's ``import``/``export`` (and hive's ``chain.rlp``): RLP-encoded
blocks back to back, with no header, separator or count.

Pure codec: splitting bytes into blocks and decoding each with its fork's block class.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import rlp
from eth.abc import BlockAPI, VirtualMachineAPI
from eth_utils import big_endian_to_int
from rlp.exceptions import RLPException

_LIST_PREFIX = 0xC0
_LONG_LIST_PREFIX = 0xF7
_NUMBER, _DIFFICULTY, _TIMESTAMP = 8, 7, 11


class ChainFileError(ValueError):
    """The file is not a sequence of RLP blocks; ``offset`` is where the bad item starts."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"chain file byte {offset}: {reason}")
        self.offset = offset


class VmSelector(Protocol):
    def vm_class_at(
        self, number: int, timestamp: int, difficulty: int
    ) -> type[VirtualMachineAPI]: ...


def list_item_end(data: bytes | memoryview, offset: int) -> int:
    """Where the RLP list starting at ``offset`` ends, read from its prefix alone."""
    prefix = data[offset]
    if prefix < _LIST_PREFIX:
        raise ChainFileError(offset, "expected an RLP list (a block)")
    if prefix <= _LONG_LIST_PREFIX:
        end = offset + 1 + prefix - _LIST_PREFIX
    else:
        size_length = prefix - _LONG_LIST_PREFIX
        size_bytes = bytes(data[offset + 1 : offset + 1 + size_length])
        if len(size_bytes) < size_length:
            raise ChainFileError(offset, "truncated block length")
        end = offset + 1 + size_length + int.from_bytes(size_bytes, "big")
    if end > len(data):
        raise ChainFileError(offset, f"truncated block: {end - len(data)} bytes missing")
    return end


def split_blocks(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Each encoded block with the offset it starts at."""
    offset = 0
    while offset < len(data):
        end = list_item_end(data, offset)
        yield offset, data[offset:end]
        offset = end


def decode_block(encoded: bytes, offset: int, chain: VmSelector) -> BlockAPI:
    """One block, decoded with the block class of the fork its header falls in."""
    try:
        fields = rlp.decode(encoded)
        header = fields[0]
        vm_class = chain.vm_class_at(
            big_endian_to_int(header[_NUMBER]),
            big_endian_to_int(header[_TIMESTAMP]),
            big_endian_to_int(header[_DIFFICULTY]),
        )
        block: BlockAPI = rlp.decode(encoded, sedes=vm_class.get_block_class())
    except (RLPException, IndexError, TypeError) as error:
        raise ChainFileError(offset, f"not a block: {error or type(error).__name__}") from error
    return block


def encode_block(block: BlockAPI) -> bytes:
    return rlp.encode(block)
