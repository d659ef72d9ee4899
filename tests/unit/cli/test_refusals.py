"""What ``dcl`` refuses, each in one line without a traceback, and the modes of its key files."""

from __future__ import annotations

import shutil
import stat
import time
from pathlib import Path

import pytest

from node.chain.genesis import load_genesis
from node.chain.ledger import GenesisMismatchError, Ledger
from node.cli import build_parser, main
from node.datadir import DataDir
from node.storage.leveldb import LevelDB

OWNER_ONLY = 0o600


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def new_network(out: Path) -> Path:
    assert main(["genesis", "new", "--validators", "1", "--out", str(out)]) == 0
    return out / "genesis.json"


def test_run_on_chain_data_of_another_genesis_fails_with_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = new_network(tmp_path / "one"), new_network(tmp_path / "two")
    node = tmp_path / "node"
    assert main(["init", "--genesis", str(first), "--datadir", str(node)]) == 0
    chaindata = DataDir(node).chaindata
    Ledger(LevelDB(chaindata), load_genesis(first)).db.close()
    shutil.copyfile(second, node / "genesis.json")  # an operator's mistake
    db = LevelDB(chaindata)
    with pytest.raises(GenesisMismatchError) as mismatch:  # the ledger's own words
        Ledger(db, load_genesis(second))
    db.close()
    capsys.readouterr()

    status = main(["run", "--datadir", str(node), "--rpc", "127.0.0.1:0"])

    assert (status, capsys.readouterr().err) == (1, f"dcl: error: {mismatch.value}\n")


def test_genesis_new_refuses_a_directory_that_already_holds_a_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_network(tmp_path)
    key = (tmp_path / "validator-1" / "key").read_text()
    capsys.readouterr()

    status = main(["genesis", "new", "--validators", "1", "--out", str(tmp_path)])

    assert (status, capsys.readouterr().err) == (
        1,
        f"dcl: error: {tmp_path} already holds a network; choose another --out\n",
    )
    assert (tmp_path / "validator-1" / "key").read_text() == key


def test_init_refuses_a_directory_that_has_another_node_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genesis = new_network(tmp_path / "net")
    node = tmp_path / "node"
    assert main(["init", "--genesis", str(genesis), "--datadir", str(node)]) == 0
    kept = DataDir(node).load_key()
    other = tmp_path / "other-key"
    other.write_text("0x" + "5a" * 32 + "\n")
    capsys.readouterr()

    status = main(["init", "--genesis", str(genesis), "--datadir", str(node), "--key", str(other)])

    assert (status, capsys.readouterr().err) == (
        1,
        f"dcl: error: {node} already has another node key\n",
    )
    assert DataDir(node).load_key() == kept


def test_init_again_with_the_same_key_is_harmless(tmp_path: Path) -> None:
    genesis = new_network(tmp_path / "net")
    key = tmp_path / "net" / "validator-1" / "key"
    node = tmp_path / "node"
    init = ["init", "--genesis", str(genesis), "--datadir", str(node), "--key", str(key)]
    assert main(init) == 0

    assert main(init) == 0
    assert DataDir(node).load_key() == bytes.fromhex(key.read_text())


def test_init_with_a_key_that_is_not_hex_writes_nothing(tmp_path: Path) -> None:
    genesis = new_network(tmp_path / "net")
    bad = tmp_path / "bad-key"
    bad.write_text("not a key\n")
    node = tmp_path / "node"

    status = main(["init", "--genesis", str(genesis), "--datadir", str(node), "--key", str(bad)])

    assert (status, node.exists()) == (1, False)


def test_the_node_key_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    genesis = new_network(tmp_path / "net")
    node = tmp_path / "node"

    main(["init", "--genesis", str(genesis), "--datadir", str(node)])

    assert mode(DataDir(node).key_file) == OWNER_ONLY


def test_validator_keys_and_dev_accounts_are_created_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    main(["genesis", "new", "--validators", "2", "--out", str(tmp_path)])

    assert [
        mode(tmp_path / "validator-1" / "key"),
        mode(tmp_path / "validator-2" / "key"),
        mode(tmp_path / "dev-only-accounts.json"),
    ] == [OWNER_ONLY, OWNER_ONLY, OWNER_ONLY]


@pytest.mark.parametrize("value", ["0", "-5", "ten"])
def test_a_log_range_limit_that_is_not_a_positive_integer_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["run", "--datadir", str(tmp_path), "--rpc-max-log-range", value])
    assert refused.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"dcl run: error: argument --rpc-max-log-range: expected a positive integer, got {value!r}"
    )


def test_the_default_log_range_limit_is_ten_thousand_blocks() -> None:
    args = build_parser().parse_args(["run", "--datadir", "d"])
    assert (args.rpc_max_log_range, args.ws) == (10_000, None)


@pytest.mark.parametrize(
    ("arguments", "exposed"),
    [
        (["--rpc", "0.0.0.0:0"], "0.0.0.0"),
        (["--rpc", "127.0.0.1:0", "--ws", "192.168.1.5:0"], "192.168.1.5"),
    ],
)
def test_json_rpc_without_tokens_is_refused_off_loopback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], exposed: str
) -> None:
    node = tmp_path / "node"
    assert (
        main(["init", "--genesis", str(new_network(tmp_path / "net")), "--datadir", str(node)]) == 0
    )
    capsys.readouterr()

    status = main(["run", "--datadir", str(node), *arguments, "--rpc-no-auth"])

    assert (status, capsys.readouterr().err) == (
        1,
        "dcl: error: --rpc-no-auth serves JSON-RPC to anyone who reaches it: it is refused on"
        f" {exposed}, which is not a loopback address\n",
    )


def test_rpc_token_issues_a_token_the_nodes_secret_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from node.rpc.auth import Role, verify_token

    node = tmp_path / "node"
    main(["init", "--genesis", str(new_network(tmp_path / "net")), "--datadir", str(node)])
    capsys.readouterr()
    account = "0x4dBEc02F7AAca7f1B3962e1E6732fEFD63790964"
    assert (
        main(["rpc-token", "--datadir", str(node), "--role", "participant", "--account", account])
        == 0
    )
    token = capsys.readouterr().out.strip()
    caller = verify_token(DataDir(node).rpc_secret(), token, now=int(time.time()))
    assert (caller.role, caller.account) == (Role.PARTICIPANT, bytes.fromhex(account[2:]))


def test_a_participant_token_needs_its_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = tmp_path / "node"
    main(["init", "--genesis", str(new_network(tmp_path / "net")), "--datadir", str(node)])
    capsys.readouterr()
    assert main(["rpc-token", "--datadir", str(node), "--role", "participant"]) == 1
    assert capsys.readouterr().err == (
        "dcl: error: a participant's token names its account: add --account 0x...\n"
    )
