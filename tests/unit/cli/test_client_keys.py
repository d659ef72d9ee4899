"""`dcl-client key new|import|list`: keys in encrypted keystore files (Web3 Secret Storage),
passwords from a file, and a wrong password refused before anything is signed."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from eth_account import Account
from eth_utils import keccak

from client.cli import main as dcl_client

KEY = keccak(text="dcl-client key test")
ADDRESS = Account.from_key(KEY).address
UNREACHABLE = "http://127.0.0.1:9"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = dcl_client(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "password").write_text("correct horse\n")
    (tmp_path / "wrong").write_text("battery staple\n")
    (tmp_path / "key").write_text("0x" + KEY.hex() + "\n")
    return tmp_path


def key_command(home: Path, *argv: str, password: str = "password") -> list[str]:
    return ["key", *argv, "--home", str(home / "dcl"), "--password-file", str(home / password)]


def test_a_new_key_is_listed_and_its_file_is_owner_only(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *key_command(home, "new", "--light-kdf"))
    created = json.loads(out)
    assert code == 0
    _, listed, _ = run(capsys, "key", "list", "--home", str(home / "dcl"))
    assert json.loads(listed) == [created]
    assert stat.S_IMODE(Path(created["path"]).stat().st_mode) == 0o600


def test_a_key_file_is_web3_secret_storage_unlocked_by_its_password(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, *key_command(home, "import", "--light-kdf", "--private-key-file",
                                         str(home / "key")))  # fmt: skip
    document = json.loads(Path(json.loads(out)["path"]).read_text())
    assert (document["version"], document["crypto"]["kdf"]) == (3, "scrypt")
    assert Account.decrypt(document, "correct horse") == KEY
    assert json.loads(out)["address"] == ADDRESS


def test_importing_an_account_already_held_is_refused(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported = key_command(home, "import", "--light-kdf", "--private-key-file", str(home / "key"))
    run(capsys, *imported)
    code, _, err = run(capsys, *imported)
    assert (code, err.strip()) == (
        1,
        f"dcl-client: error: {home / 'dcl' / 'keystore'} already holds a key of {ADDRESS}",
    )


def test_a_wrong_password_is_refused_before_signing_in(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, *key_command(home, "import", "--light-kdf", "--private-key-file",
                             str(home / "key")))  # fmt: skip
    code, out, err = run(capsys, "login", "--gateway", UNREACHABLE, "--home", str(home / "dcl"),
                         "--password-file", str(home / "wrong"))  # fmt: skip
    assert (code, out) == (1, "")
    assert err.strip() == f"dcl-client: error: the password does not unlock {ADDRESS}"


def test_an_empty_password_is_refused(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "empty").write_text("\n")
    code, _, err = run(capsys, *key_command(home, "new", "--light-kdf", password="empty"))
    assert (code, err.strip()) == (1, "dcl-client: error: refusing an empty password")
    assert json.loads(run(capsys, "key", "list", "--home", str(home / "dcl"))[1]) == []


def test_with_several_keys_the_account_must_be_named(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, *key_command(home, "new", "--light-kdf"))
    run(capsys, *key_command(home, "new", "--light-kdf"))
    code, _, err = run(capsys, "me", "--gateway", UNREACHABLE, "--home", str(home / "dcl"))
    assert (code, err.strip()) == (
        1,
        f"dcl-client: error: {home / 'dcl' / 'keystore'} holds 2 keys: name one with --account",
    )
