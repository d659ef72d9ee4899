"""Which block a JSON-RPC block parameter names, on a chain with immediate finality.

QBFT commits a block only with a quorum of seals and never reverts it, so "safe" and
"finalized" are the head. An imported chain is served as hive's clients are given it: its
last imported block is head, safe and finalized at once. This node keeps no pending block
(transactions wait in the pool until a proposer includes them), so "pending" is the head too;
only eth_getTransactionCount reads "pending" as the pool's next nonce. Block lookups answer
null for an unknown block; state lookups fail with geth's -32000 texts.
"""

from __future__ import annotations

from eth.abc import BlockHeaderAPI
from rlp.exceptions import RLPException

from node.chain.chain_reader import ChainReader
from node.rpc.errors import RpcError, server_error
from node.rpc.params import BlockHashRef, BlockNumber, BlockSelector, BlockTag


def header_by_number(ledger: ChainReader, number: BlockNumber) -> BlockHeaderAPI | None:
    if number is BlockTag.EARLIEST:
        return ledger.header_by_number(0)
    if isinstance(number, BlockTag):
        return ledger.head()
    return ledger.header_by_number(number)


def header_by_hash(ledger: ChainReader, block_hash: bytes) -> BlockHeaderAPI | None:
    """The canonical header with this hash; any other stored object under it is no header."""
    try:
        return ledger.header_by_hash(block_hash)
    except RLPException:
        return None


def header_by_selector(ledger: ChainReader, selector: BlockSelector) -> BlockHeaderAPI | None:
    """The block a selector names, or None. QBFT never leaves a non-canonical block behind,
    so ``requireCanonical`` always holds for a block this node knows."""
    if isinstance(selector, BlockHashRef):
        return header_by_hash(ledger, selector.hash)
    return header_by_number(ledger, selector)


def state_header(ledger: ChainReader, selector: BlockSelector) -> BlockHeaderAPI:
    """The block whose post-state a state query reads; geth's errors when there is none."""
    header = header_by_selector(ledger, selector)
    if header is not None:
        return header
    raise _missing(selector)


def _missing(selector: BlockSelector) -> RpcError:
    if isinstance(selector, BlockHashRef):
        return server_error("header for hash not found")
    return server_error("header not found")
