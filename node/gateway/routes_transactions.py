"""Writes: a raw transaction signed by the participant, checked against the caller's roles and
relayed to the pool through the node's own admission (that of eth_sendRawTransaction); and a
transaction's status with the domain events it emitted, readable as JSON-RPC reads a receipt:
by operators and regulators, by its sender, and by a participant who may see every event it
emitted; anyone else is answered 404, as for a transaction that does not exist.

Checked before the pool, in this order: the raw bytes decode (a typed error otherwise); the
recovered sender is the signed-in address; the chain's permissioning permits the sender at
the head ("account not permitted: <reason>", as JSON-RPC answers); the recipient is a system
proxy; the calldata
starts with a selector of a function ``call_rules`` knows; one of the caller's roles in the
head state may call it. The gateway holds no key: it relays bytes the participant signed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from eth.abc import BlockHeaderAPI, SignedTransactionAPI
from eth_utils import to_checksum_address

from node.chain.permissioning import NOT_PERMITTED
from node.gateway import index
from node.gateway.call_rules import is_system_proxy, known_call
from node.gateway.context import (
    MAX_KEPT_REVERTS,
    Gateway,
    body_string,
    caller_roles,
    gateway,
    json_body,
)
from node.gateway.params import Query, path_hash
from node.gateway.problems import FieldError, Problem, invalid
from node.gateway.revert import revert_reason
from node.gateway.roles import CallerRoles
from node.gateway.views import event_view, may_see_event
from node.txpool.encoding import decode_raw_transaction
from node.txpool.errors import TxPoolError

routes = web.RouteTableDef()
MAX_RAW_HEX = 2 * 60_000


def _raw_bytes(text: str) -> bytes:
    digits = text.removeprefix("0x")
    if not text.startswith("0x") or len(digits) % 2 or len(digits) > MAX_RAW_HEX:
        raise invalid(
            [FieldError("body.raw", "expected the signed transaction as 0x-prefixed hex")]
        )
    try:
        return bytes.fromhex(digits)
    except ValueError:
        raise invalid([FieldError("body.raw", "not hexadecimal")]) from None


def _refused(status: int, detail: str) -> Problem:
    return Problem(status, "transaction-refused" if status == 400 else "forbidden", detail)


def _recipient(tx: SignedTransactionAPI) -> str:
    return to_checksum_address(tx.to) if tx.to else "a contract creation"


def check_transaction(
    tx: SignedTransactionAPI, caller: CallerRoles, not_permitted: str | None = None
) -> str:
    """The function the transaction calls, if the caller may relay it; else the refusal.
    ``not_permitted`` is why the chain's permissioning refuses the sender, if it does."""
    sender = to_checksum_address(tx.sender)
    if sender != caller.address:
        raise _refused(
            403, f"the transaction is signed by {sender}, not by the signed-in {caller.address}"
        )
    if not_permitted is not None:
        raise _refused(403, f"{NOT_PERMITTED}: {not_permitted}")
    if not is_system_proxy(tx.to):
        raise _refused(
            400,
            f"{_recipient(tx)} is not a system contract",
        )
    call = known_call(tx.to, tx.data)
    if call is None:
        raise _refused(400, "the calldata calls no function the gateway relays")
    if not call.roles & caller.names:
        raise _refused(
            403,
            f"{call.contract}.{call.function} needs one of the roles"
            f" {', '.join(sorted(call.roles))}; {caller.address} holds"
            f" {', '.join(sorted(caller.names))}",
        )
    return f"{call.contract}.{call.function}"


@routes.post("/v1/transactions")
async def submit(request: web.Request) -> web.Response:
    caller = await caller_roles(request)
    state = gateway(request)
    query = Query(request.query, state.limits)
    wait = query.flag("wait")
    query.check()
    body = await json_body(request)
    raw = _raw_bytes(body_string(body, "raw"))
    backend = state.backend
    try:
        tx = decode_raw_transaction(raw, backend.ledger.transaction_builder)
        _ = tx.sender
    except TxPoolError as error:
        raise invalid([FieldError("body.raw", str(error))]) from None
    except Exception as error:  # py-evm and eth-keys refuse bad signatures with several types
        raise invalid([FieldError("body.raw", f"cannot recover the sender: {error}")]) from None
    not_permitted = backend.ledger.permissions_after(backend.ledger.head()).refusal(tx)
    function = check_transaction(tx, caller, not_permitted)
    try:
        tx_hash = await backend.submit_raw_transaction(raw)
    except TxPoolError as error:
        raise _refused(400, f"the pool refused it: {error}") from None
    answer = {"transactionHash": "0x" + tx_hash.hex(), "function": function}
    if not wait:
        return web.json_response({**answer, "status": "pending"}, status=202)
    status = await _wait_for(
        request, answer["transactionHash"], caller, state.limits.wait_timeout_seconds
    )
    return web.json_response(
        {**answer, **status}, status=200 if status["status"] != "pending" else 202
    )


async def _wait_for(
    request: web.Request, tx_hash: str, caller: CallerRoles, timeout: float
) -> dict[str, Any]:
    state = gateway(request)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        seen = state.heads.number
        status = await _status(request, tx_hash, caller)
        remaining = deadline - loop.time()
        if (status is not None and status["status"] != "pending") or remaining <= 0:
            return status or {"status": "pending"}
        await state.heads.after(seen, remaining)


def _sent_by(tx: SignedTransactionAPI, caller: CallerRoles) -> bool:
    return caller.reads_everything or to_checksum_address(tx.sender) == caller.address


async def _status(request: web.Request, tx_hash: str, caller: CallerRoles) -> dict[str, Any] | None:
    state = gateway(request)
    backend = state.backend
    ledger, db = backend.ledger, backend.database
    digest = bytes.fromhex(tx_hash[2:])

    def read() -> dict[str, Any] | None:
        location = ledger.transaction_location(digest)
        if location is None:
            pooled = backend.pooled_transaction(digest)
            if pooled is None or not _sent_by(pooled, caller):
                return None
            return {"status": "pending"}
        number, position = location
        header = ledger.header_by_number(number)
        if header is None:
            return None
        receipt = ledger.receipts(header)[position]
        events = index.transaction_events(db, number, tx_hash)
        sent = _sent_by(ledger.block(header).transactions[position], caller)
        visible = bool(events) and all(may_see_event(caller, e) for e in events)
        if not (sent or visible):
            return None
        found: dict[str, Any] = {
            "status": "succeeded" if receipt.state_root == b"\x01" else "failed",
            "block": number,
            "blockHash": "0x" + header.hash.hex(),
            "transactionIndex": position,
            "gasUsed": receipt.gas_used,
            "events": [event_view(e) for e in events if may_see_event(caller, e)],
        }
        if found["status"] == "failed":
            found["revert"] = _revert(state, tx_hash, header, position)
        return found

    return await backend.run_query(read)


def _revert(state: Gateway, tx_hash: str, header: BlockHeaderAPI, position: int) -> dict[str, Any]:
    """Why it reverted, kept for the polls and status reads that follow."""
    kept = state.reverts.get(tx_hash)
    if kept is None:
        kept = revert_reason(state.backend.ledger, header, position)
        if len(state.reverts) >= MAX_KEPT_REVERTS:
            state.reverts.pop(next(iter(state.reverts)))
        state.reverts[tx_hash] = kept
    return kept


@routes.get("/v1/transactions/{hash}")
async def status(request: web.Request) -> web.Response:
    caller = await caller_roles(request)
    tx_hash = path_hash(request.match_info["hash"], "hash")
    found = await _status(request, tx_hash, caller)
    if found is None:
        raise Problem(404, "not-found", f"no transaction {tx_hash} in the chain or the pool")
    return web.json_response({"transactionHash": tx_hash, **found})
