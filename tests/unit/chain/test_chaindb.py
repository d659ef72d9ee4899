"""Headers stored in LevelDB come back as QBFT headers, so a stored block keeps its hash."""

from __future__ import annotations

from collections.abc import Callable

from eth.vm.forks.prague.blocks import PragueBlockHeader

from node.chain.chaindb import QbftChainDB
from node.chain.extra_data import QbftExtraData
from node.chain.genesis import Genesis, genesis_state_root, qbft_genesis_header
from node.chain.header import QbftBlockHeader
from node.storage.leveldb import LevelDB


def test_a_stored_sealed_header_is_read_back_as_a_qbft_header_with_the_same_hash(
    open_leveldb: Callable[[str], LevelDB],
    genesis: Genesis,
    make_header: Callable[..., QbftBlockHeader],
    validator: bytes,
) -> None:
    genesis_header = qbft_genesis_header(genesis, genesis_state_root(genesis.alloc))
    extra = QbftExtraData(genesis_header.hash, (validator,), None, 4, (b"\x01" * 65,))
    header = make_header(extra, parent_hash=genesis_header.hash)
    chaindb = QbftChainDB(open_leveldb("chain"))
    chaindb.persist_header(genesis_header)
    chaindb.persist_header(header)

    stored = chaindb.get_block_header_by_hash(header.hash)
    assert type(stored) is QbftBlockHeader
    assert stored == header
    assert stored.hash == header.hash
    assert chaindb.get_canonical_head().hash == header.hash
    assert chaindb.get_canonical_block_header_by_number(1).hash == header.hash


def test_the_stored_hash_differs_from_the_stock_ethereum_hash_of_a_sealed_header(
    make_header: Callable[..., QbftBlockHeader], validator: bytes
) -> None:
    extra = QbftExtraData(b"\x00" * 32, (validator,), None, 4, (b"\x01" * 65,))
    header = make_header(extra)
    fields = {name: getattr(header, name) for name, _ in PragueBlockHeader._meta.fields}
    assert PragueBlockHeader(**fields).hash != header.hash
