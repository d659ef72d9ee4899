"""`dcl genesis new` and `dcl init`: the files a new network and a node start from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genesis.dev_keys import dev_validator_key
from node.chain.extra_data import decode_extra_data
from node.chain.genesis import genesis_state_root, load_genesis, qbft_genesis_header
from node.chain.seals import address_of
from node.cli import main
from node.datadir import DataDir, DataDirError, init_datadir


def test_genesis_new_writes_a_qbft_genesis_listing_every_validator_sorted(tmp_path: Path) -> None:
    assert main(["genesis", "new", "--validators", "4", "--out", str(tmp_path)]) == 0
    genesis = load_genesis(tmp_path / "genesis.json")
    keys = [bytes.fromhex((tmp_path / f"validator-{i}" / "key").read_text()) for i in range(1, 5)]
    assert genesis.validators == tuple(sorted(address_of(k) for k in keys))
    assert genesis.qbft is not None and genesis.qbft.block_period_seconds == 1
    assert genesis.base_fee_per_gas == 0
    assert genesis.difficulty == 1


def test_genesis_new_funds_the_dev_accounts_and_marks_them_dev_only(tmp_path: Path) -> None:
    main(["genesis", "new", "--validators", "1", "--accounts", "3", "--out", str(tmp_path)])
    listed = json.loads((tmp_path / "dev-only-accounts.json").read_text())
    assert listed["warning"].startswith("DEV ONLY")
    genesis = load_genesis(tmp_path / "genesis.json")
    addresses = {bytes.fromhex(a["address"][2:]) for a in listed["accounts"]}
    assert len(addresses) == 3
    assert {a for a, account in genesis.alloc.items() if account.balance == 10**24} == addresses


def test_genesis_new_draws_fresh_keys_unless_dev_only_keys_are_asked_for(tmp_path: Path) -> None:
    main(["genesis", "new", "--validators", "1", "--out", str(tmp_path / "a")])
    main(["genesis", "new", "--validators", "1", "--out", str(tmp_path / "b")])
    main(["genesis", "new", "--validators", "1", "--dev-only-keys", "--out", str(tmp_path / "c")])
    a, b, c = ((tmp_path / n / "validator-1" / "key").read_text() for n in "abc")
    assert a != b
    assert c.strip() == dev_validator_key(1).hex()


def test_genesis_extra_data_has_round_zero_no_vote_and_no_seals(tmp_path: Path) -> None:
    main(["genesis", "new", "--validators", "2", "--out", str(tmp_path)])
    extra = decode_extra_data(load_genesis(tmp_path / "genesis.json").extra_data)
    assert (extra.vote, extra.round, extra.seals) == (None, 0, ())


def test_two_networks_with_the_same_dev_keys_have_different_genesis_hashes(
    tmp_path: Path,
) -> None:
    for name in ("a", "b"):
        args = ["genesis", "new", "--validators", "1", "--dev-only-keys", "--out"]
        main([*args, str(tmp_path / name)])
    genesis = [load_genesis(tmp_path / name / "genesis.json") for name in ("a", "b")]
    assert genesis[0].validators == genesis[1].validators
    headers = [qbft_genesis_header(g, genesis_state_root(g.alloc)) for g in genesis]
    assert headers[0].hash != headers[1].hash


def test_init_copies_the_genesis_and_keeps_the_given_key(tmp_path: Path) -> None:
    main(["genesis", "new", "--validators", "1", "--out", str(tmp_path / "net")])
    key_file = tmp_path / "net" / "validator-1" / "key"
    data = init_datadir(tmp_path / "node", tmp_path / "net" / "genesis.json", key_file)
    assert data.load_key() == bytes.fromhex(key_file.read_text())
    assert data.genesis_file.read_bytes() == (tmp_path / "net" / "genesis.json").read_bytes()


def test_init_refuses_a_directory_of_another_genesis(tmp_path: Path) -> None:
    main(["genesis", "new", "--validators", "1", "--out", str(tmp_path / "one")])
    main(["genesis", "new", "--validators", "1", "--out", str(tmp_path / "two")])
    init_datadir(tmp_path / "node", tmp_path / "one" / "genesis.json")
    with pytest.raises(DataDirError, match="another genesis"):
        init_datadir(tmp_path / "node", tmp_path / "two" / "genesis.json")


def test_run_on_an_uninitialised_directory_fails_with_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--datadir", str(tmp_path / "nothing"), "--rpc", "127.0.0.1:0"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"dcl: error: {tmp_path / 'nothing'} is not initialised: run `dcl init` first"
    )


def test_a_node_key_that_is_not_hex_is_refused(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    data.key_file.write_text("not a key\n")
    with pytest.raises(DataDirError, match="is not a hex private key"):
        data.load_key()


def test_genesis_new_switches_permissioning_on_with_the_dev_accounts_as_bootstrap_accounts(
    tmp_path: Path,
) -> None:
    main(["genesis", "new", "--validators", "1", "--accounts", "2", "--out", str(tmp_path)])
    listed = json.loads((tmp_path / "dev-only-accounts.json").read_text())
    genesis = load_genesis(tmp_path / "genesis.json")
    assert genesis.permissioning is not None
    assert genesis.permissioning.bootstrap_accounts == {
        bytes.fromhex(a["address"][2:]) for a in listed["accounts"]
    }
