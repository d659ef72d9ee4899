"""A running node: ledger, transaction pool, block producer and JSON-RPC server.

Concurrency model. One asyncio loop owns the pool and serves JSON-RPC. One "chain" worker
thread builds, executes and writes blocks, so at most one writer touches the ledger. A small
"query" pool runs EVM calls and log scans. py-evm is pure Python, so these threads share the
GIL; the ``dcl`` command tunes the interpreter for that (see ``node.cli.tune_interpreter``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar, cast

from aiohttp import web
from eth.abc import BlockHeaderAPI, SignedTransactionAPI
from eth.vm.forks.cancun.constants import BLOB_TX_TYPE
from eth_typing import Address, Hash32

from node import __version__
from node.chain.header import QbftBlock, QbftBlockHeader
from node.chain.ledger import BuiltBlock, Ledger, RejectedTransaction
from node.chain.seals import address_of
from node.consensus.config import QbftConfig as ConsensusConfig
from node.datadir import DataDir
from node.gateway.app import create_gateway_app
from node.gateway.chain_views import market_predeployed
from node.gateway.context import Gateway
from node.gateway.heads import HeadSignal
from node.gateway.limits import GatewayLimits
from node.head_state import HeadAccounts
from node.network_service import NetworkRole, NetworkService
from node.p2p.network import NetworkSettings
from node.producer import BlockProducer, ProductionSettings
from node.qbft_runner import NoLinks, PoolOnLoop, QbftRunner
from node.rpc.auth import RpcAuth
from node.rpc.backend import PooledBySender
from node.rpc.filters import FilterRegistry
from node.rpc.format import new_head_json, transaction_json
from node.rpc.limits import RpcLimits, WebSocketLimits
from node.rpc.server import create_rpc_app
from node.rpc.subscriptions import (
    Subscription,
    SubscriptionHub,
    SubscriptionKind,
    match_logs,
    new_block_logs,
)
from node.rpc.websocket import create_ws_app
from node.storage.leveldb import LevelDB
from node.txpool.blobs import trusted_setup
from node.txpool.encoding import decode_raw_transaction
from node.txpool.pool import TxPool
from node.txpool.rules import SenderQuotas, rules_for_chain

logger = logging.getLogger(__name__)
T = TypeVar("T")
GATEWAY_SHUTDOWN_SECONDS = 1.0
"""Open event streams are cut after this long when the node stops."""


@dataclass(frozen=True)
class NodeConfig:
    datadir: Path
    rpc_host: str = "127.0.0.1"
    rpc_port: int = 8545
    produce_empty_blocks: bool = True
    rpc_limits: RpcLimits = field(default_factory=RpcLimits)
    ws_address: tuple[str, int] | None = None
    """Where to serve JSON-RPC over WebSocket; None serves none."""
    ws_limits: WebSocketLimits = field(default_factory=WebSocketLimits)
    p2p: NetworkSettings | None = None
    allowed_keys: tuple[bytes, ...] = ()
    observer: bool = False
    max_round_timeout_seconds: float = 30.0
    gateway_address: tuple[str, int] | None = None
    """Where to serve the participant gateway (REST); None serves none."""
    gateway_limits: GatewayLimits = field(default_factory=GatewayLimits)
    sender_quotas: SenderQuotas = field(default_factory=SenderQuotas)
    rpc_no_auth: bool = False
    """DEV ONLY: serve JSON-RPC without bearer tokens; refused unless JSON-RPC (and its
    WebSocket) listen on a loopback address."""


class RpcAuthSettingError(ValueError):
    """``--rpc-no-auth`` asked for on an address other machines can reach."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_rpc_auth_setting(config: NodeConfig) -> None:
    if not config.rpc_no_auth:
        return
    hosts = [config.rpc_host] + ([config.ws_address[0]] if config.ws_address else [])
    exposed = [host for host in hosts if not _is_loopback(host)]
    if exposed:
        raise RpcAuthSettingError(
            f"--rpc-no-auth serves JSON-RPC to anyone who reaches it: it is refused on"
            f" {', '.join(exposed)}, which is not a loopback address"
        )


class GatewayWithoutMarketError(ValueError):
    """``--gateway`` on a chain whose genesis holds no system contracts: nothing to serve."""


class Node:
    """Implements :class:`node.rpc.backend.NodeBackend` for the RPC layer and
    :class:`node.gateway.backend.GatewayBackend` for the gateway."""

    def __init__(self, config: NodeConfig) -> None:
        check_rpc_auth_setting(config)
        self.config = config
        data = DataDir(config.datadir)
        genesis = data.load_genesis()
        self.rpc_auth = None if config.rpc_no_auth else RpcAuth(data.rpc_secret(), time.time)
        if config.gateway_address is not None and not market_predeployed(genesis):
            raise GatewayWithoutMarketError(
                "--gateway serves the system contracts' market, which this chain's genesis does"
                " not hold (make the network with `dcl genesis new --consortium FILE`)"
            )
        self._key = data.load_key()
        self.address = Address(address_of(self._key))
        self._db = LevelDB(data.chaindata)
        try:
            self._ledger = Ledger(self._db, genesis)
        except Exception:
            self._db.close()
            raise
        self._head: BlockHeaderAPI = self._ledger.head()
        self._accounts = HeadAccounts(self._ledger, self._head)
        self.pool = TxPool(rules_for_chain(self._ledger, self._head, config.sender_quotas))
        self._filters = FilterRegistry()
        self._subscriptions = SubscriptionHub(max_per_connection=config.ws_limits.max_subscriptions)
        self._chain_executor = ThreadPoolExecutor(1, thread_name_prefix="chain")
        self._query_executor = ThreadPoolExecutor(2, thread_name_prefix="query")
        self._producer: BlockProducer | None = None
        self._producer_task: asyncio.Task[None] | None = None
        self._runner_task: asyncio.Task[None] | None = None
        self.network: NetworkService | None = None
        self._runner: web.AppRunner | None = None
        self._ws_runner: web.AppRunner | None = None
        self._gateway_runner: web.AppRunner | None = None
        self._gateway: Gateway | None = None
        self.gateway_url: str | None = None
        self._log_notices: asyncio.Task[None] | None = None
        self.rpc_url: str | None = None
        self.ws_url: str | None = None

    # -- NodeBackend ----------------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    @property
    def chain_id(self) -> int:
        return self._ledger.chain_id

    @property
    def database(self) -> LevelDB:
        return self._db

    @property
    def client_version(self) -> str:
        return f"dcl/v{__version__}/linux/python{sys.version_info.major}.{sys.version_info.minor}"

    async def submit_raw_transaction(self, raw: bytes) -> Hash32:
        blobs = self.pool.rules.blobs_enabled
        decode = partial(
            decode_raw_transaction,
            raw,
            self._ledger.transaction_builder,
            blobs_enabled=blobs,
            require_blob_sidecar=True,
        )
        # A sidecar's KZG proofs cost milliseconds per blob: checked off the event loop.
        is_blob = raw[:1] == bytes([BLOB_TX_TYPE])
        tx = await self.run_query(decode) if blobs and is_blob else decode()
        canonical = tx.encode() if tx.type_id == BLOB_TX_TYPE else raw  # the sidecar is not kept
        tx_hash = self.pool.add(tx, self._accounts, canonical)
        self._filters.on_pending(tx_hash)
        self._subscriptions.publish_pending(
            "0x" + tx_hash.hex(), lambda: transaction_json(tx, None)
        )
        if self._producer is not None:
            self._producer.notify_transaction()
        if self.network is not None:
            self.network.transaction_pooled(raw)
        return tx_hash

    def local_node_keys(self) -> tuple[bytes, ...]:
        return self.config.allowed_keys

    def pending_nonce(self, address: bytes) -> int:
        return self.pool.pending_nonce(Address(address), self._accounts)

    def pooled_transaction(self, tx_hash: bytes) -> SignedTransactionAPI | None:
        entry = self.pool.get(Hash32(tx_hash))
        return entry.tx if entry is not None else None

    @property
    def filters(self) -> FilterRegistry:
        return self._filters

    def pool_stats(self) -> tuple[int, int]:
        return self.pool.stats()

    def pool_content(self) -> tuple[PooledBySender, PooledBySender]:
        pending, queued = self.pool.content()
        return (
            {sender: [entry.tx for entry in entries] for sender, entries in pending.items()},
            {sender: [entry.tx for entry in entries] for sender, entries in queued.items()},
        )

    async def run_query(self, function: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._query_executor, function)

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def head(self) -> BlockHeaderAPI:
        return self._head

    @property
    def is_validator(self) -> bool:
        return self.address in self._ledger.validators_after(self._head)

    async def start(self) -> None:
        if self.config.gateway_address is not None and not market_predeployed(self._ledger.genesis):
            raise GatewayWithoutMarketError(
                "--gateway serves the system contracts' market, which this chain's genesis does"
                " not hold (make the network with `dcl genesis new --consortium FILE`)"
            )
        app = create_rpc_app(self, self.config.rpc_limits, auth=self.rpc_auth)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.rpc_host, self.config.rpc_port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.rpc_url = f"http://{host}:{port}"
        if self.pool.rules.blobs_enabled:  # loading the KZG setup takes seconds: not on demand
            self._query_executor.submit(trusted_setup)
        if self.config.ws_address is not None:
            await self._start_ws(*self.config.ws_address)
        if self.config.gateway_address is not None:
            await self._start_gateway(*self.config.gateway_address)
        genesis = self._ledger.genesis
        validators = self._ledger.validators_after(self._head)
        votes = self.is_validator and not self.config.observer and genesis.qbft is not None
        if self.config.p2p is not None:
            await self._start_network(not self.config.observer and genesis.qbft is not None)
        if votes and len(validators) > 1 and self.network is None:
            logger.warning(
                "not producing: this node holds one of several validator keys, and collecting"
                " the other validators' commit seals needs the QBFT network (--p2p)",
                extra={"fields": {"validators": len(validators)}},
            )
        elif votes and self.network is None and self._core_can_produce_alone():
            self._runner_task = asyncio.create_task(self._run_alone(), name="qbft")
        elif votes and self.network is None and genesis.qbft is not None:
            self._producer = BlockProducer(
                ledger=self._ledger,
                pool=self.pool,
                key=self._key,
                coinbase=self.address,
                settings=ProductionSettings(genesis.qbft, self.config.produce_empty_blocks),
                chain_executor=self._chain_executor,
                on_block=self._on_block,
                head=lambda: cast(QbftBlockHeader, self._head),
            )
            self._producer_task = asyncio.create_task(self._producer.run(), name="producer")
        logger.info(
            "node started",
            extra={
                "fields": {
                    "chain_id": self.chain_id,
                    "head": self._head.block_number,
                    "validator": self.is_validator,
                    "address": "0x" + self.address.hex(),
                    "rpc": self.rpc_url,
                    "ws": self.ws_url,
                    "gateway": self.gateway_url,
                }
            },
        )

    def _core_can_produce_alone(self) -> bool:
        """A lone validator runs the QBFT core with a quorum of one (measured as fast as the
        direct producer) unless it must wait for transactions, which only the producer
        does: ``--no-empty-blocks`` or an ``emptyblockperiodseconds`` above the period."""
        qbft = self._ledger.genesis.qbft
        return (
            qbft is not None
            and self.config.produce_empty_blocks
            and qbft.empty_block_period_seconds <= qbft.block_period_seconds
        )

    async def _run_alone(self) -> None:
        runner = QbftRunner(
            self._ledger,
            self._key,
            self._consensus_config(),
            self._chain_executor,
            PoolOnLoop(self.pool),
            self._on_imported,
            NoLinks(),
        )
        await runner.run()

    def _consensus_config(self) -> ConsensusConfig:
        qbft = self._ledger.genesis.qbft
        return ConsensusConfig(
            block_period_seconds=qbft.block_period_seconds if qbft else 1,
            request_timeout_seconds=qbft.request_timeout_seconds if qbft else 1,
            max_round_timeout_seconds=self.config.max_round_timeout_seconds,
        )

    async def _start_network(self, votes: bool) -> None:
        """Join the peer network. Unless it is an observer, the node runs consensus even if its
        address is not in the current set: it votes at every height whose validators include
        it, so an exchange whose validator the registry adds starts at the next block and a
        removed one stops."""
        assert self.config.p2p is not None
        role = NetworkRole(
            self.config.p2p, self.config.allowed_keys, votes, self._consensus_config()
        )
        self.network = NetworkService(
            role,
            self._ledger,
            self._key,
            self.pool,
            self._chain_executor,
            self._query_executor,
            self.submit_raw_transaction,
            self._on_imported,
        )
        await self.network.start()

    def _on_block(self, block: QbftBlock, built: BuiltBlock) -> None:
        self._on_imported(block, built.rejected)

    def _on_imported(self, block: QbftBlock, rejected: Sequence[RejectedTransaction]) -> None:
        if block.number <= self._head.block_number:
            return
        self._head = cast(QbftBlockHeader, block.header)
        changed = self._accounts.move_to(self._head)
        self.pool.on_new_head(
            (tx.hash for tx in block.transactions), self._accounts, permissions_changed=changed
        )
        for item in rejected:
            self.pool.drop(item.hash, item.reason)
        self._filters.on_block(self._head.hash, self._head.block_number)
        self._publish_block(block)
        if self._gateway is not None:
            self._gateway.heads.announce(block.number)
        if self.network is not None:
            self.network.head_changed()

    async def _start_ws(self, host: str, port: int) -> None:
        app = create_ws_app(
            self,
            self.config.rpc_limits,
            self._subscriptions,
            self.config.ws_limits,
            self.rpc_auth,
        )
        self._ws_runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._ws_runner.setup()
        await web.TCPSite(self._ws_runner, host, port).start()
        bound_host, bound_port = self._ws_runner.addresses[0][:2]
        self.ws_url = f"ws://{bound_host}:{bound_port}"

    async def _start_gateway(self, host: str, port: int) -> None:
        self._gateway = Gateway(
            self, self.config.gateway_limits, HeadSignal(self._head.block_number)
        )
        app = create_gateway_app(self._gateway)
        self._gateway_runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=GATEWAY_SHUTDOWN_SECONDS
        )
        await self._gateway_runner.setup()
        await web.TCPSite(self._gateway_runner, host, port).start()
        bound_host, bound_port = self._gateway_runner.addresses[0][:2]
        self.gateway_url = f"http://{bound_host}:{bound_port}"

    def _publish_block(self, block: QbftBlock) -> None:
        """Notify subscribers; nothing is formatted for a kind no one subscribed to."""
        header = cast(QbftBlockHeader, block.header)
        if self._subscriptions.has(SubscriptionKind.NEW_HEADS):
            self._subscriptions.publish_head(new_head_json(header))
        subscriptions = self._subscriptions.live(SubscriptionKind.LOGS)
        if subscriptions:
            previous = self._log_notices
            self._log_notices = asyncio.create_task(
                self._publish_logs(previous, subscriptions, header, block),
                name="log notifications",
            )

    async def _publish_logs(
        self,
        previous: asyncio.Task[None] | None,
        subscriptions: list[Subscription],
        header: QbftBlockHeader,
        block: QbftBlock,
    ) -> None:
        """Read and match a block's logs on a worker thread (the block may have come from the
        core, a peer or sync), then notify after the previous block's."""
        try:
            results = await self.run_query(
                lambda: match_logs(
                    subscriptions,
                    new_block_logs(header, block.transactions, self._ledger.receipts(header)),
                )
            )
        except Exception:
            logger.exception("log notifications failed", extra={"fields": {"number": block.number}})
            return
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        self._subscriptions.deliver(results)

    async def stop(self) -> None:
        """Stop producing, let a block being written finish, then close the database."""
        for task in (self._producer_task, self._runner_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._log_notices is not None:
            self._log_notices.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._log_notices
        if self._ws_runner is not None:
            await self._ws_runner.cleanup()
        if self._gateway_runner is not None:
            await self._gateway_runner.cleanup()
        if self.network is not None:
            await self.network.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._chain_executor.shutdown, True)
        await loop.run_in_executor(
            None, partial(self._query_executor.shutdown, wait=True, cancel_futures=True)
        )
        self._db.close()
        logger.info("node stopped", extra={"fields": {"head": self._head.block_number}})
