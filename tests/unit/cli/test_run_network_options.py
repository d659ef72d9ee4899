"""`dcl run` network options are checked before anything starts, with one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from node.cli import main
from node.p2p.peer_url import node_public_key

PUBKEY = node_public_key(b"\x01" * 32).hex()


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    try:
        code = main(["run", "--datadir", "/nonexistent", *arguments])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


def test_a_peer_without_p2p_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "--peer", f"dcl://{PUBKEY}@127.0.0.1:30303")
    assert (code, err) == (1, "dcl: error: --peer and --observer need --p2p HOST:PORT\n")


def test_a_peer_url_with_another_scheme_is_refused_naming_the_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = run(capsys, "--p2p", "127.0.0.1:0", "--peer", "enode://ab@127.0.0.1:30303")
    assert code == 2
    assert "expected dcl://<pubkey hex>@HOST:PORT" in err


def test_no_empty_blocks_on_the_qbft_network_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = run(capsys, "--p2p", "127.0.0.1:0", "--no-empty-blocks")
    assert code == 1
    assert err == (
        "dcl: error: --no-empty-blocks applies to a one-validator node without --p2p:"
        " on the QBFT network a block is proposed every block period\n"
    )


def test_observer_without_p2p_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "--observer")
    assert (code, err) == (1, "dcl: error: --peer and --observer need --p2p HOST:PORT\n")


def test_an_allowlist_file_with_a_bad_line_is_refused_naming_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    allowlist = tmp_path / "allowlist"
    allowlist.write_text(f"{PUBKEY}\nnonsense\n")
    code, err = run(capsys, "--p2p", "127.0.0.1:0", "--allowlist", str(allowlist))
    assert (code, err) == (
        1, f"dcl: error: {allowlist}:2: node public key is not hex: 'nonsense'\n"
    )  # fmt: skip
