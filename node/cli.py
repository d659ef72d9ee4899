"""The ``dcl`` command: create networks, initialise data directories, run nodes."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eth_utils import is_hex_address, to_canonical_address

from node.audit import commands as audit_commands
from node.audit.replay_command import add_replay_command
from node.audit.verify_db_command import add_verify_db_command
from node.chain.extra_data import decode_extra_data
from node.chain.genesis import GenesisError
from node.chain.ledger import GenesisMismatchError
from node.chain_transfer import export_chain, import_chain
from node.consensus.describe import decode_and_describe, describe_extra_data, parse_hex
from node.datadir import DataDir, DataDirError, init_datadir
from node.gateway.limits import GatewayLimits
from node.logs import configure_logging
from node.p2p.allowlist import read_allowlist_file
from node.p2p.network import NetworkSettings
from node.p2p.peer_url import PeerUrl, PeerUrlError, parse_peer_url
from node.rpc.auth import Role, issue_token
from node.rpc.limits import RpcLimits, WebSocketLimits
from node.service import Node, NodeConfig, check_rpc_auth_setting
from node.storage.leveldb import DatabaseLockedError
from node.txpool.rules import SenderQuotas


class UsageError(Exception):
    """A command-line problem to report in one line, without a traceback."""


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def _print_endpoints(node: Node, extra_lines: Sequence[str] = ()) -> None:
    lines = [
        "Data Circulation Ledger node running",
        f"  chain id      {node.chain_id}",
        f"  head block    {node.head.block_number}",
        f"  validator     {'yes' if node.is_validator else 'no'} (0x{node.address.hex()})",
        f"  JSON-RPC      {node.rpc_url}",
        *([f"  WebSocket     {node.ws_url}"] if node.ws_url else []),
        *([f"  Gateway       {node.gateway_url}"] if node.gateway_url else []),
        "  RPC auth      "
        + (
            "none (--rpc-no-auth: DEV ONLY, loopback)"
            if node.rpc_auth is None
            else f"bearer tokens (dcl rpc-token --datadir {node.config.datadir})"
        ),
        *([f"  P2P           {node.network.network.url}"] if node.network else []),
        *extra_lines,
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)


GIL_SWITCH_INTERVAL_SECONDS = 0.001
GC_THRESHOLDS = (50_000, 20, 100)


def tune_interpreter() -> None:
    """Settings for a serving node, made by the command rather than the library.

    py-evm is pure Python, so the block-building thread and the event loop share the GIL: a
    1 ms switch interval bounds how long a request waits behind a block being built. Building
    a block allocates millions of short-lived objects: freezing the startup heap out of the
    cyclic collector and collecting its first generation less often cut both build time and
    request latency in ``benchmarks/rpc_latency.py``.
    """
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_SECONDS)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


async def _serve(config: NodeConfig, extra_lines: Sequence[str] = ()) -> None:
    tune_interpreter()
    node = Node(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await node.start()
        _print_endpoints(node, extra_lines)
        await stop.wait()
    finally:
        await node.stop()


def cmd_init(args: argparse.Namespace) -> None:
    data = init_datadir(args.datadir, args.genesis, args.key)
    print(f"initialised {data.root} (node key address in {data.key_file})")


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _rpc_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The JSON-RPC and WebSocket options shared by ``run`` and ``devnet``."""
    host, port = args.rpc
    return {
        "rpc_host": host,
        "rpc_port": port,
        "rpc_limits": RpcLimits(max_log_block_range=args.rpc_max_log_range),
        "ws_address": args.ws,
        "ws_limits": WebSocketLimits(send_queue_bytes=args.ws_send_queue_bytes),
        "gateway_address": args.gateway,
        "gateway_limits": GatewayLimits(
            rate_per_second=args.gateway_rate, burst=args.gateway_burst
        ),
        "rpc_no_auth": args.rpc_no_auth,
        "sender_quotas": SenderQuotas(
            max_per_sender=args.txpool_max_per_sender,
            sender_rate=args.txpool_sender_rate,
            sender_burst=args.txpool_sender_burst,
        ),
    }


def _add_rpc_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--rpc", type=_host_port, default=("127.0.0.1", 8545), metavar="HOST:PORT")
    command.add_argument(
        "--rpc-no-auth",
        action="store_true",
        help="DEV ONLY: serve JSON-RPC without bearer tokens (refused unless --rpc and --ws"
        " listen on a loopback address)",
    )
    command.add_argument(
        "--ws",
        type=_host_port,
        metavar="HOST:PORT",
        help="also serve JSON-RPC with eth_subscribe over WebSocket here (default: off)",
    )
    command.add_argument(
        "--gateway",
        type=_host_port,
        metavar="HOST:PORT",
        help="also serve the participant gateway (REST, OpenAPI at /openapi.json) here"
        " (default: off)",
    )
    command.add_argument(
        "--gateway-rate",
        type=_positive_float,
        default=GatewayLimits.rate_per_second,
        metavar="PER_SECOND",
        help="requests per second each gateway caller may make (default %(default)s)",
    )
    command.add_argument(
        "--gateway-burst",
        type=_positive_int,
        default=GatewayLimits.burst,
        metavar="REQUESTS",
        help="requests a gateway caller may make at once (default %(default)s)",
    )
    command.add_argument(
        "--rpc-max-log-range",
        type=_positive_int,
        default=RpcLimits.max_log_block_range,
        metavar="BLOCKS",
        help="widest eth_getLogs block range (toBlock - fromBlock; default %(default)s)",
    )
    command.add_argument(
        "--txpool-max-per-sender",
        type=_positive_int,
        default=SenderQuotas.max_per_sender,
        metavar="TXS",
        help="transactions one sender may hold in the pool (default %(default)s)",
    )
    command.add_argument(
        "--txpool-sender-rate",
        type=_positive_float,
        default=SenderQuotas.sender_rate,
        metavar="PER_SECOND",
        help="transactions a second one sender may add to the pool (default %(default)s)",
    )
    command.add_argument(
        "--txpool-sender-burst",
        type=_positive_int,
        default=SenderQuotas.sender_burst,
        metavar="TXS",
        help="transactions one sender may add at once (default %(default)s)",
    )
    command.add_argument(
        "--ws-send-queue-bytes",
        type=_positive_int,
        default=WebSocketLimits.send_queue_bytes,
        metavar="BYTES",
        help="a WebSocket client whose unsent messages exceed this is disconnected"
        " (default %(default)s)",
    )


def _peer_url(text: str) -> PeerUrl:
    try:
        return parse_peer_url(text)
    except PeerUrlError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_run(args: argparse.Namespace) -> None:
    p2p = None
    if args.p2p is not None:
        p2p = NetworkSettings(host=args.p2p[0], port=args.p2p[1], peers=tuple(args.peer))
    elif args.peer or args.observer:
        raise UsageError("--peer and --observer need --p2p HOST:PORT")
    if p2p is not None and args.no_empty_blocks:
        raise UsageError(
            "--no-empty-blocks applies to a one-validator node without --p2p:"
            " on the QBFT network a block is proposed every block period"
        )
    allowed = [url.public_key for url in args.peer]
    if args.allowlist is not None:
        allowed += read_allowlist_file(args.allowlist)
    config = NodeConfig(
        datadir=args.datadir,
        produce_empty_blocks=not args.no_empty_blocks,
        p2p=p2p,
        allowed_keys=tuple(allowed),
        observer=args.observer,
        max_round_timeout_seconds=args.max_round_timeout,
        **_rpc_settings(args),
    )
    asyncio.run(_serve(config))


def cmd_rpc_token(args: argparse.Namespace) -> None:
    data = DataDir(args.datadir)
    if not data.is_initialised():
        raise UsageError(f"{args.datadir} is not initialised: run `dcl init` first")
    role = Role(args.role)
    account = None
    if args.account is not None:
        if not is_hex_address(args.account):
            raise UsageError(f"--account is not an address: {args.account!r}")
        account = bytes(to_canonical_address(args.account))
    if role == Role.PARTICIPANT and account is None:
        raise UsageError("a participant's token names its account: add --account 0x...")
    print(
        issue_token(
            data.rpc_secret(), role, account, issued_at=int(time.time()), lifetime=args.lifetime
        )
    )


def cmd_import_chain(args: argparse.Namespace) -> None:
    summary = import_chain(args.datadir, args.genesis, args.chain_file)
    print(
        f"imported {summary.imported} blocks ({summary.skipped} already held);"
        f" head #{summary.head_number} 0x{summary.head_hash.hex()}"
        f" state root 0x{summary.state_root.hex()}"
    )


def cmd_export_chain(args: argparse.Namespace) -> None:
    summary = export_chain(args.datadir, args.out, args.first, args.last)
    print(f"exported blocks {summary.first}..{summary.last} ({summary.bytes_written} bytes)")


def cmd_genesis_new(args: argparse.Namespace) -> None:
    # Imported here: the consortium tooling loads the SDK's web3.py, which `dcl run` does not
    # need (a 24-validator network starts 24 processes).
    from genesis.consortium import load_consortium
    from genesis.dev_keys import DEV_ONLY_WARNING
    from genesis.generator import NetworkExistsError, write_network

    consortium = None if args.consortium is None else load_consortium(args.consortium)
    validators = args.validators
    if validators is None:
        if consortium is None:
            raise UsageError("--validators is required without --consortium")
        validators = 1
    try:
        write_network(
            args.out,
            validators=validators,
            consortium=consortium,
            accounts=args.accounts,
            chain_id=args.chain_id,
            block_period_seconds=args.block_period,
            request_timeout_seconds=args.request_timeout,
            dev_only_keys=args.dev_only_keys,
        )
    except NetworkExistsError as error:
        raise UsageError(f"{error}; choose another --out") from None
    print(f"wrote {args.out}/genesis.json, validator keys and dev-only-accounts.json")
    if consortium is not None and consortium.dev_only:
        print(f"warning: {args.consortium} is marked DEV ONLY: {DEV_ONLY_WARNING}")


def _check_devnet_ports(
    ports: tuple[int, int | None, int], nodes: int, gateway: int | None = None
) -> None:
    """Node i listens on each first port + i: the three ranges must not overlap, nor hold the
    observer's gateway port."""
    ranges = [
        (name, first)
        for name, first in zip(("--rpc", "--ws", "--p2p-port"), ports, strict=True)
        if first
    ]
    for index, (name, first) in enumerate(ranges):
        for other, other_first in ranges[index + 1 :]:
            if abs(first - other_first) < nodes:
                raise UsageError(
                    f"{name} ports {first}..{first + nodes - 1} overlap {other} ports"
                    f" {other_first}..{other_first + nodes - 1} (node i listens on each first"
                    " port + i)"
                )
    for name, first in ranges:
        if gateway and first <= gateway < first + nodes:
            raise UsageError(
                f"--gateway port {gateway} lies in the {name} ports {first}..{first + nodes - 1}"
            )


def _gateway_options(args: argparse.Namespace) -> list[str]:
    """The ``dcl run`` options that serve the gateway as asked (none without ``--gateway``)."""
    if args.gateway is None:
        return []
    host, port = args.gateway
    return [
        "--gateway", f"{host}:{port}",
        "--gateway-rate", str(args.gateway_rate),
        "--gateway-burst", str(args.gateway_burst),
    ]  # fmt: skip


def _node_options(args: argparse.Namespace) -> list[str]:
    """The ``dcl run`` options every devnet node takes as asked: the dev RPC setting and the
    pool's quotas."""
    return [
        *(["--rpc-no-auth"] if args.rpc_no_auth else []),
        "--txpool-max-per-sender", str(args.txpool_max_per_sender),
        "--txpool-sender-rate", str(args.txpool_sender_rate),
        "--txpool-sender-burst", str(args.txpool_sender_burst),
    ]  # fmt: skip


def cmd_devnet(args: argparse.Namespace) -> None:
    """A network with the well-known DEV ONLY keys, created on first use: N validator
    processes and an observer (which serves the gateway), or (``--validators 1``) one
    validator in this process."""
    from node.devnet import DevnetError, create_network
    from node.devnet import run as run_devnet

    if args.validators < 1:
        raise UsageError("--validators must be at least 1")
    check_rpc_auth_setting(NodeConfig(datadir=args.datadir, **_rpc_settings(args)))
    if args.validators > 1:
        host, port = args.rpc
        ws_port = None if args.ws is None else args.ws[1]
        ports = (port, ws_port, args.p2p_port)
        gateway_port = None if args.gateway is None else args.gateway[1]
        _check_devnet_ports(ports, args.validators + 1, gateway_port)
        try:
            run_devnet(
                args.datadir,
                args.validators,
                host,
                ports,
                args.log_level,
                consortium=args.consortium,
                gateway=_gateway_options(args),
                options=_node_options(args),
            )
        except DevnetError as error:
            raise UsageError(str(error)) from None
        return
    network = args.datadir / "network"
    node_dir = args.datadir / "validator-1"
    try:
        create_network(network, 1, args.consortium)
    except DevnetError as error:
        raise UsageError(str(error)) from None
    if not DataDir(node_dir).is_initialised():
        init_datadir(node_dir, network / "genesis.json", network / "validator-1" / "key")
    accounts = json.loads((network / "dev-only-accounts.json").read_text())["accounts"]
    extra = [f"  genesis       {network / 'genesis.json'}", "  dev accounts  (DEV ONLY keys)"]
    extra += [f"    {a['address']}  {a['privateKey']}" for a in accounts]
    config = NodeConfig(datadir=node_dir, **_rpc_settings(args))
    asyncio.run(_serve(config, extra))


def cmd_qbft_decode_extra(args: argparse.Namespace) -> None:
    extra = decode_extra_data(parse_hex(args.hex))
    print(json.dumps(describe_extra_data(extra), indent=2))


def cmd_qbft_decode_message(args: argparse.Namespace) -> None:
    code = None if args.code is None else int(args.code, 0)
    print(json.dumps(decode_and_describe(parse_hex(args.hex), code), indent=2))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dcl", description=__doc__)
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="initialise a data directory for a genesis")
    init.add_argument("--genesis", type=Path, required=True)
    init.add_argument("--datadir", type=Path, required=True)
    init.add_argument("--key", type=Path, help="node key file (hex); a new key if omitted")
    init.set_defaults(handler=cmd_init)

    run = commands.add_parser("run", help="run a node")
    run.add_argument("--datadir", type=Path, required=True)
    _add_rpc_options(run)
    run.add_argument(
        "--no-empty-blocks", action="store_true", help="produce blocks only when there are txs"
    )
    run.add_argument(
        "--p2p", type=_host_port, metavar="HOST:PORT", help="join the peer network, listening here"
    )
    run.add_argument(
        "--peer",
        type=_peer_url,
        action="append",
        default=[],
        metavar="dcl://PUBKEY@HOST:PORT",
        help="a peer to dial and allow (repeatable); PUBKEY is its node key's 64-byte public key",
    )
    run.add_argument(
        "--allowlist", type=Path, help="file of further node public keys allowed to connect"
    )
    run.add_argument("--observer", action="store_true", help="follow the chain without voting")
    run.add_argument(
        "--max-round-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="cap of the QBFT round timeout (requesttimeoutseconds * 2^round)",
    )
    run.set_defaults(handler=cmd_run)

    token = commands.add_parser(
        "rpc-token",
        help="issue a JSON-RPC bearer token (HS256 JWT) from a data directory's rpc-secret",
        description="Print a bearer token for this node's JSON-RPC: operators and regulators"
        " read everything; a participant sends its own transactions and reads its own records"
        " and public ones. Anyone holding the data directory's rpc-secret can issue tokens.",
    )
    token.add_argument("--datadir", type=Path, required=True)
    token.add_argument("--role", required=True, choices=[str(r) for r in Role])
    token.add_argument("--account", help="the caller's account (required for a participant)")
    token.add_argument(
        "--lifetime",
        type=_positive_int,
        default=3600,
        metavar="SECONDS",
        help="seconds until the token expires (default %(default)s)",
    )
    token.set_defaults(handler=cmd_rpc_token)

    importer = commands.add_parser(
        "import-chain", help="import RLP blocks (geth's chain file format) onto a genesis"
    )
    importer.add_argument("--genesis", type=Path, required=True)
    importer.add_argument("--datadir", type=Path, required=True)
    importer.add_argument("chain_file", type=Path, metavar="CHAIN.rlp")
    importer.set_defaults(handler=cmd_import_chain)

    exporter = commands.add_parser(
        "export-chain", help="write a stopped node's blocks as RLP (geth's chain file format)"
    )
    exporter.add_argument("--datadir", type=Path, required=True)
    exporter.add_argument("out", type=Path, metavar="OUT.rlp")
    exporter.add_argument("--from", dest="first", type=int, help="first block (default 0)")
    exporter.add_argument("--to", dest="last", type=int, help="last block (default the head)")
    exporter.set_defaults(handler=cmd_export_chain)

    genesis = commands.add_parser("genesis", help="genesis tools")
    genesis_commands = genesis.add_subparsers(dest="genesis_command", required=True)
    new = genesis_commands.add_parser("new", help="write a new network's genesis and keys")
    new.add_argument(
        "--consortium",
        type=Path,
        help="consortium TOML: predeploy the system contracts for its exchanges and regulators",
    )
    new.add_argument(
        "--validators",
        type=int,
        help="number of validators; with --consortium, the first K exchanges run them (default 1)",
    )
    new.add_argument("--accounts", type=int, default=5, help="funded dev accounts")
    new.add_argument("--chain-id", type=int, default=1337)
    new.add_argument("--block-period", type=int, default=1, help="seconds between blocks")
    new.add_argument(
        "--request-timeout", type=int, default=4, help="QBFT round-0 timeout, in seconds"
    )
    new.add_argument(
        "--dev-only-keys", action="store_true", help="use the public, well-known DEV ONLY keys"
    )
    new.add_argument("--out", type=Path, required=True)
    new.set_defaults(handler=cmd_genesis_new)

    devnet = commands.add_parser("devnet", help="run a local dev network")
    devnet.add_argument("--datadir", type=Path, default=Path("devnet-data"))
    devnet.add_argument("--validators", type=int, default=4, help="validator processes")
    devnet.add_argument("--p2p-port", type=int, default=30303, help="first peer-to-peer port")
    devnet.add_argument(
        "--consortium",
        type=Path,
        help="when the devnet is created: predeploy the system contracts for this consortium"
        " file (e.g. genesis/consortium.toml); its first N exchanges run the validators",
    )
    _add_rpc_options(devnet)
    devnet.set_defaults(handler=cmd_devnet)

    qbft = commands.add_parser("qbft", help="decode QBFT extraData and messages (as JSON)")
    qbft_commands = qbft.add_subparsers(dest="qbft_command", required=True)
    extra = qbft_commands.add_parser("decode-extra", help="decode a header's extraData")
    extra.add_argument("hex")
    extra.set_defaults(handler=cmd_qbft_decode_extra)
    message = qbft_commands.add_parser("decode-message", help="decode QBFT message data")
    message.add_argument("hex")
    message.add_argument("--code", help="message code (0x12-0x15); inferred from the shape")
    message.set_defaults(handler=cmd_qbft_decode_message)

    audit = commands.add_parser("audit", help="a regulator's audit of a chain")
    audit_subcommands = audit.add_subparsers(dest="audit_command", required=True)
    add_replay_command(audit_subcommands)
    add_verify_db_command(audit_subcommands)
    audit_commands.add_commands(audit_subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level)
    try:
        exit_code = args.handler(args)
    except (
        UsageError,
        PeerUrlError,
        DataDirError,
        GenesisError,
        GenesisMismatchError,
        DatabaseLockedError,
        ValueError,
        OSError,
    ) as error:
        print(f"dcl: error: {error}", file=sys.stderr)
        return 1
    return exit_code or 0


if __name__ == "__main__":
    sys.exit(main())
