"""Layout of the keys this node adds beside py-evm's own (see ``eth.db.schema.SchemaV1``).

py-evm stores headers and trie nodes under their 32-byte hashes and its lookups under ASCII
prefixes; ours all start with ``dcl:`` so they can never collide with either.
"""

from __future__ import annotations

SCHEMA_VERSION_KEY = b"dcl:schema-version"
SCHEMA_VERSION = b"1"
GENESIS_HASH_KEY = b"dcl:genesis-hash"
CHAIN_ID_KEY = b"dcl:chain-id"

TOTAL_DIFFICULTY_PREFIX = b"dcl:td:"

LOG_ADDRESS_PREFIX = b"dcl:log:a:"
LOG_TOPIC_PREFIX = b"dcl:log:t:"


def block_number_bytes(number: int) -> bytes:
    return number.to_bytes(8, "big")


def log_address_key(address: bytes, block_number: int) -> bytes:
    """Marks that ``block_number`` holds a log emitted by ``address``."""
    return LOG_ADDRESS_PREFIX + address + block_number_bytes(block_number)


def log_topic_key(topic: bytes, block_number: int) -> bytes:
    """Marks that ``block_number`` holds a log carrying ``topic`` at some position."""
    return LOG_TOPIC_PREFIX + topic + block_number_bytes(block_number)


def total_difficulty_key(block_hash: bytes) -> bytes:
    """The total difficulty of an imported block. py-evm's chain "score" adds the block number
    for a proof-of-stake block (difficulty 0), so after the merge it is not the total
    difficulty that clients are shown."""
    return TOTAL_DIFFICULTY_PREFIX + block_hash
