"""py-evm's chain database, reading headers back as QBFT headers.

py-evm decodes stored headers with its stock classes, which would hash them the Ethereum way;
every lookup here decodes with :class:`QbftBlockHeader` so a stored block keeps its hash.
"""

from __future__ import annotations

import functools

import rlp
from eth.abc import BlockHeaderAPI, DatabaseAPI
from eth.db.chain import ChainDB
from eth.exceptions import HeaderNotFound
from eth_typing import Hash32

from node.chain.header import QbftBlockHeader


@functools.lru_cache(256)
def decode_header(header_rlp: bytes) -> QbftBlockHeader:
    return rlp.decode(header_rlp, sedes=QbftBlockHeader)


class QbftChainDB(ChainDB):
    @staticmethod
    def _get_block_header_by_hash(db: DatabaseAPI, block_hash: Hash32) -> BlockHeaderAPI:
        try:
            header_rlp = db[block_hash]
        except KeyError:
            raise HeaderNotFound(f"No header with hash 0x{block_hash.hex()} found") from None
        return decode_header(header_rlp)
