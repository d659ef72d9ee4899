"""What the consensus core needs from the rest of the node, as small protocols.

The node shell implements them over :mod:`node.chain.ledger`; tests implement them over an
in-memory chain. None of them may block on the network: block creation and validation run on
data the node already holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from eth.abc import BlockHeaderAPI

from node.chain.header import QbftBlock


class Signer(Protocol):
    """The local validator's key: signs 32-byte digests (low-s, 65 bytes ``r||s||v``)."""

    @property
    def address(self) -> bytes: ...

    def sign(self, digest: bytes) -> bytes: ...


class BlockCreator(Protocol):
    """Builds the block this node proposes on ``parent``; its extraData carries ``round``."""

    def create_block(
        self, parent: BlockHeaderAPI, round_number: int, timestamp: int
    ) -> QbftBlock: ...


class BlockValidator(Protocol):
    """Checks a proposed (unsealed) block against its parent and state: ``None`` if it may be
    committed, otherwise why not."""

    def validate_block(self, block: QbftBlock) -> str | None: ...


class ValidatorProvider(Protocol):
    """The validators of the height after ``parent`` (a function of the parent's state)."""

    def validators_after(self, parent: BlockHeaderAPI) -> Sequence[bytes]: ...
