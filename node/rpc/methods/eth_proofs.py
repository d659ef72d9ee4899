"""eth_getProof (EIP-1186): an account and some of its storage, with Merkle proofs against the
block's state root, so a light client or another exchange can check them with the header
alone."""

from __future__ import annotations

from typing import Any

from eth_typing import Address

from node.chain.chain_reader import ChainReader
from node.chain.proofs import AccountProof, prove_account
from node.rpc import params
from node.rpc.errors import server_error
from node.rpc.format import hex_data, quantity
from node.rpc.params import BlockSelector, ParamError
from node.rpc.registry import RpcContext, required, rpc_method
from node.rpc.selectors import state_header

_FULL_KEY_BYTES = 32


def _proof_json(proof: AccountProof, key_lengths: tuple[int, ...]) -> dict[str, Any]:
    """geth echoes a 32-byte storage key in full and a shorter one as a quantity."""
    return {
        "address": hex_data(proof.address),
        "accountProof": [hex_data(node) for node in proof.account_proof],
        "balance": quantity(proof.balance),
        "codeHash": hex_data(proof.code_hash),
        "nonce": quantity(proof.nonce),
        "storageHash": hex_data(proof.storage_hash),
        "storageProof": [
            {
                "key": (
                    hex_data(entry.slot.to_bytes(32, "big"))
                    if length == _FULL_KEY_BYTES
                    else quantity(entry.slot)
                ),
                "value": quantity(entry.value),
                "proof": [hex_data(node) for node in entry.proof],
            }
            for entry, length in zip(proof.storage_proofs, key_lengths, strict=True)
        ],
    }


def _prove(
    ledger: ChainReader,
    account: Address,
    keys: tuple[tuple[int, int], ...],
    selector: BlockSelector,
) -> dict[str, Any]:
    header = state_header(ledger, selector)
    proof = prove_account(ledger.db, header.state_root, account, [slot for slot, _ in keys])
    return _proof_json(proof, tuple(length for _, length in keys))


@rpc_method(
    "eth_getProof",
    required(params.address),
    required(params.string_list),
    required(params.block_selector),
)
async def get_proof(
    ctx: RpcContext, account: Address, keys: tuple[str, ...], selector: BlockSelector
) -> dict[str, Any]:
    try:
        decoded = tuple(params.storage_key(key) for key in keys)
    except ParamError as error:
        raise server_error(f"unable to decode storage key: {error}") from None
    ledger = ctx.backend.ledger
    return await ctx.backend.run_query(lambda: _prove(ledger, account, decoded, selector))
