"""Besu's ``RoundChangeManager`` and ``RoundChangeArtifacts``.

Collects valid round changes per target round (one per author) until a quorum forms, which
is used once: the proposer of that round proposes with it as justification. It also tracks the
highest round each validator has asked for, so that f+1 validators ahead of this node move it
forward early rather than after its own timeout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from node.consensus.messages import RoundChange, RoundChangePayload, SignedPayload
from node.consensus.round_state import PreparedCertificate


@dataclass(frozen=True)
class RoundChangeArtifacts:
    """What a proposer needs to propose in a new round: the round changes and the prepared
    certificate of the highest prepared round among them, if any."""

    round_changes: tuple[SignedPayload[RoundChangePayload], ...]
    best_prepared: PreparedCertificate | None

    @classmethod
    def create(cls, round_changes: Sequence[RoundChange]) -> RoundChangeArtifacts:
        best: PreparedCertificate | None = None
        for rc in round_changes:
            prepared = rc.prepared
            if prepared is None or rc.prepared_block is None:
                continue
            if best is None or prepared.round > best.round:
                best = PreparedCertificate(rc.prepared_block, rc.prepares, prepared.round)
        return cls(tuple(rc.signed for rc in round_changes), best)


class _RoundChangeStatus:
    def __init__(self) -> None:
        self.by_author: dict[bytes, RoundChange] = {}
        self.actioned = False


class RoundChangeManager:
    """Holds only messages that passed the round-change validator."""

    def __init__(self, quorum: int, early_quorum: int) -> None:
        self._quorum = quorum
        self._early_quorum = early_quorum
        self._rounds: dict[int, _RoundChangeStatus] = {}
        self._latest_of_author: dict[bytes, RoundChange] = {}

    def note_round_of_author(self, message: RoundChange) -> None:
        """Remember each author's round change for its highest round (one per author)."""
        latest = self._latest_of_author.get(message.author)
        if latest is None or message.round_id.round > latest.round_id.round:
            self._latest_of_author[message.author] = message

    def append(self, message: RoundChange) -> tuple[RoundChange, ...] | None:
        """Store ``message``; the quorum of its target round the first time there is one."""
        status = self._rounds.setdefault(message.round_id.round, _RoundChangeStatus())
        if status.actioned:
            return None
        status.by_author.setdefault(message.author, message)
        if len(status.by_author) < self._quorum:
            return None
        status.actioned = True
        return tuple(status.by_author.values())

    def early_round(self, current_round: int) -> int | None:
        """The lowest round above ``current_round`` once f+1 validators asked for higher."""
        rounds = [message.round_id.round for message in self._latest_of_author.values()]
        ahead = [r for r in rounds if r > current_round]
        return min(ahead) if len(ahead) >= self._early_quorum else None

    def restore(self, low: int, high: int) -> None:
        """Count again the latest round changes of authors whose round is in [low, high]:
        messages too far ahead when they came count once this node has caught up. Restoring
        never completes a quorum by itself; the next appended message does."""
        for message in self._latest_of_author.values():
            if low <= message.round_id.round <= high:
                status = self._rounds.setdefault(message.round_id.round, _RoundChangeStatus())
                if not status.actioned:
                    status.by_author.setdefault(message.author, message)

    def discard_rounds_before(self, round_number: int) -> None:
        for target in [r for r in self._rounds if r < round_number]:
            del self._rounds[target]
