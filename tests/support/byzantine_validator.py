"""A validator process that equivocates, for the network tests.

``python -m tests.support.byzantine_validator ARGS`` runs ``dcl ARGS`` (a real node: its own
key, handshakes, ledger and consensus core) whose consensus shell rewrites what the node
sends, splitting its peers in two: the first by address, and the others.

- Whenever it proposes a new block (not a prepared one), it proposes two valid blocks, the
  node's own (A) and one with an extra transaction (B), with the same justification: the
  first group gets A then B, the others B then A; with its
  prepare it sends its commit at once, for A to the first group and for B to the others
  (commit seals made for each), so B can reach a quorum with the others' votes.
- In every other round it commits three times: its real commit, a commit for the same block
  with a second, different valid seal, and a commit for another digest; the first group gets
  them in that order, the others in reverse.

Honest validators must count at most one message per author and kind in a round, refuse the
rest, and never finalize two blocks at a height.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sys
from collections.abc import Sequence

from coincurve import PrivateKey
from coincurve._libsecp256k1 import ffi
from eth_account import Account

from node import network_service
from node.chain.header import QbftBlock
from node.cli import main
from node.consensus.effects import Broadcast, Effect
from node.consensus.messages import (
    Commit,
    CommitPayload,
    MessageCode,
    MessageDecodingError,
    Prepare,
    PreparePayload,
    Proposal,
    ProposalPayload,
    QbftMessage,
    decode_message,
    encode_message,
    sign_payload,
)
from node.consensus.round_id import RoundId
from node.consensus.sealing import seal_digest
from node.consensus.signer import PrivateKeySigner
from node.p2p.connection import Peer
from node.p2p.frames import Consensus
from node.p2p.network import PeerNetwork
from node.qbft_runner import QbftRunner
from node.txpool.encoding import decode_raw_transaction

REMEMBERED_BLOCKS = 64
SENDER_KEY_VARIABLE = "DCL_BYZANTINE_SENDER_KEY"
"""The environment variable holding the key that signs the second proposal's extra transfer."""


def second_seal(key: bytes, digest: bytes) -> bytes:
    """A valid low-s signature of ``digest`` other than the deterministic one: the RFC 6979
    nonce drawn with extra data."""
    extra = ffi.new("unsigned char [32]", b"\x01" * 32)
    return bytes(
        PrivateKey(key).sign_recoverable(digest, hasher=None, custom_nonce=(ffi.NULL, extra))
    )


class EquivocatingRunner(QbftRunner):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        key = args[1]
        assert isinstance(key, bytes)
        self._key = key
        self._signer = PrivateKeySigner(key)
        self._second_blocks: dict[RoundId, QbftBlock] = {}
        self._proposed: dict[bytes, QbftBlock] = {}

    def message_received(self, code: int, data: bytes) -> None:
        """Keep each proposed block by hash, to make a second seal for it later."""
        if code == MessageCode.PROPOSAL:
            with contextlib.suppress(MessageDecodingError):
                self._remember(decode_message(code, data))
        super().message_received(code, data)

    def _remember(self, message: QbftMessage) -> None:
        if isinstance(message, Proposal):
            if len(self._proposed) > REMEMBERED_BLOCKS:
                self._proposed.clear()
            self._proposed[bytes(message.block.hash)] = message.block

    async def _apply(self, effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Broadcast):
                await self._send_conflicting(decode_message(effect.code, effect.data))
            else:
                await super()._apply([effect])

    def _groups(self) -> tuple[list[Peer], list[Peer]]:
        network = self._links
        assert isinstance(network, PeerNetwork)
        peers = [network.peers[address] for address in sorted(network.peers)]
        return peers[:1], peers[1:]

    def _send(self, peers: Sequence[Peer], messages: Sequence[QbftMessage]) -> None:
        for peer in peers:
            for message in messages:
                peer.send(Consensus(int(message.code), encode_message(message)))

    def _split(self, for_first: Sequence[QbftMessage], for_others: Sequence[QbftMessage]) -> None:
        first, others = self._groups()
        self._send(first, for_first)
        self._send(others, for_others)

    async def _send_conflicting(self, message: QbftMessage) -> None:
        self._remember(message)
        round_id = message.round_id
        if isinstance(message, Proposal) and not message.prepares:
            second = await asyncio.get_running_loop().run_in_executor(
                self._executor, self._second_block, message.block, round_id.round
            )
            self._second_blocks[round_id] = second
            signed = sign_payload(ProposalPayload(round_id, second), self._signer)
            other = Proposal(signed, message.round_changes, ())
            self._split([message, other], [other, message])
        elif isinstance(message, Prepare) and round_id in self._second_blocks:
            # It commits at once, to both blocks: its own core would wait for a quorum of
            # prepares of its first block, which never comes.
            first, second = self._proposed[message.digest], self._second_blocks[round_id]
            payload = PreparePayload(round_id, bytes(second.hash))
            self._split(
                [message, self._commit(round_id, first)],
                [Prepare(sign_payload(payload, self._signer)), self._commit(round_id, second)],
            )
        elif isinstance(message, Commit) and round_id in self._second_blocks:
            return  # sent with its prepares
        elif isinstance(message, Commit) and message.digest in self._proposed:
            digest = seal_digest(self._proposed[message.digest], round_id.round)
            resealed = CommitPayload(round_id, message.digest, second_seal(self._key, digest))
            other_digest = CommitPayload(round_id, secrets.token_bytes(32), message.commit_seal)
            conflicting = [
                message,
                Commit(sign_payload(resealed, self._signer)),
                Commit(sign_payload(other_digest, self._signer)),
            ]
            self._split(conflicting, conflicting[::-1])
        else:
            self._links.broadcast_consensus(int(message.code), encode_message(message))

    def _commit(self, round_id: RoundId, block: QbftBlock) -> Commit:
        seal = self._signer.sign(seal_digest(block, round_id.round))
        return Commit(sign_payload(CommitPayload(round_id, bytes(block.hash), seal), self._signer))

    def _second_block(self, block: QbftBlock, round_number: int) -> QbftBlock:
        """A valid block for the same height and round: ``block``'s transactions and one more,
        a zero-fee transfer from the account whose key ``SENDER_KEY_VARIABLE`` names (one the
        permissioned chain lets transact, so the block is valid; gas is free on this chain)."""
        sender = Account.from_key(os.environ[SENDER_KEY_VARIABLE])
        parent = self._ledger.header_by_hash(block.header.parent_hash)
        nonce = self._ledger.state_at(parent).get_nonce(bytes.fromhex(sender.address[2:]))
        signed = sender.sign_transaction(
            {"type": 2, "chainId": self._ledger.chain_id, "nonce": nonce, "gas": 21_000,
             "to": "0x" + "00" * 19 + "01", "value": 0, "maxFeePerGas": 0,
             "maxPriorityFeePerGas": 0}
        )  # fmt: skip
        extra = decode_raw_transaction(signed.raw_transaction, self._ledger.transaction_builder)
        built = self._ledger.build_block(
            [*block.transactions, extra],
            coinbase=block.header.coinbase,
            timestamp=block.header.timestamp,
            round_number=round_number,
            parent=parent,
        )
        return built.block


if __name__ == "__main__":
    network_service.QbftRunner = EquivocatingRunner  # type: ignore[misc]
    sys.exit(main(sys.argv[1:]))
