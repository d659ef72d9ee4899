"""Permissioning on a network of real processes: four validators of the sample consortium's
first exchanges, the fourth patched (in this test) to run without the account rule. Its pool
takes an unregistered account's transaction and its proposals carry it; the three honest
validators refuse every such proposal, by the rule of block validity, and the chain goes on
without it. The consortium then removes the misbehaving exchange: the honest validators, which
never named its node, disconnect it at the next block and refuse it from then on."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from eth_account import Account
from eth_utils import keccak

from node.p2p.frames import Hello, encode_frame
from node.p2p.peer_url import node_public_key
from tests.support.node_process import wait_for
from tests.support.qbft_processes import Member, QbftNetwork, hashes_up_to, head_number
from tests.support.registry_network import address, consortium_network, pass_vote, url_of
from tests.support.registry_votes import propose_remove, sample_consortium, vote
from tests.support.rpc import RpcError, rpc

pytestmark = [pytest.mark.network, pytest.mark.slow]
PATCHED = "tests.support.permissive_validator"
STRANGER = Account.from_key(keccak(b"an account no exchange registered"))


@pytest.fixture
def network(tmp_path: Path) -> Iterator[QbftNetwork]:
    """The three honest validators dial one another only; the patched one dials them."""
    qbft = consortium_network(tmp_path)
    honest = qbft.validators[:3]
    try:
        for member in honest:
            qbft.start(member, dials=honest)
        qbft.start(qbft.validators[3], module=PATCHED)
        wait_for(lambda: min(head_number(m) for m in qbft.validators) >= 1, timeout=90)
        yield qbft
    finally:
        qbft.stop_all()


def forbidden_transfer() -> str:
    signed = STRANGER.sign_transaction(
        {"type": 2, "chainId": 1337, "nonce": 0, "to": STRANGER.address, "gas": 21_000,
         "value": 0, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
    )  # fmt: skip
    return "0x" + signed.raw_transaction.hex()


def logged(member: Member, *parts: str) -> bool:
    assert member.process is not None
    return any(all(part in line for part in parts) for line in member.process.log_lines)


def test_a_misbehaving_validator_is_outvoted_then_removed_and_disconnected(
    network: QbftNetwork,
) -> None:
    """One network, three acts (a network of four processes is too costly to start thrice)."""
    proposals_carrying_a_forbidden_transaction_are_outvoted(network)
    an_unknown_node_key_cannot_connect(network)
    a_removed_exchanges_validator_is_disconnected_at_the_next_block(network)


def proposals_carrying_a_forbidden_transaction_are_outvoted(network: QbftNetwork) -> None:
    honest, patched = network.validators[:3], network.validators[3]
    raw = forbidden_transfer()
    with pytest.raises(RpcError) as refused:
        rpc(url_of(honest[0]), "eth_sendRawTransaction", raw)
    assert refused.value.error["message"] == (
        f"account not permitted: {STRANGER.address} is not registered (no operator of an"
        " active exchange, regulator, regulator root or active participant)"
    )
    tx_hash = str(rpc(url_of(patched), "eth_sendRawTransaction", raw))

    reason = (
        f"permissioning: transaction 0 ({tx_hash}) from {STRANGER.address}: account not"
        f" permitted: {STRANGER.address} is not registered"
    )
    wait_for(lambda: any(logged(m, "proposal refused", reason) for m in honest), timeout=120)
    refused_at = head_number(honest[0])
    target = refused_at + 4
    wait_for(lambda: min(head_number(m) for m in honest) >= target, timeout=90)
    reference = hashes_up_to(honest[0], target)
    assert all(hashes_up_to(m, target) == reference for m in honest)
    for member in network.validators:
        assert rpc(url_of(member), "eth_getTransactionReceipt", tx_hash) is None
    assert rpc(url_of(patched), "eth_getTransactionByHash", tx_hash) is not None  # still pooled


def an_unknown_node_key_cannot_connect(network: QbftNetwork) -> None:
    member = network.validators[0]
    genesis = rpc(url_of(member), "eth_getBlockByNumber", "0x0", False)
    assert isinstance(genesis, dict)
    hello = Hello(
        node_public_key(secrets.token_bytes(32)),
        secrets.token_bytes(32),
        bytes.fromhex(str(genesis["hash"])[2:]),
    )

    async def first_answer() -> aiohttp.WSMessage:
        url = f"ws://127.0.0.1:{member.url.port}/p2p"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            await ws.send_bytes(encode_frame(hello))
            return await ws.receive()

    answer = asyncio.run(first_answer())
    assert (answer.type, answer.data, answer.extra) == (
        aiohttp.WSMsgType.CLOSE,
        4001,
        "NOT_ALLOWLISTED",
    )


def a_removed_exchanges_validator_is_disconnected_at_the_next_block(network: QbftNetwork) -> None:
    honest, patched = network.validators[:3], network.validators[3]
    fourth_exchange = sample_consortium().exchanges[3].code
    peer = "0x" + address(patched).hex()

    changed_at = pass_vote(honest[0], vote(propose_remove(fourth_exchange), 1))

    wait_for(lambda: all(logged(m, "peer no longer allowed", peer) for m in honest), timeout=60)
    wait_for(lambda: all(logged(m, "handshake refused", "NOT_ALLOWLISTED") for m in honest),
             timeout=60)  # fmt: skip
    stalled = head_number(patched)
    wait_for(
        lambda: min(head_number(m) for m in honest) >= max(stalled, changed_at) + 4, timeout=90
    )
    assert head_number(patched) <= changed_at + 1
