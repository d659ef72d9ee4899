"""An Ethereum chain defined by a geth genesis (no ``qbft`` section): hive's test chains and
any chain imported from a file.

py-evm picks a block's VM by number alone; this chain picks it by the fork schedule, so that
time-scheduled forks (Shanghai and later) and the merge by total difficulty select the right
rules. Blocks are imported, never produced, so only import needs the block's own timestamp.
"""

from __future__ import annotations

from typing import Any, ClassVar

from eth.abc import BlockAPI, BlockHeaderAPI, BlockImportResult, VirtualMachineAPI
from eth.chains.base import Chain
from eth.constants import BLANK_ROOT_HASH, EMPTY_SHA256, EMPTY_UNCLE_HASH, ZERO_HASH32
from eth.db.chain import ChainDB
from eth.exceptions import HeaderNotFound
from eth.validation import validate_block_number
from eth.vm.chain_context import ChainContext
from eth_typing import BlockNumber, Hash32
from eth_utils import ValidationError

from node.chain.ethereum_vms import vm_class_for
from node.chain.forks import ForkSchedule
from node.chain.genesis import Genesis


class EthereumChain(Chain):
    schedule: ClassVar[ForkSchedule] = ForkSchedule(
        blocks=(), terminal_total_difficulty=None, times=()
    )
    chaindb_class = ChainDB

    @classmethod
    def vm_class_at(cls, number: int, timestamp: int, difficulty: int) -> type[VirtualMachineAPI]:
        fork = cls.schedule.fork_at(number, timestamp, difficulty)
        return vm_class_for(fork, cls.schedule.dao_fork_block)

    @classmethod
    def get_vm_class(cls, header: BlockHeaderAPI) -> type[VirtualMachineAPI]:
        return cls.vm_class_at(header.block_number, header.timestamp, header.difficulty)

    @classmethod
    def get_vm_class_for_block_number(cls, block_number: BlockNumber) -> type[VirtualMachineAPI]:
        """Used by py-evm for ommers (pre-merge blocks only) and transaction lookups."""
        validate_block_number(block_number)
        return vm_class_for(cls.schedule.block_fork_at(block_number), cls.schedule.dao_fork_block)

    def get_vm(self, at_header: BlockHeaderAPI | None = None) -> VirtualMachineAPI:
        header = self.ensure_header(at_header)  # type: ignore[arg-type]  # py-evm accepts None
        return self.get_vm_class(header)(
            header=header,
            chaindb=self.chaindb,
            chain_context=ChainContext(self.chain_id),
            consensus_context=self.consensus_context,
        )

    def import_block(self, block: BlockAPI, perform_validation: bool = True) -> BlockImportResult:
        """py-evm's import, with the VM chosen by the block's timestamp too, and the merge
        checked against the parent's total difficulty."""
        try:
            parent = self.get_block_header_by_hash(block.header.parent_hash)
        except HeaderNotFound:
            raise ValidationError(f"unknown parent 0x{block.header.parent_hash.hex()}") from None
        self._check_merge(parent, block.header)
        vm_class = self.get_vm_class(block.header)
        base = vm_class.create_header_from_parent(parent, timestamp=block.header.timestamp)
        vm = self.get_vm(base.copy(gas_used=block.header.gas_used))
        result = vm.import_block(block)
        imported = result.block
        if imported.hash != block.hash:
            raise ValidationError(_first_difference(imported.header, block.header))
        persisted = self.persist_block(imported, perform_validation)
        return BlockImportResult(*persisted, meta_witness=result.meta_witness)

    def _check_merge(self, parent: BlockHeaderAPI, header: BlockHeaderAPI) -> None:
        terminal = self.schedule.terminal_total_difficulty
        if terminal is None:
            return
        reached = self.chaindb.get_score(parent.hash) >= terminal
        if header.difficulty == 0 and not reached:
            raise ValidationError(
                f"proof-of-stake block before the terminal total difficulty {terminal}"
            )
        if header.difficulty != 0 and reached:
            raise ValidationError(
                f"proof-of-work block (difficulty {header.difficulty}) after the terminal"
                f" total difficulty {terminal}"
            )


def _first_difference(executed: BlockHeaderAPI, given: BlockHeaderAPI) -> str:
    """Name the first header field where executing the block disagrees with the block."""
    for name in executed._meta.field_names:  # type: ignore[attr-defined]
        mine, theirs = getattr(executed, name), getattr(given, name)
        if mine != theirs:
            return f"{name} is {_shown(theirs)}, executing the block gives {_shown(mine)}"
    return "the block differs from its execution"


def _shown(value: Any) -> str:
    return "0x" + value.hex() if isinstance(value, bytes) else str(value)


def make_ethereum_chain_class(genesis: Genesis, schedule: ForkSchedule) -> type[EthereumChain]:
    return EthereumChain.configure(
        __name__="EthereumChain",
        schedule=schedule,
        vm_configuration=((BlockNumber(0), vm_class_for(schedule.block_fork_at(0))),),
        chain_id=genesis.chain_id,
    )


def header_class_of(vm_class: type[VirtualMachineAPI]) -> Any:
    return vm_class.get_block_class()._meta.sedes[0]  # type: ignore[attr-defined]


def ethereum_genesis_header(
    chain_class: type[EthereumChain], genesis: Genesis, state_root: Hash32
) -> BlockHeaderAPI:
    """The genesis header as geth builds it: the fields its fork's header has, with the empty
    roots and zero blob figures of a block without transactions."""
    vm_class = chain_class.vm_class_at(0, genesis.timestamp, genesis.difficulty)
    header_class = header_class_of(vm_class)
    fields: dict[str, Any] = {
        "parent_hash": ZERO_HASH32,
        "uncles_hash": EMPTY_UNCLE_HASH,
        "coinbase": genesis.coinbase,
        "state_root": state_root,
        "transaction_root": BLANK_ROOT_HASH,
        "receipt_root": BLANK_ROOT_HASH,
        "bloom": 0,
        "difficulty": genesis.difficulty,
        "block_number": BlockNumber(0),
        "gas_limit": genesis.gas_limit,
        "gas_used": 0,
        "timestamp": genesis.timestamp,
        "extra_data": genesis.extra_data,
        "mix_hash": genesis.mix_hash,
        "nonce": genesis.nonce,
        "base_fee_per_gas": genesis.base_fee_per_gas,
        "withdrawals_root": BLANK_ROOT_HASH,
        "blob_gas_used": 0,
        "excess_blob_gas": 0,
        "parent_beacon_block_root": ZERO_HASH32,
        "requests_hash": EMPTY_SHA256,
    }
    names = header_class._meta.field_names
    return header_class(**{name: value for name, value in fields.items() if name in names})
