"""Permissioning as JSON: an account's status and the node allowlist, as of the head, answered
alike by JSON-RPC (``perm_getAccountStatus``, ``perm_getNodesAllowlist``) and the gateway's
regulator routes.

An account's status says whether it may send a transaction in the block after the head (the
consensus rule of ``node.chain.permissioning``) and every registry fact behind that answer.
The allowlist lists the node keys this node admits to its peer network: the validators of
the next block, the observer nodes of Active exchanges, the regulator root's node and the keys
its operator named (``--peer``, ``--allowlist``). Regulators' nodes are admitted by looking their
node address up among the regulator accounts, a mapping the registry cannot list; an account's
status shows whether it is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth.abc import BlockHeaderAPI
from eth_utils import to_checksum_address

from node.chain.chain_reader import ChainReader
from node.chain.registry_members import ParticipantStatus
from node.p2p.peer_url import public_key_address


def account_status_json(
    ledger: ChainReader, head: BlockHeaderAPI, address: bytes
) -> dict[str, Any]:
    permissions = ledger.permissions_after(head)
    status = permissions.status(address)
    facts = status.facts
    participant = None
    if facts is not None and facts.participant_status != ParticipantStatus.NONE:
        participant = {
            "status": facts.participant_status.name.lower(),
            "homeExchange": facts.home_exchange,
            "roles": facts.participant_roles,
        }
    operator = None
    if facts is not None and facts.operator_of is not None:
        operator = {
            "exchange": facts.operator_of,
            "exchangeStatus": facts.exchange_status.name.lower(),
        }
    return {
        "address": to_checksum_address(address),
        "asOfBlock": head.block_number,
        "permissioning": permissions.enabled,
        "permitted": status.permitted or not permissions.enabled,
        "canCreateContracts": status.may_create_contracts or not permissions.enabled,
        "roles": [str(role) for role in status.roles],
        "reason": (status.reason or None) if permissions.enabled else None,
        "regulatorRoot": bool(facts and facts.regulator_root),
        "regulator": bool(facts and facts.regulator),
        "operator": operator,
        "participant": participant,
        "bootstrapAccount": status.bootstrap_listed,
        "bootstrapOpen": status.bootstrap_open,
    }


def nodes_allowlist_json(
    ledger: ChainReader, head: BlockHeaderAPI, local_keys: Sequence[bytes]
) -> dict[str, Any]:
    registered = ledger.registered_nodes_after(head)
    nodes: list[dict[str, Any]] = []
    for validator in ledger.validators_after(head):
        nodes.append(
            _node(validator, "validator", registered.validator_exchanges.get(bytes(validator)))
        )
    for observer, code in sorted(registered.observers.items()):
        nodes.append(_node(observer, "observer", code))
    if registered.regulator_root is not None:
        nodes.append(_node(registered.regulator_root, "regulator-root", None))
    for key in local_keys:
        entry = _node(public_key_address(key), "local", None)
        entry["publicKey"] = "0x" + bytes(key).hex()
        nodes.append(entry)
    return {"asOfBlock": head.block_number, "nodes": nodes}


def _node(address: bytes, source: str, exchange: str | None) -> dict[str, Any]:
    return {"address": to_checksum_address(address), "source": source, "exchange": exchange}
