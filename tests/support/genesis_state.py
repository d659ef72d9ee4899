"""Read contracts in a genesis state with py-evm directly: what a node sees at block 0."""

from __future__ import annotations

from typing import Any

import rlp
from eth.db.atomic import AtomicDB
from eth.rlp.accounts import Account
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.cancun.transaction_context import CancunTransactionContext
from eth.vm.forks.prague import PragueVM
from eth.vm.message import Message
from eth_typing import Address
from eth_utils import is_hex_address, keccak, to_checksum_address
from trie import HexaryTrie
from web3 import Web3

from client.artifacts import load_artifact
from node.chain.genesis import Genesis, genesis_state_root


class GenesisState:
    def __init__(self, genesis: Genesis) -> None:
        self.db = AtomicDB()
        self.state_root = genesis_state_root(genesis.alloc, self.db)
        context = ExecutionContext(
            coinbase=Address(bytes(20)), timestamp=genesis.timestamp, block_number=0,
            difficulty=0, mix_hash=bytes(32), gas_limit=genesis.gas_limit, prev_hashes=(),
            chain_id=genesis.chain_id, base_fee_per_gas=0, excess_blob_gas=0,
        )  # type: ignore[arg-type]  # fmt: skip
        self.state = PragueVM.get_state_class()(self.db, context, self.state_root)

    def call(self, name: str, address: bytes, function: str, *args: Any) -> Any:
        """The decoded result of ``function(args)`` of contract ``name`` at ``address``."""
        contract = Web3().eth.contract(abi=load_artifact(name).abi)
        data = bytes.fromhex(contract.encode_abi(function, args=list(args))[2:])
        message = Message(
            gas=10_000_000, to=Address(address), sender=Address(bytes(20)), value=0,
            data=data, code=self.state.get_code(Address(address)),
        )  # fmt: skip
        context = CancunTransactionContext(gas_price=0, origin=Address(bytes(20)))
        computation = self.state.computation_class.apply_message(self.state, message, context)
        assert not computation.is_error, computation.error
        fn = contract.get_function_by_name(function)
        outputs = [o["type"] if "components" not in o else _tuple(o) for o in fn.abi["outputs"]]
        result = _checksummed(Web3().codec.decode(outputs, computation.output))
        return result[0] if len(result) == 1 else result


def _checksummed(value: Any) -> Any:
    """Addresses as web3.py contract calls return them (checksummed), at any depth."""
    if isinstance(value, tuple | list):
        return type(value)(_checksummed(v) for v in value)
    if isinstance(value, str) and is_hex_address(value):
        return to_checksum_address(value)
    return value


def _tuple(output: dict[str, Any]) -> str:
    inner = ",".join(
        o["type"] if "components" not in o else _tuple(o) for o in output["components"]
    )
    return f"({inner}){output['type'][len('tuple') :]}"


def storage_root(db: Any, state_root: bytes, address: bytes) -> bytes:
    """The storage root of ``address`` in the state trie with ``state_root`` (from the trie
    itself, so every slot counts, not only the ones a test knows to ask for)."""
    encoded = HexaryTrie(db, state_root)[keccak(address)]
    return bytes(rlp.decode(encoded, sedes=Account).storage_root)
