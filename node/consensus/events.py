"""What drives the core: received messages, timer expiries and new chain heads.

Each event carries the time at which the shell took it from its queue (seconds since the
epoch): the core reads the clock only through events, so tests run it on a fake clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth.abc import BlockHeaderAPI

from node.consensus.round_id import RoundId


@dataclass(frozen=True)
class MessageReceived:
    code: int
    data: bytes
    now: float


@dataclass(frozen=True)
class BlockTimerExpired:
    """The block period after the parent has passed: round 0 of ``round_id.height`` starts."""

    round_id: RoundId
    now: float


@dataclass(frozen=True)
class RoundTimerExpired:
    round_id: RoundId
    now: float


@dataclass(frozen=True)
class NewChainHead:
    """A block was imported (sealed by this node's round or synced from a peer)."""

    header: BlockHeaderAPI
    now: float


Event = MessageReceived | BlockTimerExpired | RoundTimerExpired | NewChainHead
