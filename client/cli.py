"""The ``dcl-client`` command: inspect a node from outside it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from requests.exceptions import RequestException

from client.connection import connect


def cmd_status(args: argparse.Namespace) -> int:
    w3 = connect(args.rpc)
    head = w3.eth.get_block("latest")
    print(f"client      {w3.client_version}")
    print(f"chain id    {w3.eth.chain_id}")
    print(f"head block  {head['number']} {head['hash'].to_0x_hex()}")
    print(f"timestamp   {head['timestamp']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dcl-client", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    status = commands.add_parser("status", help="show a node's chain id and head block")
    status.add_argument("--rpc", default="http://127.0.0.1:8545", help="JSON-RPC URL")
    status.set_defaults(handler=cmd_status)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except RequestException as error:
        print(f"dcl-client: error: cannot reach {args.rpc}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
