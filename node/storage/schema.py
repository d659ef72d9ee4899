"""Layout of the keys this node adds beside py-evm's own (see ``eth.db.schema.SchemaV1``).

py-evm stores headers and trie nodes under their 32-byte hashes and its lookups under ASCII
prefixes; ours all start with ``dcl:`` so they can never collide with either.
"""

from __future__ import annotations

SCHEMA_VERSION_KEY = b"dcl:schema-version"
SCHEMA_VERSION = b"2"
"""2: the log index holds each log's position and a copy of the log (1: block numbers only)."""
GENESIS_HASH_KEY = b"dcl:genesis-hash"
CHAIN_ID_KEY = b"dcl:chain-id"

TOTAL_DIFFICULTY_PREFIX = b"dcl:td:"

LOG_ADDRESS_PREFIX = b"dcl:log:a:"
LOG_TOPIC_PREFIX = b"dcl:log:t:"
LOG_RECORD_PREFIX = b"dcl:log:r:"
LOG_POSITION_BYTES = 12


def log_position(block_number: int, log_index: int) -> int:
    """A log's place in the chain as one integer: block number, then block-wide log index."""
    return block_number << 32 | log_index


def log_position_bytes(position: int) -> bytes:
    """Big-endian, so keys sort in chain order: 8 bytes of block number, 4 of log index."""
    return position.to_bytes(LOG_POSITION_BYTES, "big")


def log_address_prefix(address: bytes) -> bytes:
    return LOG_ADDRESS_PREFIX + address


def log_topic_prefix(slot: int, topic: bytes) -> bytes:
    """Topics are indexed by slot (0-3), since a filter constrains each slot separately."""
    return LOG_TOPIC_PREFIX + bytes([slot]) + topic


def log_address_key(address: bytes, position: int) -> bytes:
    """Marks that the log at ``position`` was emitted by ``address``."""
    return log_address_prefix(address) + log_position_bytes(position)


def log_topic_key(slot: int, topic: bytes, position: int) -> bytes:
    """Marks that the log at ``position`` carries ``topic`` in ``slot``."""
    return log_topic_prefix(slot, topic) + log_position_bytes(position)


def log_record_key(position: int) -> bytes:
    """The copy of the log at ``position`` that eth_getLogs answers from."""
    return LOG_RECORD_PREFIX + log_position_bytes(position)


def total_difficulty_key(block_hash: bytes) -> bytes:
    """The total difficulty of an imported block. py-evm's chain "score" adds the block number
    for a proof-of-stake block (difficulty 0), so after the merge it is not the total
    difficulty that clients are shown."""
    return TOTAL_DIFFICULTY_PREFIX + block_hash


DOMAIN_PREFIX = b"dcl:dom:"
"""The domain index (``node.storage.domain_index``): decoded system-contract events and the
product, order and grant records folded from them."""
DOMAIN_HEAD_KEY = DOMAIN_PREFIX + b"head"
"""The last block whose events are indexed; absent in a data directory older than the index."""
DOMAIN_EVENT_PREFIX = DOMAIN_PREFIX + b"e:"
DOMAIN_BY_NAME_PREFIX = DOMAIN_PREFIX + b"en:"
DOMAIN_BY_EXCHANGE_PREFIX = DOMAIN_PREFIX + b"ex:"
DOMAIN_BY_PRODUCT_PREFIX = DOMAIN_PREFIX + b"ep:"
DOMAIN_BY_PARTY_PREFIX = DOMAIN_PREFIX + b"ea:"
DOMAIN_BY_ORDER_PREFIX = DOMAIN_PREFIX + b"eo:"
DOMAIN_BY_GRANT_PREFIX = DOMAIN_PREFIX + b"eg:"
DOMAIN_INVOLVEMENT_PREFIX = DOMAIN_PREFIX + b"i:"
DOMAIN_PRODUCT_PREFIX = DOMAIN_PREFIX + b"p:"
DOMAIN_PRODUCT_BY_EXCHANGE_PREFIX = DOMAIN_PREFIX + b"px:"
DOMAIN_PRODUCT_BY_WORD_PREFIX = DOMAIN_PREFIX + b"pw:"
"""Each case-folded word of a product's current title → the product (word, NUL, id)."""
DOMAIN_ORDER_PREFIX = DOMAIN_PREFIX + b"o:"
DOMAIN_GRANT_PREFIX = DOMAIN_PREFIX + b"g:"
DOMAIN_RECORD_BY_PARTY_PREFIX = DOMAIN_PREFIX + b"rp:"
DOMAIN_RECORD_BY_EXCHANGE_PREFIX = DOMAIN_PREFIX + b"rx:"
DOMAIN_PARTICIPANT_PREFIX = DOMAIN_PREFIX + b"a:"
DOMAIN_BY_DEMAND_PREFIX = DOMAIN_PREFIX + b"ed:"
DOMAIN_DEMAND_PREFIX = DOMAIN_PREFIX + b"d:"
DOMAIN_DEMAND_BY_EXCHANGE_PREFIX = DOMAIN_PREFIX + b"dx:"
DOMAIN_DEMAND_BY_WORD_PREFIX = DOMAIN_PREFIX + b"dw:"
"""Each case-folded word of a demand's title → the demand (word, NUL, id)."""
DOMAIN_OFFER_PREFIX = DOMAIN_PREFIX + b"f:"


def domain_id(value: int) -> bytes:
    """Record ids (products, orders, grants; uint256 on chain) sort numerically."""
    return value.to_bytes(32, "big")


def domain_label(text: str) -> bytes:
    """A variable-length key part (event name, exchange code), closed so that one label is
    never a prefix of another's range."""
    return text.encode() + b"\x00"


def title_words(title: str) -> set[str]:
    """The words a title is found by: case-folded runs of letters and digits."""
    return {w for w in "".join(c if c.isalnum() else " " for c in title.casefold()).split()}


def domain_event_key(position: int) -> bytes:
    return DOMAIN_EVENT_PREFIX + log_position_bytes(position)
