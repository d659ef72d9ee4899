"""A real one-validator QBFT chain in LevelDB, served by ``create_rpc_app`` on a loopback port.

The backend here is the smallest real one: ``eth_sendRawTransaction`` decodes the transaction
as the node does and keeps it in a list, ``run_query`` runs on a worker thread, and tests seal
blocks from that list themselves with the validator's key. Nothing is mocked: py-evm executes,
LevelDB stores, HTTP travels over a socket. Test modules cannot import this file (importlib
mode), so the helpers they need come from the ``kit`` fixture.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pytest
import requests
import rlp
from aiohttp import web
from eth.abc import SignedTransactionAPI
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import Hash32
from eth_utils import keccak, to_canonical_address, to_checksum_address

from node.artifacts import ContractArtifact, load_artifact
from node.chain.extra_data import QbftExtraData, encode_extra_data
from node.chain.genesis import parse_genesis
from node.chain.header import QbftBlock, commit_seal_digest
from node.chain.ledger import Ledger
from node.chain.seals import address_of, sign_digest
from node.rpc.backend import NodeBackend
from node.rpc.limits import RpcLimits
from node.rpc.server import create_rpc_app
from node.storage.leveldb import LevelDB
from node.txpool.encoding import decode_raw_transaction
from node.txpool.errors import NonceTooLow

T = TypeVar("T")


class Kit:
    """Constants and helpers shared by the RPC integration tests."""

    CHAIN_ID = 1337
    GAS_LIMIT = 30_000_000
    GENESIS_TIME = 0x6553F100
    VALIDATOR_KEY = bytes.fromhex("a1" * 32)
    VALIDATOR = address_of(VALIDATOR_KEY)
    ALICE: LocalAccount = Account.from_key("0x" + "b2" * 32)
    BOB: LocalAccount = Account.from_key("0x" + "c3" * 32)
    CAROL: LocalAccount = Account.from_key("0x" + "d4" * 32)
    ALICE_BALANCE = 10**18
    CLIENT_VERSION = "dcl/test"
    KEY_1 = b"\x01" * 32
    KEY_2 = b"\x02" * 32
    KEY_3 = b"\x03" * 32
    KEY_4 = b"\x04" * 32
    ZERO_FEES: ClassVar[dict[str, int]] = {"maxFeePerGas": 0, "maxPriorityFeePerGas": 0}

    @staticmethod
    def selector(signature: str) -> bytes:
        return keccak(text=signature)[:4]

    @classmethod
    def record_call(cls, key: bytes, value: int) -> bytes:
        arguments = abi_encode(["bytes32", "uint256"], [key, value])
        return cls.selector("record(bytes32,uint256)") + arguments

    @classmethod
    def reject_call(cls, code: int) -> bytes:
        return cls.selector("reject(uint256)") + abi_encode(["uint256"], [code])

    @classmethod
    def values_call(cls, key: bytes) -> bytes:
        return cls.selector("values(bytes32)") + key

    @staticmethod
    def recorder() -> ContractArtifact:
        return load_artifact("Recorder")

    @staticmethod
    def created_address(sender: str, nonce: int) -> str:
        """keccak(rlp([sender, nonce]))[12:], checksummed: where a creation lands."""
        digest = keccak(rlp.encode([to_canonical_address(sender), nonce]))
        return to_checksum_address(digest[12:])

    @classmethod
    def sign(cls, account: LocalAccount, **fields: Any) -> SignedTransactionAPI:
        """A real signed transaction, decoded as the node decodes it."""
        transaction = {"chainId": cls.CHAIN_ID, "gas": 300_000, "value": 0, **fields}
        raw = account.sign_transaction(transaction).raw_transaction
        return PragueTransactionBuilder.decode(bytes(raw))

    @staticmethod
    def hex(value: bytes) -> str:
        return "0x" + value.hex()


def make_ledger(directory: Path) -> Ledger:
    extra = encode_extra_data(QbftExtraData(b"\x00" * 32, (Kit.VALIDATOR,), None, 0, ()))
    genesis = parse_genesis(
        {
            "config": {"chainId": Kit.CHAIN_ID, "qbft": {"blockperiodseconds": 1}},
            "gasLimit": hex(Kit.GAS_LIMIT),
            "difficulty": "0x1",
            "timestamp": hex(Kit.GENESIS_TIME),
            "extraData": "0x" + extra.hex(),
            "alloc": {Kit.ALICE.address: {"balance": hex(Kit.ALICE_BALANCE)}},
        }
    )
    return Ledger(LevelDB(directory), genesis)


class ChainBackend(NodeBackend):
    """A NodeBackend over a real ledger whose "pool" is a list the test seals into blocks."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self.pool: list[SignedTransactionAPI] = []
        self._write_lock = threading.Lock()

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    @property
    def chain_id(self) -> int:
        return Kit.CHAIN_ID

    @property
    def client_version(self) -> str:
        return Kit.CLIENT_VERSION

    async def submit_raw_transaction(self, raw: bytes) -> Hash32:
        tx = decode_raw_transaction(raw, PragueTransactionBuilder)
        state_nonce = self._ledger.state_at(self._ledger.head()).get_nonce(tx.sender)
        if tx.nonce < state_nonce:
            raise NonceTooLow(f"next nonce {state_nonce}, tx nonce {tx.nonce}")
        self.pool.append(tx)
        return tx.hash

    def pending_nonce(self, address: bytes) -> int:
        state_nonce = self._ledger.state_at(self._ledger.head()).get_nonce(address)
        return state_nonce + sum(1 for tx in self.pool if tx.sender == address)

    def pooled_transaction(self, tx_hash: bytes) -> SignedTransactionAPI | None:
        return next((tx for tx in self.pool if tx.hash == tx_hash), None)

    async def run_query(self, function: Callable[[], T]) -> T:
        return await asyncio.to_thread(function)

    def seal(self, transactions: Sequence[SignedTransactionAPI] = ()) -> QbftBlock:
        """Build, seal and commit the next block, one second after its parent."""
        with self._write_lock:
            head = self._ledger.head()
            built = self._ledger.build_block(
                transactions, coinbase=Kit.VALIDATOR, timestamp=head.timestamp + 1
            )
            assert not built.rejected, built.rejected
            seal = sign_digest(Kit.VALIDATOR_KEY, commit_seal_digest(built.block.header))
            return self._ledger.commit_sealed(built, [seal])

    def seal_pool(self) -> QbftBlock:
        block = self.seal(list(self.pool))
        self.pool.clear()
        return block


class ServedApp:
    """An aiohttp application on 127.0.0.1 with a free port, its loop on its own thread."""

    def __init__(self, app: web.Application) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._runner = web.AppRunner(app)
        self._run(self._runner.setup())
        self._run(web.TCPSite(self._runner, "127.0.0.1", 0).start())
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=60)

    def close(self) -> None:
        self._run(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=60)
        self._loop.close()


class RpcClient:
    """JSON-RPC over real HTTP."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def post(self, body: Any, **headers: str) -> requests.Response:
        """POST raw bytes (or a generator, sent chunked) with a JSON content type."""
        sent = {"Content-Type": "application/json", **headers}
        return self.session.post(self.url, data=body, headers=sent, timeout=120)

    def call(self, method: str, *params: Any) -> dict[str, Any]:
        """The whole response object of one request with id 1."""
        request = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
        response = self.session.post(self.url, json=request, timeout=120)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def result(self, method: str, *params: Any) -> Any:
        answer = self.call(method, *params)
        assert "error" not in answer, answer
        return answer["result"]

    def error(self, method: str, *params: Any) -> dict[str, Any]:
        answer = self.call(method, *params)
        assert "result" not in answer, answer
        error: dict[str, Any] = answer["error"]
        return error

    def close(self) -> None:
        self.session.close()


@dataclass
class Node:
    ledger: Ledger
    backend: ChainBackend
    rpc: RpcClient


@contextmanager
def _served(app: web.Application) -> Iterator[RpcClient]:
    served = ServedApp(app)
    client = RpcClient(served.url)
    try:
        yield client
    finally:
        client.close()
        served.close()


@contextmanager
def _node(directory: Path, limits: RpcLimits) -> Iterator[Node]:
    ledger = make_ledger(directory)
    backend = ChainBackend(ledger)
    try:
        with _served(create_rpc_app(backend, limits)) as client:
            yield Node(ledger, backend, client)
    finally:
        ledger.db.close()


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    """A fresh chain at genesis (Alice funded), served with default limits."""
    with _node(tmp_path / "chain", RpcLimits()) as served:
        yield served


@pytest.fixture
def node_with(tmp_path: Path) -> Iterator[Callable[[RpcLimits], Node]]:
    """Start fresh chains served with the given limits."""
    with ExitStack() as stack:
        numbers = itertools.count()

        def start(limits: RpcLimits) -> Node:
            return stack.enter_context(_node(tmp_path / f"chain-{next(numbers)}", limits))

        yield start


@pytest.fixture
def serve() -> Iterator[Callable[..., RpcClient]]:
    """Serve another app over an existing backend: ``serve(backend, limits, **options)``."""
    with ExitStack() as stack:

        def start(backend: NodeBackend, limits: RpcLimits, **options: Any) -> RpcClient:
            return stack.enter_context(_served(create_rpc_app(backend, limits, **options)))

        yield start


@dataclass
class RecordedChain:
    """Block 1 deploys Recorder; block 2 records three values with a 1559, a legacy and an
    access-list transaction; block 3 is empty; block 4 holds an EIP-7702 transaction whose
    call runs Recorder's code at Bob's address."""

    node: Node
    recorder: str
    deploy: SignedTransactionAPI
    dynamic: SignedTransactionAPI
    legacy: SignedTransactionAPI
    access_list: SignedTransactionAPI
    set_code: SignedTransactionAPI


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordedChain]:
    with _node(tmp_path_factory.mktemp("recorded"), RpcLimits()) as node:
        deploy = Kit.sign(
            Kit.ALICE, nonce=0, gas=1_000_000, data=Kit.recorder().bytecode, **Kit.ZERO_FEES
        )
        node.backend.seal([deploy])
        recorder = Kit.created_address(Kit.ALICE.address, 0)
        dynamic = Kit.sign(
            Kit.ALICE, nonce=1, to=recorder, data=Kit.record_call(Kit.KEY_1, 42), **Kit.ZERO_FEES
        )
        legacy = Kit.sign(
            Kit.BOB, nonce=0, to=recorder, data=Kit.record_call(Kit.KEY_2, 7), gasPrice=0
        )
        access_list = Kit.sign(
            Kit.CAROL,
            nonce=0,
            to=recorder,
            data=Kit.record_call(Kit.KEY_3, 9),
            gasPrice=0,
            accessList=[{"address": recorder, "storageKeys": ["0x" + "00" * 32]}],
        )
        node.backend.seal([dynamic, legacy, access_list])
        node.backend.seal([])
        authorization = Account.sign_authorization(
            {"chainId": Kit.CHAIN_ID, "address": recorder, "nonce": 1}, Kit.BOB.key
        )
        set_code = Kit.sign(
            Kit.ALICE,
            nonce=2,
            to=Kit.BOB.address,
            data=Kit.record_call(Kit.KEY_4, 11),
            authorizationList=[authorization],
            **Kit.ZERO_FEES,
        )
        node.backend.seal([set_code])
        yield RecordedChain(node, recorder, deploy, dynamic, legacy, access_list, set_code)
