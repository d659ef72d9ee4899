"""Raw transaction bytes (eth_sendRawTransaction, gossip) to a py-evm transaction.

Decoding only checks structure; the signature and every other rule are checked by the pool
in geth's order, so that a transaction breaking several rules gets geth's error.

pyrlp decodes bytes with rusty-rlp when that is installed, and each backend words its errors
its own way ("RlpIsTooShort", "RLP string too short"); clients see the texts below instead,
whichever backend runs.
"""

from eth.abc import SignedTransactionAPI, TransactionBuilderAPI
from eth.exceptions import UnrecognizedTransactionType
from eth.vm.forks.cancun.constants import BLOB_TX_TYPE
from eth_utils.exceptions import ValidationError
from rlp.exceptions import DeserializationError, ObjectDeserializationError, RLPException

from .blobs import check_sidecar, split_network_form
from .errors import BLOBS_DISABLED, InvalidEncoding, MissingSidecar, TxTypeNotSupported

_TYPED_MAX = 0x7F  # EIP-2718: a first byte up to 0x7f is a type; 0xc0 and up a legacy list
_RLP_LIST = 0xC0
_MALFORMED_RLP = "malformed RLP"
_MALFORMED_FIELDS = "malformed transaction fields"
_WRONG_FIELD_COUNT = "wrong number of transaction fields"


def decode_raw_transaction(
    raw: bytes,
    builder: type[TransactionBuilderAPI],
    *,
    blobs_enabled: bool = False,
    require_blob_sidecar: bool = False,
) -> SignedTransactionAPI:
    """Decode one canonical transaction, or raise `InvalidEncoding`/`TxTypeNotSupported`.

    Blob transactions are refused by their type byte when disabled: a wallet sends them with a
    sidecar, and "not supported" is the useful answer. When enabled, a blob transaction in
    network form has its sidecar checked (:mod:`node.txpool.blobs`) and decodes to its
    canonical form; the canonical form alone decodes unless ``require_blob_sidecar`` (geth
    pools no blob transaction without its blobs).
    """
    if not raw:
        raise InvalidEncoding("empty input")
    first = raw[0]
    if first == BLOB_TX_TYPE and not blobs_enabled:
        raise TxTypeNotSupported(BLOBS_DISABLED)
    if first == BLOB_TX_TYPE:
        canonical, sidecar = split_network_form(raw)
        if sidecar is None and require_blob_sidecar:
            raise MissingSidecar()
        tx = _decode_canonical(canonical, builder, first)
        if sidecar is not None:
            check_sidecar(tuple(tx.blob_versioned_hashes), sidecar)
        return tx
    return _decode_canonical(raw, builder, first)


def _decode_canonical(
    raw: bytes, builder: type[TransactionBuilderAPI], first: int
) -> SignedTransactionAPI:
    if _TYPED_MAX < first < _RLP_LIST:
        raise InvalidEncoding("a legacy transaction must be an RLP list")
    body = 0 if first >= _RLP_LIST else 1
    end = _item_end(raw, body)
    if end < len(raw):
        raise InvalidEncoding(f"{len(raw) - end} trailing bytes after the transaction")
    try:
        tx = builder.decode(raw)
    except UnrecognizedTransactionType as exc:
        raise TxTypeNotSupported() from exc
    except DeserializationError as exc:
        raise InvalidEncoding(_fields_error(exc)) from exc
    except RLPException as exc:  # the bytes are not RLP (pyrlp's DecodingError)
        raise InvalidEncoding(_MALFORMED_RLP) from exc
    except TypeError as exc:  # pyrlp's integer sedes handed a list
        raise InvalidEncoding(_MALFORMED_FIELDS) from exc
    except ValidationError as exc:  # py-evm's own rules, in its words
        raise InvalidEncoding(str(exc)) from exc
    if tx.encode() != raw:
        raise InvalidEncoding("non-canonical encoding")
    return tx


def _fields_error(error: DeserializationError) -> str:
    """Valid RLP that is not a transaction: name the field that failed, when pyrlp knows it."""
    if isinstance(error, ObjectDeserializationError):
        if error.field is not None:
            return f"malformed field: {error.field}"
        if isinstance(error.serial, list | tuple):
            return _WRONG_FIELD_COUNT
    return _MALFORMED_FIELDS


def _item_end(data: bytes, offset: int) -> int:
    """Where the RLP item starting at ``offset`` ends, read from its prefix alone, so that
    trailing bytes get one message whichever RLP codec is installed."""
    if offset >= len(data):
        return len(data)
    prefix = data[offset]
    if prefix < 0x80:
        return offset + 1
    if prefix <= 0xB7:
        return offset + 1 + prefix - 0x80
    if _RLP_LIST <= prefix <= 0xF7:
        return offset + 1 + prefix - _RLP_LIST
    size_length = prefix - (0xB7 if prefix < _RLP_LIST else 0xF7)
    size = int.from_bytes(data[offset + 1 : offset + 1 + size_length], "big")
    return offset + 1 + size_length + size
