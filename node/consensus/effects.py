"""What the core asks the shell to do. The core never performs them itself."""

from __future__ import annotations

from dataclasses import dataclass

from node.chain.header import QbftBlock
from node.consensus.messages import MessageCode
from node.consensus.round_id import RoundId
from node.consensus.validation.reasons import Reason


@dataclass(frozen=True)
class Broadcast:
    """Send a message this node created to every other validator."""

    code: MessageCode
    data: bytes


@dataclass(frozen=True)
class Gossip:
    """Forward a received message that passed the height and author checks to the other
    validators (they drop what they have seen); ``author`` signed it, so the shell need not
    send it back to the author, nor to peers the author reaches itself."""

    code: MessageCode
    data: bytes
    author: bytes


@dataclass(frozen=True)
class StartBlockTimer:
    """Deliver :class:`BlockTimerExpired` for ``round_id`` at time ``at`` (at once if past)."""

    round_id: RoundId
    at: float


@dataclass(frozen=True)
class StartRoundTimer:
    """Deliver :class:`RoundTimerExpired` after ``seconds``; replaces any running round timer."""

    round_id: RoundId
    seconds: float


@dataclass(frozen=True)
class ImportBlock:
    """A block with a quorum of verified commit seals: import it, then report the new head."""

    block: QbftBlock
    round_id: RoundId


@dataclass(frozen=True)
class Rejected:
    """A message the core refused, and why (for logs, metrics and peer scoring)."""

    reason: Reason
    code: int | None = None
    author: bytes | None = None
    round_id: RoundId | None = None
    detail: str = ""


Effect = Broadcast | Gossip | StartBlockTimer | StartRoundTimer | ImportBlock | Rejected
