"""Who may read what over JSON-RPC, by the role a caller's token carries.

Exchange operators and regulators read everything. A participant's token may send its own
transactions, call view functions, read state, blocks with transaction hashes and chain
metadata, and read transactions, receipts and logs only where it is a party or that are
public:

- a log of a system contract is readable when the domain index (the gateway's, written in
  each block's batch) marks its event public (registries, listings, a contract's own
  events) or names the caller among its parties (buyer, seller, supplier, grantor, grantee,
  registered account, export recipient); a log of any other contract only when the caller
  sent its transaction;
- a transaction or receipt is readable when the caller sent it, or when it emitted at least
  one log and every one of them is readable.

A request whose answer would hold anything else is refused whole, with
:data:`PERMISSION_DENIED`, rather than answered in part: a partial answer would look
complete. Methods not listed here are refused to participants, so a new method is closed until
someone classifies it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from eth_utils import is_hex, to_checksum_address

from client.contracts import system_address
from client.domain_events import SYSTEM_CONTRACTS
from node.rpc.auth import Caller
from node.rpc.backend import NodeBackend
from node.rpc.errors import RpcError
from node.storage.schema import domain_event_key, log_position

PERMISSION_DENIED = -40300
"""A valid token whose role may not have this answer."""

OPEN_TO_PARTICIPANTS = frozenset(
    {
        "web3_clientVersion", "web3_sha3", "net_version", "net_listening", "net_peerCount",
        "eth_chainId", "eth_blockNumber", "eth_syncing", "eth_accounts", "eth_gasPrice",
        "eth_maxPriorityFeePerGas", "eth_feeHistory", "eth_blobBaseFee", "eth_getBalance",
        "eth_getCode", "eth_getStorageAt", "eth_getTransactionCount", "eth_getProof",
        "eth_call", "eth_estimateGas", "eth_createAccessList",
        "eth_getBlockTransactionCountByHash", "eth_getBlockTransactionCountByNumber",
        "eth_newBlockFilter", "eth_newFilter", "eth_uninstallFilter", "eth_unsubscribe",
        "txpool_status", "debug_getRawHeader", "qbft_getValidatorsByBlockNumber",
        "qbft_getValidatorsByBlockHash", "qbft_getSignerMetrics", "qbft_proposeValidatorVote",
        "qbft_discardValidatorVote", "qbft_getPendingVotes",
    }
)  # fmt: skip
"""Answers that hold no party's record: state (which view calls read anyway), headers,
fees, the validator set."""
CHECKED_FOR_PARTICIPANTS = frozenset(
    {
        "eth_getBlockByHash", "eth_getBlockByNumber", "eth_getBlockReceipts",
        "eth_getTransactionByHash", "eth_getTransactionByBlockHashAndIndex",
        "eth_getTransactionByBlockNumberAndIndex", "eth_getTransactionReceipt", "eth_getLogs",
        "eth_getFilterLogs", "eth_getFilterChanges", "eth_sendRawTransaction",
        "eth_subscribe", "perm_getAccountStatus",
    }
)  # fmt: skip
"""Allowed to participants by their arguments or answer."""
SUBSCRIPTIONS_FOR_PARTICIPANTS = frozenset({"newHeads"})

SYSTEM_PROXIES = frozenset(system_address(name).lower() for name in SYSTEM_CONTRACTS)
OTHERS = (
    "a participant reads only its own transactions, records it is a party to and the public"
    " registries and listings"
)


def denied(message: str) -> RpcError:
    return RpcError(PERMISSION_DENIED, f"permission denied: {message}")


class AccessPolicy:
    """Applies the rules above to one node's answers (reads go through its backend)."""

    def __init__(self, backend: NodeBackend) -> None:
        self._backend = backend

    def before(self, caller: Caller, method: str, params: Any) -> None:
        """Refuse a call a participant may not make at all, or with these arguments."""
        if caller.reads_everything:
            return
        if method not in OPEN_TO_PARTICIPANTS | CHECKED_FOR_PARTICIPANTS:
            raise denied(f"{method} is for exchange operators and regulators; {OTHERS}")
        arguments = params if isinstance(params, list) else []
        first = arguments[0] if arguments and isinstance(arguments[0], str) else None
        if method == "eth_subscribe" and first and first not in SUBSCRIPTIONS_FOR_PARTICIPANTS:
            raise denied(
                f"{first} subscriptions are for exchange operators and regulators;"
                " a participant polls eth_getLogs or a log filter"
            )
        if method == "perm_getAccountStatus" and first and first.lower() != _hex(caller).lower():
            raise denied("a participant's token reads only its own account's status")
        if method == "eth_sendRawTransaction" and first:
            self._check_own_transaction(caller, first)

    def _check_own_transaction(self, caller: Caller, raw: str) -> None:
        if not is_hex(raw):
            return  # the method answers bad input with its own error
        try:
            tx = self._backend.ledger.transaction_builder.decode(bytes.fromhex(raw[2:]))
            sender = bytes(tx.sender)
        except Exception:  # undecodable: the method refuses it with its own reason
            return
        if sender != caller.account:
            raise denied(
                "a participant's token sends only its own transactions: this one is signed by"
                f" {to_checksum_address(sender)}, the token names {_hex(caller)}"
            )

    async def after(self, caller: Caller, method: str, result: Any) -> Any:
        """Let the answer through if the caller may read all of it; refuse it otherwise."""
        if caller.reads_everything or method not in CHECKED_FOR_PARTICIPANTS:
            return result
        if result is None or isinstance(result, str | int | bool):
            return result
        check = _Reading(self._backend, caller)
        refusal = await self._backend.run_query(lambda: check.refusal(method, result))
        if refusal is not None:
            raise denied(refusal)
        return result


def _hex(caller: Caller) -> str:
    assert caller.account is not None
    return to_checksum_address(caller.account)


class _Reading:
    """What one participant may read of one answer; runs on a query thread."""

    def __init__(self, backend: NodeBackend, caller: Caller) -> None:
        self._ledger = backend.ledger
        self._me = _hex(caller)
        self._senders: dict[str, str | None] = {}

    def refusal(self, method: str, result: Any) -> str | None:
        checks: dict[str, Callable[[Any], str | None]] = {
            "eth_getBlockByHash": self._block,
            "eth_getBlockByNumber": self._block,
            "eth_getBlockReceipts": self._receipts,
            "eth_getTransactionReceipt": self._receipt,
            "eth_getLogs": self._logs,
            "eth_getFilterLogs": self._logs,
            "eth_getFilterChanges": self._logs,
        }
        check = checks.get(method)
        if check is not None:
            return check(result)
        if method.startswith("eth_getTransactionBy") and isinstance(result, dict):
            return self._transaction(result)
        return None

    def _block(self, block: Any) -> str | None:
        transactions = block.get("transactions", []) if isinstance(block, dict) else []
        for tx in transactions:
            if isinstance(tx, dict) and self._transaction(tx) is not None:
                return (
                    f"block {int(block['number'], 16)} holds transactions of other parties;"
                    " ask for transaction hashes only (full transactions false)"
                )
        return None

    def _receipts(self, receipts: Any) -> str | None:
        for receipt in receipts if isinstance(receipts, list) else []:
            refusal = self._receipt(receipt)
            if refusal is not None:
                return refusal
        return None

    def _receipt(self, receipt: Any) -> str | None:
        if not isinstance(receipt, dict) or _same(receipt.get("from"), self._me):
            return None
        logs = receipt.get("logs") or []
        if logs and all(self._log_readable(log) for log in logs):
            return None
        return f"transaction {receipt.get('transactionHash')} is another party's; {OTHERS}"

    def _transaction(self, tx: dict[str, Any]) -> str | None:
        if _same(tx.get("from"), self._me):
            return None
        block_number = tx.get("blockNumber")
        if block_number is not None and self._logs_of(tx["hash"]):
            return None
        return f"transaction {tx.get('hash')} is another party's; {OTHERS}"

    def _logs_of(self, tx_hash: str) -> bool:
        """Whether the transaction emitted logs and the caller may read every one."""
        location = self._ledger.transaction_location(bytes.fromhex(tx_hash[2:]))
        if location is None:
            return False
        number, index = location
        header = self._ledger.header_by_number(number)
        if header is None:
            return False
        receipts = self._ledger.receipts(header)
        first = sum(len(r.logs) for r in receipts[:index])
        logs = receipts[index].logs
        return bool(logs) and all(
            self._readable(number, first + offset, "0x" + bytes(log.address).hex(), tx_hash)
            for offset, log in enumerate(logs)
        )

    def _logs(self, logs: Any) -> str | None:
        for log in logs if isinstance(logs, list) else []:
            if isinstance(log, dict) and not self._log_readable(log):
                number, index = int(log["blockNumber"], 16), int(log["logIndex"], 16)
                return (
                    f"the answer holds a log another party may read only (block {number},"
                    f" log index {index}); {OTHERS}"
                )
        return None

    def _log_readable(self, log: dict[str, Any]) -> bool:
        return self._readable(
            int(log["blockNumber"], 16),
            int(log["logIndex"], 16),
            str(log["address"]),
            str(log["transactionHash"]),
        )

    def _readable(self, block: int, log_index: int, address: str, tx_hash: str) -> bool:
        if address.lower() in SYSTEM_PROXIES:
            stored = self._ledger.db.get(domain_event_key(log_position(block, log_index)))
            if stored is not None:
                record = json.loads(stored)
                if record["public"] or self._me in record["parties"]:
                    return True
        return _same(self._sender(tx_hash), self._me)

    def _sender(self, tx_hash: str) -> str | None:
        if tx_hash not in self._senders:
            sender = None
            location = self._ledger.transaction_location(bytes.fromhex(tx_hash[2:]))
            header = None if location is None else self._ledger.header_by_number(location[0])
            if location is not None and header is not None:
                tx = self._ledger.block(header).transactions[location[1]]
                sender = to_checksum_address(tx.sender)
            self._senders[tx_hash] = sender
        return self._senders[tx_hash]


def _same(address: Any, checksum: str) -> bool:
    return isinstance(address, str) and address.lower() == checksum.lower()
