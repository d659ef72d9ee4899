"""`dcl devnet --validators N` gives node i each first port + i: overlapping ranges are refused
before anything is created."""

from __future__ import annotations

from pathlib import Path

import pytest

from node.cli import main


def devnet(capsys: pytest.CaptureFixture[str], datadir: Path, *arguments: str) -> tuple[int, str]:
    code = main(["devnet", "--validators", "2", "--datadir", str(datadir), *arguments])
    return code, capsys.readouterr().err


def test_websocket_ports_overlapping_the_json_rpc_ports_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, err = devnet(
        capsys, tmp_path / "devnet", "--rpc", "127.0.0.1:8545", "--ws", "127.0.0.1:8546"
    )
    assert (code, err) == (
        1,
        "dcl: error: --rpc ports 8545..8547 overlap --ws ports 8546..8548"
        " (node i listens on each first port + i)\n",
    )
    assert not (tmp_path / "devnet").exists()


def test_peer_ports_overlapping_the_json_rpc_ports_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, err = devnet(capsys, tmp_path / "devnet", "--rpc", "127.0.0.1:9000", "--p2p-port", "9002")
    assert (code, err) == (
        1,
        "dcl: error: --rpc ports 9000..9002 overlap --p2p-port ports 9002..9004"
        " (node i listens on each first port + i)\n",
    )


def test_a_gateway_port_inside_a_port_range_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, err = devnet(
        capsys, tmp_path / "devnet", "--rpc", "127.0.0.1:8545", "--gateway", "127.0.0.1:8547"
    )
    assert (code, err) == (
        1,
        "dcl: error: --gateway port 8547 lies in the --rpc ports 8545..8547\n",
    )
    assert not (tmp_path / "devnet").exists()
