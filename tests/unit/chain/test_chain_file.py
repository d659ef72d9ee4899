"""geth's chain file format: RLP blocks back to back, each decoded with its fork's class."""

from __future__ import annotations

from pathlib import Path

import pytest
import rlp
from eth.vm.forks.cancun.blocks import CancunBlock

from node.chain.chain_file import ChainFileError, decode_block, encode_block, split_blocks
from node.chain.chain_reader import make_chain_class
from node.chain.ethereum_chain import EthereumChain
from node.chain.genesis import load_genesis

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rpc-compat"
CHAIN = (FIXTURES / "chain.rlp").read_bytes()


@pytest.fixture(scope="module")
def chain_class() -> type[EthereumChain]:
    chain = make_chain_class(load_genesis(FIXTURES / "genesis.json"))
    assert issubclass(chain, EthereumChain)
    return chain


def test_the_test_chain_splits_into_its_20_blocks_at_their_offsets() -> None:
    pieces = list(split_blocks(CHAIN))
    assert len(pieces) == 20
    assert b"".join(item for _, item in pieces) == CHAIN
    assert [offset for offset, _ in pieces][:2] == [0, len(pieces[0][1])]


def test_each_block_decodes_with_its_fork_class_and_encodes_back_to_the_same_bytes(
    chain_class: type[EthereumChain],
) -> None:
    for offset, item in split_blocks(CHAIN):
        block = decode_block(item, offset, chain_class)
        assert type(block) is chain_class.get_vm_class(block.header).get_block_class()
        assert encode_block(block) == item
    assert block.number == 20


def test_the_last_block_is_the_recorded_head(chain_class: type[EthereumChain]) -> None:
    offset, item = list(split_blocks(CHAIN))[-1]
    assert decode_block(item, offset, chain_class).hash.hex() == (
        "8f64c4436f7213cfdf02cfb9f45d012f1774dfb329b8803de5e7479b11586902"
    )


def test_a_truncated_last_block_is_reported_at_its_offset() -> None:
    first = next(split_blocks(CHAIN))[1]
    with pytest.raises(ChainFileError) as error:
        list(split_blocks(CHAIN[: len(first) + 10]))
    assert error.value.offset == len(first)
    assert str(error.value).startswith(f"chain file byte {len(first)}: truncated block:")


def test_an_item_that_is_not_a_list_is_not_a_block() -> None:
    with pytest.raises(ChainFileError, match="chain file byte 0: expected an RLP list"):
        list(split_blocks(b"\x83abc"))


def test_a_list_that_is_not_a_block_is_refused_with_its_offset(
    chain_class: type[EthereumChain],
) -> None:
    with pytest.raises(ChainFileError, match="chain file byte 7: not a block"):
        decode_block(rlp.encode([b"a", b"b"]), 7, chain_class)


def test_a_cancun_block_survives_a_round_trip_through_its_class() -> None:
    item = next(split_blocks(CHAIN))[1]
    assert encode_block(rlp.decode(item, sedes=CancunBlock)) == item
