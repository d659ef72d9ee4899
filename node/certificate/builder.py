"""Building a trade certificate from the node's chain: the settlement, the proofs that it is
in a sealed block, the chain of trust for the validator set, and the order's current state.

The document's shape and the checks it must pass are in ``client/certificate`` (the verifier,
which knows nothing of the node); this module only gathers and proves. Every value it writes
comes from the data directory, and everything it cross-checks (trie roots against headers,
the registry's proven lists against the next header, the registry's ``ValidatorsChanged``
event) is refused with a typed error rather than written into a certificate that would fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import rlp
from eth.abc import BlockHeaderAPI, ReceiptAPI
from eth_typing import Address, Hash32
from eth_utils import keccak
from trie.exceptions import MissingTrieNode

from client.certificate.document import FORMAT_VERSION
from client.certificate.layout import (
    REGISTRY_ADDRESS,
    SETTLEMENT_ADDRESS,
    SETTLEMENT_BASE,
    decode_order_state,
    order_state_slots,
    validator_count_slot,
    validator_slots,
)
from client.certificate.settlement import decode_settled, settled_topic
from node.certificate.errors import (
    InconsistentValidatorSet,
    MissingChainData,
    NotAQbftChain,
    OrderNotSettled,
    UnknownOrder,
)
from node.certificate.validator_changes import ValidatorSetHistory, history_of
from node.chain.chain_reader import ChainReader
from node.chain.header_rules import decoded_extra
from node.chain.ordered_trie import ordered_trie_root_and_nodes
from node.chain.proofs import AccountProof, prove_account, trie_proof
from node.storage.log_index import IndexedLog, matching_logs

_ORDER_COUNT_SLOT = SETTLEMENT_BASE + 4
VALIDATORS_CHANGED_TOPIC = keccak(text="ValidatorsChanged(address[])")


def _hex(data: bytes) -> str:
    return "0x" + bytes(data).hex()


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _proof_json(proof: AccountProof) -> dict[str, Any]:
    return {
        "address": _hex(proof.address),
        "accountProof": [_hex(node) for node in proof.account_proof],
        "storageProof": [
            {
                "key": _hex(_word(entry.slot)),
                "value": _hex(_word(entry.value)),
                "proof": [_hex(node) for node in entry.proof],
            }
            for entry in proof.storage_proofs
        ],
    }


def _prove(
    reader: ChainReader, header: BlockHeaderAPI, address: bytes, slots: Sequence[int]
) -> AccountProof:
    try:
        return prove_account(reader.db, header.state_root, Address(address), slots)
    except MissingTrieNode as error:
        raise MissingChainData(f"the state of block #{header.block_number}: {error}") from error


def _header(reader: ChainReader, number: int) -> BlockHeaderAPI:
    header = reader.header_by_number(number)
    if header is None:
        raise MissingChainData(f"header #{number} is missing")
    return header


def _settlement_log(
    reader: ChainReader, head: BlockHeaderAPI, order_id: int, bill_no: int | None
) -> IndexedLog:
    """The order's latest TradeSettled up to ``head`` (a dispute resolved after settlement
    emits a new one with the final legs), of one bill if ``bill_no`` is given."""
    topics: list[list[bytes] | None] = [[settled_topic()], [_word(order_id)]]
    if bill_no is not None:
        topics.append([_word(bill_no)])
    found = None
    for log in matching_logs(reader.db, 0, head.block_number, [SETTLEMENT_ADDRESS], topics):
        found = log
    if found is not None:
        return found
    count = reader.state_at(head).get_storage(Address(SETTLEMENT_ADDRESS), _ORDER_COUNT_SLOT)
    if not 1 <= order_id <= count:
        raise UnknownOrder(f"there is no order {order_id} ({count} orders)")
    which = f"bill {bill_no} of order {order_id}" if bill_no is not None else f"order {order_id}"
    raise OrderNotSettled(f"{which} has not settled")


def _trie_proof(items: Sequence[bytes], root: Hash32, index: int, what: str) -> list[str]:
    computed, nodes = ordered_trie_root_and_nodes(items)
    if computed != root:
        raise MissingChainData(f"the stored {what} do not match the header's root")
    by_hash = {bytes(digest): node for digest, node in nodes.items()}
    return [_hex(node) for node in trie_proof(by_hash, root, rlp.encode(index))]


def _inclusion(reader: ChainReader, header: BlockHeaderAPI, log: IndexedLog) -> dict[str, Any]:
    """The transaction and receipt with their proofs, and the log's place in the receipt."""
    block = reader.block(header)
    receipts: tuple[ReceiptAPI, ...] = reader.receipts(header)
    index = log.transaction_index
    if index >= len(block.transactions) or len(receipts) != len(block.transactions):
        raise MissingChainData(f"the body or receipts of block #{header.block_number}")
    transactions = [tx.encode() for tx in block.transactions]
    encoded_receipts = [receipt.encode() for receipt in receipts]
    return {
        "transaction": {
            "index": index,
            "raw": _hex(transactions[index]),
            "proof": _trie_proof(transactions, header.transaction_root, index, "transactions"),
        },
        "receipt": {
            "raw": _hex(encoded_receipts[index]),
            "proof": _trie_proof(encoded_receipts, header.receipt_root, index, "receipts"),
        },
        "indexInReceipt": log.log_index - sum(len(r.logs) for r in receipts[:index]),
    }


def _validator_change(reader: ChainReader, number: int) -> dict[str, Any]:
    """Block ``number``'s sealed header and the proof of the list it left in the registry,
    cross-checked against the next header's list and the registry's event."""
    if number == 0:
        raise InconsistentValidatorSet("block 1 lists a set other than the genesis set")
    header = _header(reader, number)
    count = _prove(reader, header, REGISTRY_ADDRESS, [validator_count_slot()])
    proof = _prove(reader, header, REGISTRY_ADDRESS, validator_slots(count.storage_proofs[0].value))
    proven = tuple(entry.value.to_bytes(20, "big") for entry in proof.storage_proofs[1:])
    if proven != decoded_extra(_header(reader, number + 1)).validators:
        raise InconsistentValidatorSet(
            f"the registry's list after block #{number} is not the set block #{number + 1} lists"
        )
    events = matching_logs(
        reader.db, number, number, [REGISTRY_ADDRESS], [[VALIDATORS_CHANGED_TOPIC]]
    )
    if next(iter(events), None) is None:
        raise InconsistentValidatorSet(f"block #{number} emitted no ValidatorsChanged")
    return {"header": _hex(rlp.encode(header)), "proof": _proof_json(proof)}


def build_trade_certificate(
    reader: ChainReader,
    order_id: int,
    *,
    bill_no: int | None = None,
    history: ValidatorSetHistory | None = None,
) -> dict[str, Any]:
    """The JSON-ready certificate of ``order_id``'s settlement (its latest TradeSettled, of
    ``bill_no`` if given), with its current state as of the head.

    ``history`` carries the scan for set changes between calls; by default the one kept for
    ``reader`` (:func:`history_of`), so only headers added since the last call are read.
    Raises :class:`UnknownOrder`, :class:`OrderNotSettled`, :class:`MissingChainData`,
    :class:`InconsistentValidatorSet` or :class:`NotAQbftChain`.
    """
    if not reader.is_qbft:
        raise NotAQbftChain("this chain has no QBFT seals to certify with")
    as_of = reader.head()
    log = _settlement_log(reader, as_of, order_id, bill_no)
    settlement = decode_settled(list(log.topics), log.data)
    header = _header(reader, log.block_number)
    included = _inclusion(reader, header, log)
    changes = (history or history_of(reader)).changes_before(reader, as_of.block_number)
    state_slots = order_state_slots(settlement["orderId"], settlement["billNo"])
    state_proof = _prove(reader, as_of, SETTLEMENT_ADDRESS, state_slots)
    state = decode_order_state(tuple(entry.value for entry in state_proof.storage_proofs))
    genesis = _header(reader, 0)
    return {
        "format": FORMAT_VERSION,
        "chainId": reader.chain_id,
        "genesisHash": _hex(genesis.hash),
        "settlement": settlement,
        "log": {
            "address": _hex(log.address),
            "topics": [_hex(topic) for topic in log.topics],
            "data": _hex(log.data),
            "indexInReceipt": included["indexInReceipt"],
        },
        "transaction": included["transaction"],
        "receipt": included["receipt"],
        "block": {"header": _hex(rlp.encode(header))},
        "validatorSetChanges": [_validator_change(reader, number) for number in changes],
        "currentState": {
            "header": _hex(rlp.encode(as_of)),
            "state": state.as_json(),
            "proof": _proof_json(state_proof),
        },
    }
