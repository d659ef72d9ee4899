"""`dcl genesis new --consortium FILE [--validators K]`: a genesis with the system contracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from client.contracts import implementation_address, proxy_address
from genesis.dev_keys import dev_validator_key
from node.chain.extra_data import decode_extra_data
from node.chain.genesis import load_genesis
from node.chain.seals import address_of
from node.cli import main
from tests.support.genesis_state import GenesisState

SAMPLE = Path(__file__).resolve().parents[3] / "genesis" / "consortium.toml"


def new(out: Path, *extra: str) -> int:
    return main(["genesis", "new", "--consortium", str(SAMPLE), *extra, "--out", str(out)])


def test_the_first_k_exchanges_run_the_generated_validators(tmp_path: Path) -> None:
    assert new(tmp_path, "--validators", "3", "--dev-only-keys") == 0
    genesis = load_genesis(tmp_path / "genesis.json")
    keys = [bytes.fromhex((tmp_path / f"validator-{i}" / "key").read_text()) for i in (1, 2, 3)]
    assert keys == [dev_validator_key(i) for i in (1, 2, 3)]
    state = GenesisState(genesis)
    listed = state.call("ExchangeRegistry", proxy_address(1), "validators")
    assert [bytes.fromhex(a[2:]) for a in listed] == list(genesis.validators)
    assert sorted(genesis.validators) == sorted(address_of(k) for k in keys)
    shde = state.call("ExchangeRegistry", proxy_address(1), "exchange", b"SHDE" + bytes(28))
    assert bytes.fromhex(shde[3][2:]) == address_of(keys[0])


def test_without_validators_one_exchange_runs_a_validator(tmp_path: Path) -> None:
    assert new(tmp_path) == 0
    assert len(load_genesis(tmp_path / "genesis.json").validators) == 1


def test_the_alloc_holds_the_registry_proxy_and_implementation(tmp_path: Path) -> None:
    new(tmp_path)
    alloc = json.loads((tmp_path / "genesis.json").read_text())["alloc"]
    proxy = alloc["0x" + proxy_address(1).hex()]
    assert (proxy["nonce"], proxy["balance"]) == ("0x1", "0x0")
    assert len(proxy["storage"]) > 100
    assert "0x" + implementation_address(1).hex() in alloc


def test_two_genesis_files_differ_only_in_the_random_vanity(tmp_path: Path) -> None:
    for name in ("a", "b"):
        new(tmp_path / name, "--validators", "2", "--dev-only-keys")
    a, b = (json.loads((tmp_path / n / "genesis.json").read_text()) for n in ("a", "b"))
    extra_a, extra_b = (decode_extra_data(bytes.fromhex(d["extraData"][2:])) for d in (a, b))
    assert extra_a.validators == extra_b.validators
    assert extra_a.vanity != extra_b.vanity
    for document in (a, b):
        del document["extraData"], document["timestamp"]
    assert a == b


def test_more_validators_than_exchanges_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(tmp_path, "--validators", "25") == 1
    assert capsys.readouterr().err == (
        "dcl: error: --validators must be between 1 and the 24 exchanges of the consortium\n"
    )
    assert not (tmp_path / "genesis.json").exists()


def test_validators_are_required_without_a_consortium(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["genesis", "new", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == "dcl: error: --validators is required without --consortium\n"


def test_a_missing_consortium_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.toml"
    assert main(["genesis", "new", "--consortium", str(missing), "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"dcl: error: cannot read consortium {missing}")


def test_a_dev_only_consortium_is_flagged_when_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(tmp_path) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"warning: {SAMPLE} is marked DEV ONLY: "
        "DEV ONLY: these keys are public; never use them outside a local devnet"
    )


def test_a_consortium_genesis_switches_permissioning_on_without_bootstrap_accounts(
    tmp_path: Path,
) -> None:
    main(["genesis", "new", "--consortium", str(SAMPLE), "--out", str(tmp_path)])
    document = json.loads((tmp_path / "genesis.json").read_text())
    assert document["config"]["dcl"] == {"permissioning": True, "bootstrapAccounts": []}
