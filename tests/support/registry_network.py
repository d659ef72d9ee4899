"""A QBFT network of real processes whose genesis comes from the sample consortium file (the
first exchanges run the validators, ExchangeRegistry predeployed), and membership votes sent
to it as real signed transactions over JSON-RPC (DEV ONLY operator keys)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import rlp
from eth_account import Account
from eth_utils import to_checksum_address

from genesis.generator import DEFAULT_CHAIN_ID, write_network
from node.chain.extra_data import QbftExtraData, decode_extra_data
from node.chain.header import QbftBlockHeader
from node.chain.header_rules import check_commit_seals
from node.chain.registry_validators import EXCHANGE_REGISTRY_PROXY
from node.datadir import init_datadir, read_key
from node.p2p.peer_url import PeerUrl, node_public_key
from tests.support.node_process import wait_for
from tests.support.qbft_processes import Member, QbftNetwork, free_port
from tests.support.registry_votes import GOVERNANCE_GAS, SignedCall, Vote, sample_consortium
from tests.support.rpc import rpc

RECEIPT_TIMEOUT_SECONDS = 60


def member_for(datadir: Path) -> Member:
    return Member(
        datadir, PeerUrl(node_public_key(read_key(datadir / "key")), "127.0.0.1", free_port())
    )


def consortium_network(root: Path, validators: int = 4) -> QbftNetwork:
    """``validators`` processes for the first exchanges of the sample consortium (DEV ONLY
    keys), one-second round timeouts."""
    network = root / "network"
    write_network(
        network,
        validators=validators,
        consortium=sample_consortium(),
        dev_only_keys=True,
        request_timeout_seconds=1,
    )
    members = [
        member_for(
            init_datadir(
                root / f"validator-{index}", network / "genesis.json",
                network / f"validator-{index}" / "key",
            ).root
        )
        for index in range(1, validators + 1)
    ]  # fmt: skip
    return QbftNetwork(root, members)


def new_node(network: QbftNetwork, name: str) -> Member:
    """A data directory on the network's genesis with a fresh node key (not yet a validator)."""
    return member_for(init_datadir(network.root / name, network.genesis).root)


def address(member: Member) -> bytes:
    return member.url.address


def url_of(member: Member) -> str:
    assert member.process is not None
    return member.process.rpc_url


def _send(member: Member, call: SignedCall) -> str:
    sender = Account.from_key(call.key)
    nonce = int(str(rpc(url_of(member), "eth_getTransactionCount", sender.address, "pending")), 16)
    signed = sender.sign_transaction(
        {"type": 2, "chainId": DEFAULT_CHAIN_ID, "nonce": nonce, "gas": GOVERNANCE_GAS,
         "to": to_checksum_address(EXCHANGE_REGISTRY_PROXY), "value": 0, "data": call.data,
         "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
    )  # fmt: skip
    return str(rpc(url_of(member), "eth_sendRawTransaction", "0x" + signed.raw_transaction.hex()))


def _included(member: Member, hashes: Sequence[str]) -> list[dict[str, Any]]:
    """The receipts of ``hashes``, once all are included; each must have succeeded."""
    found: dict[str, dict[str, Any]] = {}

    def all_included() -> bool:
        for tx_hash in hashes:
            if tx_hash not in found:
                receipt = rpc(url_of(member), "eth_getTransactionReceipt", tx_hash)
                if isinstance(receipt, dict):
                    found[tx_hash] = receipt
        return len(found) == len(hashes)

    wait_for(all_included, timeout=RECEIPT_TIMEOUT_SECONDS)
    receipts = [found[h] for h in hashes]
    assert [r["status"] for r in receipts] == ["0x1"] * len(receipts), receipts
    return receipts


def pass_vote(member: Member, vote: Vote) -> int:
    """Send the proposal, then its approvals, then its execution to ``member``, each step once
    the previous is included; the number of the block that executed it."""
    _included(member, [_send(member, vote.propose)])
    _included(member, [_send(member, call) for call in vote.approvals])
    (executed,) = _included(member, [_send(member, vote.execute)])
    return int(executed["blockNumber"], 16)


def header(member: Member, number: int) -> QbftBlockHeader:
    raw = str(rpc(url_of(member), "debug_getRawHeader", hex(number)))
    return cast(QbftBlockHeader, rlp.decode(bytes.fromhex(raw[2:]), sedes=QbftBlockHeader))


def extra(member: Member, number: int) -> QbftExtraData:
    return decode_extra_data(header(member, number).extra_data)


def committers(member: Member, number: int) -> tuple[bytes, ...]:
    """The validators whose commit seals block ``number`` carries (checked as import does)."""
    sealed = header(member, number)
    return check_commit_seals(sealed, decode_extra_data(sealed.extra_data).validators)
