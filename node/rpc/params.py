"""Strict decoding of JSON-RPC parameters, refusing what geth refuses with geth's words.

geth decodes parameters with Go's ``encoding/json`` and its ``hexutil`` types, so its errors read
``json: cannot unmarshal hex number with leading zero digits into Go value of type
hexutil.Uint64`` at the top level and ``... into Go struct field TransactionArgs.gas of type
hexutil.Uint64`` inside an object. The decoders here reproduce those rules (0x prefix, no
leading zeros in quantities, even-length data, exact lengths for addresses and hashes) and
those texts; the dispatcher prefixes ``invalid argument N: `` as geth does.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from eth_typing import Address, Hash32

T = TypeVar("T")

_HEX_DIGITS: Final = frozenset("0123456789abcdefABCDEF")
_MAX_INT64: Final = 2**63 - 1
MAX_TOPICS: Final = 4
MAX_SUB_TOPICS: Final = 1000


class ParamError(ValueError):
    """A parameter geth would refuse; ``str()`` is geth's text for it."""


class _HexError(Exception):
    """One of hexutil's decoding errors, before Go's json wraps it with a type."""


@dataclass(frozen=True)
class Field:
    """Where a value sits inside a Go struct, for geth's ``Go struct field S.path`` wording."""

    struct: str
    path: str


_ARGS: Final = "TransactionArgs"


def _type_error(what: str, go_type: str, field: Field | None) -> ParamError:
    if field is None:
        return ParamError(f"json: cannot unmarshal {what} into Go value of type {go_type}")
    return ParamError(
        f"json: cannot unmarshal {what} into Go struct field {field.struct}.{field.path}"
        f" of type {go_type}"
    )


def _optional(
    raw: Mapping[str, Any], key: str, decode: Callable[[Any, Field], T], struct: str = _ARGS
) -> T | None:
    """The decoded ``raw[key]``, None when absent or null (a Go pointer field left nil)."""
    value = raw.get(key)
    return None if value is None else decode(value, Field(struct, key))


def _json_kind(value: Any) -> str:
    """Go's name for a JSON value's kind in an ``UnmarshalTypeError``."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _is_hex(digits: str) -> bool:
    return all(character in _HEX_DIGITS for character in digits)


def _strip_prefix(text: str) -> str | None:
    return text[2:] if text[:2] in ("0x", "0X") else None


# -- hexutil's text rules ---------------------------------------------------------------------


def _json_number_text(text: str, max_digits: int, range_error: str) -> int:
    """hexutil's JSON quantities (Uint64, Uint, Big, U256): an empty string is zero."""
    if text == "":
        return 0
    digits = _strip_prefix(text)
    if digits is None:
        raise _HexError("hex string without 0x prefix")
    if digits == "":
        raise _HexError('hex string "0x"')
    if len(digits) > 1 and digits[0] == "0":
        raise _HexError("hex number with leading zero digits")
    if len(digits) > max_digits:
        raise _HexError(range_error)
    if not _is_hex(digits):
        raise _HexError("invalid hex string")
    return int(digits, 16)


def _decode_uint64_text(text: str) -> int:
    """hexutil.DecodeUint64, used for block numbers: an empty string is an error."""
    if text == "":
        raise _HexError("empty hex string")
    digits = _strip_prefix(text)
    if digits is None:
        raise _HexError("hex string without 0x prefix")
    if digits == "":
        raise _HexError('hex string "0x"')
    if len(digits) > 1 and digits[0] == "0":
        raise _HexError("hex number with leading zero digits")
    if not _is_hex(digits):
        raise _HexError("invalid hex string")
    if len(digits) > 16:
        raise _HexError("hex number > 64 bits")
    return int(digits, 16)


def _bytes_text(text: str) -> bytes:
    """hexutil.Bytes: 0x prefix, even length; an empty string is empty data."""
    if text == "":
        return b""
    digits = _strip_prefix(text)
    if digits is None:
        raise _HexError("hex string without 0x prefix")
    if len(digits) % 2:
        raise _HexError("hex string of odd length")
    if not _is_hex(digits):
        raise _HexError("invalid hex string")
    return bytes.fromhex(digits)


def _decode_text(text: str) -> bytes:
    """hexutil.Decode (used by the log filter): an empty string is an error."""
    if text == "":
        raise _HexError("empty hex string")
    return _bytes_text(text)


# -- scalar parameters -------------------------------------------------------------------------


def _quantity(value: Any, field: Field | None, go_type: str, bits: int) -> int:
    if not isinstance(value, str):
        raise _type_error("non-string", go_type, field)
    try:
        return _json_number_text(value, bits // 4, f"hex number > {bits} bits")
    except _HexError as error:
        raise _type_error(str(error), go_type, field) from None


def uint64(value: Any, field: Field | None = None) -> int:
    """A ``hexutil.Uint64`` quantity (gas, nonce)."""
    return _quantity(value, field, "hexutil.Uint64", 64)


def uint(value: Any, field: Field | None = None) -> int:
    """A ``hexutil.Uint`` quantity (a transaction index)."""
    return _quantity(value, field, "hexutil.Uint", 64)


def big(value: Any, field: Field | None = None) -> int:
    """A ``*hexutil.Big`` quantity (a value or price, up to 256 bits)."""
    return _quantity(value, field, "*hexutil.Big", 256)


def u256(value: Any, field: Field | None = None) -> int:
    return _quantity(value, field, "hexutil.U256", 256)


def data(value: Any, field: Field | None = None) -> bytes:
    """``hexutil.Bytes``: 0x-prefixed, even-length hex."""
    if not isinstance(value, str):
        raise _type_error("non-string", "hexutil.Bytes", field)
    try:
        return _bytes_text(value)
    except _HexError as error:
        raise _type_error(str(error), "hexutil.Bytes", field) from None


def _fixed(value: Any, field: Field | None, go_type: str, length: int) -> bytes:
    if not isinstance(value, str):
        raise _type_error("non-string", go_type, field)
    digits = "" if value == "" else _strip_prefix(value)
    if digits is None:
        raise _type_error("hex string without 0x prefix", go_type, field)
    if len(digits) % 2:
        raise _type_error("hex string of odd length", go_type, field)
    if len(digits) != 2 * length:
        raise ParamError(f"hex string has length {len(digits)}, want {2 * length} for {go_type}")
    if not _is_hex(digits):
        raise _type_error("invalid hex string", go_type, field)
    return bytes.fromhex(digits)


def address(value: Any, field: Field | None = None) -> Address:
    """A ``common.Address``: exactly 20 bytes."""
    return Address(_fixed(value, field, "common.Address", 20))


def hash32(value: Any, field: Field | None = None) -> Hash32:
    """A ``common.Hash``: exactly 32 bytes."""
    return Hash32(_fixed(value, field, "common.Hash", 32))


def boolean(value: Any, field: Field | None = None) -> bool:
    if not isinstance(value, bool):
        raise _type_error(_json_kind(value), "bool", field)
    return value


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise _type_error(_json_kind(value), "string", None)
    return value


def storage_slot(text: str) -> int:
    """A storage key as geth's eth_getStorageAt reads it: lenient prefix and length parity."""
    return storage_key(text)[0]


def storage_key(text: str) -> tuple[int, int]:
    """A storage key and its length in bytes (geth's ``decodeStorageKey``; eth_getProof
    echoes a 32-byte key as given and a shorter one as a quantity)."""
    digits = _strip_prefix(text)
    digits = text if digits is None else digits
    if len(digits) % 2:
        digits = "0" + digits
    if not _is_hex(digits):
        raise ParamError("hex string invalid")
    if len(digits) > 64:
        raise ParamError("hex string too long, want at most 32 bytes")
    return (int(digits, 16) if digits else 0), len(digits) // 2


def string_list(value: Any) -> tuple[str, ...]:
    """A JSON array of strings (``[]string``)."""
    if not isinstance(value, list):
        raise _type_error(_json_kind(value), "[]string", None)
    for item in value:
        if not isinstance(item, str):
            raise _type_error(_json_kind(item), "string", None)
    return tuple(value)


def hex_or_decimal64(value: Any) -> int:
    """``math.HexOrDecimal64`` (eth_feeHistory's block count): ``5``, ``"5"`` or ``"0x5"``."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if text == "":
        return 0
    digits = _strip_prefix(text)
    base, body = (10, text) if digits is None else (16, digits)
    valid = body.isascii() and (_is_hex(body) if base == 16 else body.isdigit())
    if body == "" or not valid or int(body, base) >= 2**64:
        raise ParamError(f"invalid hex or decimal integer {json.dumps(text)}")
    return int(body, base)


def percentiles(value: Any) -> tuple[float, ...]:
    """eth_feeHistory's reward percentiles (a ``[]float64``)."""
    if not isinstance(value, list):
        raise _type_error(_json_kind(value), "[]float64", None)
    result: list[float] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int | float):
            raise _type_error(_json_kind(item), "float64", None)
        result.append(float(item))
    return tuple(result)


# -- block selectors ---------------------------------------------------------------------------


class BlockTag(enum.Enum):
    EARLIEST = "earliest"
    LATEST = "latest"
    PENDING = "pending"
    SAFE = "safe"
    FINALIZED = "finalized"


BlockNumber = BlockTag | int
"""A block by tag or number (geth's ``rpc.BlockNumber``)."""

_TAGS: Final = {tag.value: tag for tag in BlockTag}


@dataclass(frozen=True)
class BlockHashRef:
    """An EIP-1898 block reference by hash."""

    hash: Hash32
    require_canonical: bool = False


BlockSelector = BlockNumber | BlockHashRef
"""A block by tag, number or hash (geth's ``rpc.BlockNumberOrHash``)."""


def _block_number_text(text: str, too_high: str) -> BlockNumber:
    if text in _TAGS:
        return _TAGS[text]
    try:
        number = _decode_uint64_text(text)
    except _HexError as error:
        raise ParamError(str(error)) from None
    if number > _MAX_INT64:
        raise ParamError(too_high)
    return number


def block_number(value: Any) -> BlockNumber:
    """``"latest"``, ``"earliest"``, ``"pending"``, ``"safe"``, ``"finalized"`` or a number."""
    if not isinstance(value, str):
        raise ParamError("hex string without 0x prefix")
    return _block_number_text(value, "block number larger than int64")


def block_selector(value: Any) -> BlockSelector:
    """A tag, a number, a 32-byte hash, or an EIP-1898 ``{blockNumber}``/``{blockHash}`` object."""
    if isinstance(value, dict):
        return _block_selector_object(value)
    if not isinstance(value, str):
        raise _type_error(_json_kind(value), "string", None)
    if value not in _TAGS and len(value) == 66:
        digits = _strip_prefix(value)
        if digits is None:
            raise ParamError("hex string without 0x prefix")
        if not _is_hex(digits):
            raise ParamError("invalid hex string")
        return BlockHashRef(Hash32(bytes.fromhex(digits)))
    return _block_number_text(value, "blocknumber too high")


def _block_selector_object(value: Mapping[str, Any]) -> BlockSelector:
    struct = "BlockNumberOrHash"
    block_hash = _optional(value, "blockHash", hash32, struct)
    number = None if value.get("blockNumber") is None else block_number(value["blockNumber"])
    canonical = _optional(value, "requireCanonical", boolean, struct)
    if block_hash is not None and number is not None:
        raise ParamError("cannot specify both BlockHash and BlockNumber, choose one or the other")
    if block_hash is not None:
        return BlockHashRef(block_hash, bool(canonical))
    if number is not None:
        return number
    raise ParamError("must specify either BlockHash or BlockNumber")


# -- call objects ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessListEntry:
    address: Address
    storage_keys: tuple[Hash32, ...]


@dataclass(frozen=True)
class Authorization:
    """An EIP-7702 authorization tuple as a caller supplies it."""

    chain_id: int
    address: Address
    nonce: int
    y_parity: int
    r: int
    s: int


@dataclass(frozen=True)
class CallArgs:
    """geth's ``TransactionArgs`` as eth_call and eth_estimateGas read them; absent is None."""

    sender: Address | None = None
    to: Address | None = None
    gas: int | None = None
    gas_price: int | None = None
    max_fee_per_gas: int | None = None
    max_priority_fee_per_gas: int | None = None
    value: int | None = None
    nonce: int | None = None
    data: bytes | None = None
    input: bytes | None = None
    access_list: tuple[AccessListEntry, ...] | None = None
    chain_id: int | None = None
    authorization_list: tuple[Authorization, ...] | None = None
    tx_type: int | None = None


def call_args(value: Any) -> CallArgs:
    """A call object: from, to, gas, gasPrice, maxFeePerGas, maxPriorityFeePerGas, value, nonce,
    data/input, accessList, chainId, authorizationList, type. Unknown keys are ignored."""
    if not isinstance(value, dict):
        raise _type_error(_json_kind(value), "ethapi.TransactionArgs", None)
    return CallArgs(
        sender=_optional(value, "from", address),
        to=_optional(value, "to", address),
        gas=_optional(value, "gas", uint64),
        gas_price=_optional(value, "gasPrice", big),
        max_fee_per_gas=_optional(value, "maxFeePerGas", big),
        max_priority_fee_per_gas=_optional(value, "maxPriorityFeePerGas", big),
        value=_optional(value, "value", big),
        nonce=_optional(value, "nonce", uint64),
        data=_optional(value, "data", data),
        input=_optional(value, "input", data),
        access_list=_optional(value, "accessList", _access_list),
        chain_id=_optional(value, "chainId", big),
        authorization_list=_optional(value, "authorizationList", _authorization_list),
        tx_type=_optional(value, "type", uint64),
    )


def _access_list(value: Any, field: Field) -> tuple[AccessListEntry, ...]:
    if not isinstance(value, list):
        raise _type_error(_json_kind(value), "types.AccessList", field)
    entries: list[AccessListEntry] = []
    for item in value:
        if not isinstance(item, dict):
            raise _type_error(_json_kind(item), "types.AccessTuple", field)
        keys_field = Field(field.struct, f"{field.path}.storageKeys")
        keys = item.get("storageKeys")
        if keys is not None and not isinstance(keys, list):
            raise _type_error(_json_kind(keys), "[]common.Hash", keys_field)
        entries.append(
            AccessListEntry(
                address=address(item.get("address"), Field(field.struct, f"{field.path}.address")),
                storage_keys=tuple(hash32(key, keys_field) for key in keys or ()),
            )
        )
    return tuple(entries)


_AUTHORIZATION_FIELDS: Final = ("chainId", "address", "nonce", "yParity", "r", "s")


def _authorization_list(value: Any, field: Field) -> tuple[Authorization, ...]:
    if not isinstance(value, list):
        raise _type_error(_json_kind(value), "[]types.SetCodeAuthorization", field)
    result: list[Authorization] = []
    for item in value:
        if not isinstance(item, dict):
            raise _type_error(_json_kind(item), "types.SetCodeAuthorization", field)
        for key in _AUTHORIZATION_FIELDS:
            if item.get(key) is None:
                raise ParamError(f"missing required field '{key}' for SetCodeAuthorization")
        struct = "SetCodeAuthorization"
        result.append(
            Authorization(
                chain_id=u256(item["chainId"], Field(struct, "chainId")),
                address=address(item["address"], Field(struct, "address")),
                nonce=uint64(item["nonce"], Field(struct, "nonce")),
                y_parity=uint64(item["yParity"], Field(struct, "yParity")),
                r=u256(item["r"], Field(struct, "r")),
                s=u256(item["s"], Field(struct, "s")),
            )
        )
    return tuple(result)


# -- state overrides ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountOverride:
    """geth's ``OverrideAccount``: what to pretend about one account during a call."""

    balance: int | None = None
    nonce: int | None = None
    code: bytes | None = None
    state: Mapping[int, int] | None = None
    state_diff: Mapping[int, int] | None = None


StateOverrides = Mapping[Address, AccountOverride]


def state_overrides(value: Any) -> StateOverrides:
    """``{address: {balance, nonce, code, state, stateDiff}}``; precompile moves are refused."""
    if not isinstance(value, dict):
        raise _type_error(_json_kind(value), "override.StateOverride", None)
    result: dict[Address, AccountOverride] = {}
    for key, entry in value.items():
        account = address(key)
        if not isinstance(entry, dict):
            raise _type_error(_json_kind(entry), "override.OverrideAccount", None)
        if entry.get("movePrecompileToAddress") is not None:
            raise ParamError("movePrecompileToAddress is not supported")
        result[account] = AccountOverride(
            balance=_optional(entry, "balance", big, "OverrideAccount"),
            nonce=_optional(entry, "nonce", uint64, "OverrideAccount"),
            code=_optional(entry, "code", data, "OverrideAccount"),
            state=_optional(entry, "state", _storage_map, "OverrideAccount"),
            state_diff=_optional(entry, "stateDiff", _storage_map, "OverrideAccount"),
        )
    return result


def _storage_map(value: Any, field: Field) -> Mapping[int, int]:
    if not isinstance(value, dict):
        raise _type_error(_json_kind(value), "map[common.Hash]common.Hash", field)
    return {
        int.from_bytes(hash32(slot, field), "big"): int.from_bytes(hash32(word, field), "big")
        for slot, word in value.items()
    }


# -- log filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    """eth_getLogs criteria. A ``None`` topic position matches any topic."""

    block_hash: Hash32 | None
    from_block: BlockNumber | None
    to_block: BlockNumber | None
    addresses: tuple[Address, ...]
    topics: tuple[tuple[bytes, ...] | None, ...]

    def matches(self, address: bytes, topics: Sequence[bytes]) -> bool:
        """geth's rule: an allowed address, at least as many topics as positions, and each
        constrained position holding one of its alternatives."""
        if self.addresses and address not in self.addresses:
            return False
        if len(self.topics) > len(topics):
            return False
        return all(
            not alternatives or topic in alternatives
            for alternatives, topic in zip(self.topics, topics, strict=False)
        )


def log_filter(value: Any) -> LogFilter:
    """geth's ``FilterCriteria``: one address or a list, topics with null and list alternatives,
    and either a block range or a block hash."""
    if not isinstance(value, dict):
        raise _type_error(_json_kind(value), "filters.input", None)
    block_hash = _optional(value, "blockHash", hash32, "input")
    from_block = None if value.get("fromBlock") is None else block_number(value["fromBlock"])
    to_block = None if value.get("toBlock") is None else block_number(value["toBlock"])
    topics = value.get("topics")
    if topics is not None and not isinstance(topics, list):
        raise _type_error(_json_kind(topics), "[]interface {}", Field("input", "topics"))
    if block_hash is not None and (from_block is not None or to_block is not None):
        raise ParamError(
            "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other"
        )
    return LogFilter(
        block_hash=block_hash,
        from_block=from_block,
        to_block=to_block,
        addresses=_filter_addresses(value.get("address")),
        topics=_filter_topics(topics or []),
    )


def _filter_word(text: str, length: int, what: str) -> bytes:
    try:
        decoded = _decode_text(text)
    except _HexError as error:
        raise ParamError(str(error)) from None
    if len(decoded) != length:
        raise ParamError(
            f"hex has invalid length {len(decoded)} after decoding; expected {length} for {what}"
        )
    return decoded


def _filter_address(text: str) -> Address:
    return Address(_filter_word(text, 20, "address"))


def _filter_addresses(value: Any) -> tuple[Address, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        try:
            return (_filter_address(value),)
        except ParamError as error:
            raise ParamError(f"invalid address: {error}") from None
    if not isinstance(value, list):
        raise ParamError("invalid addresses in query")
    result: list[Address] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise ParamError(f"non-string address at index {index}")
        try:
            result.append(_filter_address(item))
        except ParamError as error:
            raise ParamError(f"invalid address at index {index}: {error}") from None
    return tuple(result)


def _filter_topic(text: str) -> bytes:
    return _filter_word(text, 32, "topic")


def _filter_topics(value: list[Any]) -> tuple[tuple[bytes, ...] | None, ...]:
    if len(value) > MAX_TOPICS:
        raise ParamError("exceed max topics")
    positions: list[tuple[bytes, ...] | None] = []
    for position in value:
        if position is None:
            positions.append(None)
        elif isinstance(position, str):
            positions.append((_filter_topic(position),))
        elif isinstance(position, list):
            positions.append(_topic_alternatives(position))
        else:
            raise ParamError("invalid topic(s)")
    return tuple(positions)


def _topic_alternatives(value: list[Any]) -> tuple[bytes, ...] | None:
    """A list of alternatives; an empty list or one containing null matches anything."""
    if len(value) > MAX_SUB_TOPICS:
        raise ParamError("exceed max topics")
    alternatives: list[bytes] = []
    for item in value:
        if item is None:
            return None
        if not isinstance(item, str):
            raise ParamError("invalid topic(s)")
        alternatives.append(_filter_topic(item))
    return tuple(alternatives) or None
