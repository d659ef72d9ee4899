"""Which fork's rules govern a block of an Ethereum chain, read from a geth genesis config.

geth schedules forks up to the merge by block number (``homesteadBlock`` … ``grayGlacierBlock``),
the merge by total difficulty (``terminalTotalDifficulty``), and later forks by timestamp
(``shanghaiTime`` … ``pragueTime``). py-evm has one VM per fork; this module only names the
fork, as a pure function of a block's number, timestamp and difficulty.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class ForkScheduleError(ValueError):
    """The genesis config schedules forks this node cannot run, or in an impossible order."""


class Fork(IntEnum):
    """py-evm's forks, in activation order."""

    FRONTIER = 0
    HOMESTEAD = 1
    TANGERINE_WHISTLE = 2
    SPURIOUS_DRAGON = 3
    BYZANTIUM = 4
    CONSTANTINOPLE = 5
    PETERSBURG = 6
    ISTANBUL = 7
    MUIR_GLACIER = 8
    BERLIN = 9
    LONDON = 10
    ARROW_GLACIER = 11
    GRAY_GLACIER = 12
    PARIS = 13
    SHANGHAI = 14
    CANCUN = 15
    PRAGUE = 16


BLOCK_FORK_KEYS: tuple[tuple[str, Fork], ...] = (
    ("homesteadBlock", Fork.HOMESTEAD),
    ("eip150Block", Fork.TANGERINE_WHISTLE),
    ("eip155Block", Fork.SPURIOUS_DRAGON),
    ("eip158Block", Fork.SPURIOUS_DRAGON),
    ("byzantiumBlock", Fork.BYZANTIUM),
    ("constantinopleBlock", Fork.CONSTANTINOPLE),
    ("petersburgBlock", Fork.PETERSBURG),
    ("istanbulBlock", Fork.ISTANBUL),
    ("muirGlacierBlock", Fork.MUIR_GLACIER),
    ("berlinBlock", Fork.BERLIN),
    ("londonBlock", Fork.LONDON),
    ("arrowGlacierBlock", Fork.ARROW_GLACIER),
    ("grayGlacierBlock", Fork.GRAY_GLACIER),
)
TIME_FORK_KEYS: tuple[tuple[str, Fork], ...] = (
    ("shanghaiTime", Fork.SHANGHAI),
    ("cancunTime", Fork.CANCUN),
    ("pragueTime", Fork.PRAGUE),
)
KNOWN_LATER_KEYS = ("mergeNetsplitBlock", "terminalTotalDifficultyPassed", "daoForkSupport")
"""Keys geth accepts that select no VM: the netsplit block only changes the fork id."""


@dataclass(frozen=True)
class ForkSchedule:
    """Activation points: ``blocks`` and ``times`` ascending, each fork at most once.

    ``eip155Block`` and ``eip158Block`` are one py-evm fork (Spurious Dragon); a config that
    sets them apart cannot be run by it and is refused.
    """

    blocks: tuple[tuple[int, Fork], ...]
    terminal_total_difficulty: int | None
    times: tuple[tuple[int, Fork], ...]
    dao_fork_block: int | None = None

    def fork_at(self, number: int, timestamp: int, difficulty: int) -> Fork:
        """The fork of a block. A block with difficulty 0 on a chain with a terminal total
        difficulty is a proof-of-stake block (the importer checks its parent reached the
        terminal difficulty); time-scheduled forks all come after the merge."""
        for activation, fork in reversed(self.times):
            if timestamp >= activation:
                return fork
        if self.terminal_total_difficulty is not None and difficulty == 0:
            return Fork.PARIS
        return self.block_fork_at(number)

    def block_fork_at(self, number: int) -> Fork:
        """The fork scheduled by block number alone (ommers of pre-merge blocks use this)."""
        current = Fork.FRONTIER
        for activation, fork in self.blocks:
            if number >= activation:
                current = fork
        return current


def _number(config: dict[str, Any], key: str) -> int | None:
    value = config.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ForkScheduleError(f"config.{key} must be a non-negative integer")
    return value


def parse_fork_schedule(config: dict[str, Any]) -> ForkSchedule:
    """The schedule of a geth genesis ``config`` object, or :class:`ForkScheduleError`."""
    for key in config:
        if key.endswith(("Block", "Time")) and key not in _ALL_KEYS and key != "daoForkBlock":
            raise ForkScheduleError(f"config.{key} names a fork this node does not run")
    blocks = _ascending(config, BLOCK_FORK_KEYS, "block")
    eip155, eip158 = _number(config, "eip155Block"), _number(config, "eip158Block")
    if eip155 is not None and eip158 is not None and eip155 != eip158:
        raise ForkScheduleError(
            "config.eip155Block and config.eip158Block must be equal (one fork in py-evm)"
        )
    times = _ascending(config, TIME_FORK_KEYS, "time")
    ttd = _number(config, "terminalTotalDifficulty")
    if times and ttd is None:
        ttd = 0  # time-scheduled forks follow the merge: without a terminal difficulty, the
        # chain has been proof of stake since genesis
    if ttd is not None and (not blocks or blocks[-1][1] < Fork.LONDON):
        raise ForkScheduleError("the merge (terminalTotalDifficulty) needs londonBlock")
    dao_block = _number(config, "daoForkBlock") if config.get("daoForkSupport") else None
    return ForkSchedule(
        blocks=tuple(dict.fromkeys(blocks)),
        terminal_total_difficulty=ttd,
        times=times,
        dao_fork_block=dao_block,
    )


def _ascending(
    config: dict[str, Any], keys: tuple[tuple[str, Fork], ...], what: str
) -> tuple[tuple[int, Fork], ...]:
    """Scheduled forks in order; a fork may not activate before an earlier one (geth refuses
    that). A fork left out simply never activates on its own: the next scheduled fork's rules
    include it, as Besu reads a genesis that names only ``berlinBlock``."""
    scheduled: list[tuple[int, Fork]] = []
    for key, fork in keys:
        activation = _number(config, key)
        if activation is None:
            continue
        if scheduled and activation < scheduled[-1][0]:
            raise ForkScheduleError(
                f"config.{key} ({what} {activation}) comes before"
                f" config.{_key_of(scheduled[-1][1])} ({what} {scheduled[-1][0]})"
            )
        scheduled.append((activation, fork))
    return tuple(scheduled)


def _key_of(fork: Fork) -> str:
    return next(key for key, named in (*BLOCK_FORK_KEYS, *TIME_FORK_KEYS) if named is fork)


_ALL_KEYS = {key for key, _ in (*BLOCK_FORK_KEYS, *TIME_FORK_KEYS)} | set(KNOWN_LATER_KEYS)
