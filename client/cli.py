"""The ``dcl-client`` command: keys in encrypted keystore files, the market's actions through
the participant gateway, and trade certificates verified offline.

Exit codes: 0 done (a certificate valid); 1 refused (a gateway problem, a reverted transaction,
a wrong password, a certificate invalid); 2 unusable input (unreadable files, bad values).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from requests.exceptions import RequestException

from client.certificate import GenesisFileError, Verdict, verify_certificate
from client.commands.demands import add_demand_commands
from client.commands.keys import add_key_commands
from client.commands.market import UsageError, add_market_commands
from client.commands.output import describe_error, fail
from client.commands.session import DEFAULT_GATEWAY
from client.connection import connect
from client.keystore import KeystoreError
from client.sdk.errors import DclError


def cmd_status(args: argparse.Namespace) -> int:
    w3 = connect(args.rpc)
    head = w3.eth.get_block("latest")
    print(f"client      {w3.client_version}")
    print(f"chain id    {w3.eth.chain_id}")
    print(f"head block  {head['number']} {head['hash'].to_0x_hex()}")
    print(f"timestamp   {head['timestamp']}")
    return 0


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"cannot read the {what} {path}: {error}") from error


class CommandError(Exception):
    """A command cannot run (unreadable input); exit code 2."""


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [pair for key, inner in value.items() for pair in _flatten(f"{prefix}{key}.", inner)]
    return [(prefix.rstrip("."), value)]


def describe_verdict(verdict: Verdict) -> str:
    """What ``verify-certificate`` prints: valid with what was proven, or the failed check."""
    if not verdict.valid:
        return f"invalid: {verdict.failed_check}: {verdict.detail}"
    assert verdict.block_hash is not None
    lines = [
        "valid",
        f"settled in block  {verdict.block_number} 0x{verdict.block_hash.hex()}",
        f"as of block       {verdict.as_of_block}",
    ]
    lines += [f"settlement.{key}  {value}" for key, value in _flatten("", verdict.settlement)]
    lines += [f"state.{key}  {value}" for key, value in _flatten("", verdict.state)]
    return "\n".join(lines)


def cmd_verify_certificate(args: argparse.Namespace) -> int:
    certificate = _read_json(args.certificate, "certificate")
    genesis = _read_json(args.genesis, "genesis")
    try:
        verdict = verify_certificate(certificate, genesis)
    except GenesisFileError as error:
        raise CommandError(f"{args.genesis} is not a QBFT genesis: {error}") from error
    print(describe_verdict(verdict))
    return 0 if verdict.valid else 1


def common_options() -> argparse.ArgumentParser:
    """The options every gateway and key command takes, after its name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", help="keys and sessions (default $DCL_HOME or ~/.dcl)")
    common.add_argument(
        "--gateway",
        default=os.environ.get("DCL_GATEWAY", DEFAULT_GATEWAY),
        help="the gateway's URL (default $DCL_GATEWAY or %(default)s)",
    )
    common.add_argument("--account", help="the key's address (default: the keystore's only key)")
    common.add_argument(
        "--password-file", type=Path, help="the key's password on its first line (else a prompt)"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dcl-client", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    common = common_options()
    add_key_commands(commands, common)
    add_market_commands(commands, common)
    add_demand_commands(commands, common)
    status = commands.add_parser("status", help="show a node's chain id and head block")
    status.add_argument("--rpc", default="http://127.0.0.1:8545", help="JSON-RPC URL")
    status.set_defaults(handler=cmd_status)
    verify = commands.add_parser(
        "verify-certificate",
        help="check a trade certificate offline, trusting only the genesis file",
    )
    verify.add_argument("certificate", type=Path, help="the certificate JSON")
    verify.add_argument("--genesis", type=Path, required=True, help="the chain's genesis JSON")
    verify.set_defaults(handler=cmd_verify_certificate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except RequestException as error:
        fail(f"cannot reach {args.rpc}: {error}")
        return 1
    except (DclError, KeystoreError) as error:
        fail(describe_error(error) if isinstance(error, DclError) else str(error))
        return 1
    except (CommandError, UsageError, ValueError) as error:
        fail(str(error))
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
