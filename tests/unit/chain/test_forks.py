"""Fork selection from a geth genesis config: block numbers, the merge, timestamps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from node.chain.forks import Fork, ForkSchedule, ForkScheduleError, parse_fork_schedule

FIXTURE_GENESIS = Path(__file__).resolve().parents[2] / "fixtures" / "rpc-compat" / "genesis.json"

MAINNET_LIKE: dict[str, Any] = {
    "chainId": 1,
    "homesteadBlock": 1_150_000,
    "daoForkBlock": 1_920_000,
    "daoForkSupport": True,
    "eip150Block": 2_463_000,
    "eip155Block": 2_675_000,
    "eip158Block": 2_675_000,
    "byzantiumBlock": 4_370_000,
    "constantinopleBlock": 7_280_000,
    "petersburgBlock": 7_280_000,
    "istanbulBlock": 9_069_000,
    "muirGlacierBlock": 9_200_000,
    "berlinBlock": 12_244_000,
    "londonBlock": 12_965_000,
    "arrowGlacierBlock": 13_773_000,
    "grayGlacierBlock": 15_050_000,
    "terminalTotalDifficulty": 58_750_000_000_000_000_000_000,
    "shanghaiTime": 1_681_338_455,
    "cancunTime": 1_710_338_135,
    "pragueTime": 1_746_612_311,
    "ethash": {},
}


def mainnet() -> ForkSchedule:
    return parse_fork_schedule(MAINNET_LIKE)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, Fork.FRONTIER),
        (1_149_999, Fork.FRONTIER),
        (1_150_000, Fork.HOMESTEAD),
        (2_463_000, Fork.TANGERINE_WHISTLE),
        (2_675_000, Fork.SPURIOUS_DRAGON),
        (4_370_000, Fork.BYZANTIUM),
        (7_280_000, Fork.PETERSBURG),
        (9_069_000, Fork.ISTANBUL),
        (9_200_000, Fork.MUIR_GLACIER),
        (12_244_000, Fork.BERLIN),
        (12_965_000, Fork.LONDON),
        (13_773_000, Fork.ARROW_GLACIER),
        (15_050_000, Fork.GRAY_GLACIER),
    ],
)
def test_proof_of_work_blocks_take_the_last_fork_scheduled_at_or_below_their_number(
    number: int, expected: Fork
) -> None:
    assert mainnet().fork_at(number, timestamp=0, difficulty=1) is expected


def test_a_block_with_difficulty_zero_after_the_merge_is_paris() -> None:
    assert mainnet().fork_at(15_537_394, timestamp=1_663_224_179, difficulty=0) is Fork.PARIS


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        (1_681_338_455, Fork.SHANGHAI),
        (1_710_338_134, Fork.SHANGHAI),
        (1_710_338_135, Fork.CANCUN),
        (1_746_612_311, Fork.PRAGUE),
    ],
)
def test_later_forks_activate_by_timestamp(timestamp: int, expected: Fork) -> None:
    assert mainnet().fork_at(20_000_000, timestamp=timestamp, difficulty=0) is expected


def test_the_dao_fork_block_is_kept_when_the_chain_supports_it() -> None:
    assert mainnet().dao_fork_block == 1_920_000


def test_the_dao_fork_block_is_ignored_without_dao_fork_support() -> None:
    config = {**MAINNET_LIKE, "daoForkSupport": False}
    assert parse_fork_schedule(config).dao_fork_block is None


def test_the_test_chain_genesis_runs_cancun_from_block_zero() -> None:
    config = json.loads(FIXTURE_GENESIS.read_text())["config"]
    schedule = parse_fork_schedule(config)
    assert schedule.fork_at(0, timestamp=0, difficulty=0x20000) is Fork.CANCUN
    assert schedule.fork_at(1, timestamp=10, difficulty=0) is Fork.CANCUN
    assert schedule.terminal_total_difficulty == 131072


def test_a_config_naming_only_berlin_runs_berlin_from_its_block() -> None:
    schedule = parse_fork_schedule({"berlinBlock": 5})
    assert (schedule.fork_at(4, 0, 1), schedule.fork_at(5, 0, 1)) == (Fork.FRONTIER, Fork.BERLIN)


def test_time_forks_without_a_terminal_difficulty_mean_proof_of_stake_from_genesis() -> None:
    schedule = parse_fork_schedule({"londonBlock": 0, "shanghaiTime": 0})
    assert schedule.terminal_total_difficulty == 0


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"osakaTime": 0}, "config.osakaTime names a fork this node does not run"),
        (
            {"homesteadBlock": 5, "byzantiumBlock": 3},
            "config.byzantiumBlock (block 3) comes before config.homesteadBlock (block 5)",
        ),
        (
            {"londonBlock": 0, "shanghaiTime": 10, "cancunTime": 5},
            "config.cancunTime (time 5) comes before config.shanghaiTime (time 10)",
        ),
        (
            {"eip155Block": 1, "eip158Block": 2},
            "config.eip155Block and config.eip158Block must be equal (one fork in py-evm)",
        ),
        (
            {"berlinBlock": 0, "terminalTotalDifficulty": 0},
            "the merge (terminalTotalDifficulty) needs londonBlock",
        ),
        ({"londonBlock": -1}, "config.londonBlock must be a non-negative integer"),
        ({"londonBlock": "0x0"}, "config.londonBlock must be a non-negative integer"),
    ],
)
def test_a_schedule_this_node_cannot_run_is_refused_with_the_reason(
    config: dict[str, Any], message: str
) -> None:
    with pytest.raises(ForkScheduleError) as error:
        parse_fork_schedule(config)
    assert str(error.value) == message
