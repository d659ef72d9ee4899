"""Finalised contract calls per second: this node vs eth-tester vs the in-process ceiling.

Every figure comes from the same run and the same calls: ``Recorder.record(key, value)`` (one
storage write, one event) signed by many accounts.

1. node: a real one-validator node process; the calls arrive over JSON-RPC (batches of
   ``--batch`` eth_sendRawTransaction) and count once their receipts exist (QBFT blocks are
   final when committed).
2. eth-tester: the same signed calls through web3.py's EthereumTesterProvider on eth-tester's
   PyEVMBackend, which a Python user would pick instead (one transaction per block); and, for
   reference, the way web3.py's documentation drives it: ``contract.functions.record(...)
   .transact()`` (which estimates gas first) and a receipt wait per call.
3. ceiling: py-evm ``apply_all_transactions`` plus block persistence to LevelDB on the same
   raw transactions (decoding and sender recovery included), no RPC, no pool.

Usage: ``.venv/bin/python benchmarks/throughput.py [--txs 4000] [--accounts 40] [--rounds 3]``

``--permissioning`` instead compares the node with and without the genesis rule
``config.dcl.permissioning``, on the sample consortium's chain where the senders are
registered participants (so each sender's status is read from the registries' storage), in
interleaved rounds: the two medians and their ratio (the target: at most 10% lost).

Shared machines are noisy: the measurements are interleaved over ``--rounds`` rounds and each
figure is the median of its rounds, so a slow minute hurts no single system.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3

from client.contracts import system_address
from genesis.consortium import load_consortium
from genesis.dev_keys import dev_operator_key
from genesis.generator import write_network
from node.artifacts import load_artifact
from node.chain.chaindb import QbftChainDB
from node.chain.extra_data import QbftExtraData, encode_extra_data
from node.chain.genesis import load_genesis
from node.chain.header import commit_seal_digest
from node.chain.ledger import Ledger
from node.chain.seals import address_of, sign_digest
from node.chain.vm import next_vanity
from node.datadir import DataDir, init_datadir
from node.storage.block_writes import PendingBlockWrites
from node.storage.leveldb import LevelDB
from node.storage.log_index import index_block_logs
from tests.support.node_process import SAMPLE_CONSORTIUM, make_network, start_node
from tests.support.rpc import rpc

RECORD = keccak(b"record(bytes32,uint256)")[:4]
CEILING_BLOCK_SIZE = 500


def accounts(count: int) -> list[LocalAccount]:
    return [Account.from_key(keccak(f"benchmark-account-{i}".encode())) for i in range(count)]


DEPLOYER = Account.from_key(keccak(b"benchmark-deployer"))


def bootstrap(senders: list[LocalAccount]) -> list[bytes]:
    """The benchmark's accounts, permitted as genesis bootstrap accounts of a chain made
    without a consortium (``config.dcl``)."""
    return [bytes.fromhex(a.address[2:]) for a in [*senders, DEPLOYER]]


def record_calldata(index: int) -> bytes:
    return RECORD + index.to_bytes(32, "big") + (index * 7).to_bytes(32, "big")


def sign_calls(
    senders: list[LocalAccount], total: int, contract: bytes, chain_id: int, fees: dict[str, int]
) -> list[bytes]:
    """Round-robin over senders, nonces from 0 (the deployer is another account)."""
    raws = []
    for index in range(total):
        account = senders[index % len(senders)]
        tx = {
            "type": 2, "chainId": chain_id, "nonce": index // len(senders), "to": contract,
            "gas": 100_000, "value": 0, "data": record_calldata(index), **fees,
        }  # fmt: skip
        raws.append(bytes(account.sign_transaction(tx).raw_transaction))
    return raws


def wait_receipt(url: str, tx_hash: str, timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        receipt = rpc(url, "eth_getTransactionReceipt", tx_hash)
        if receipt:
            return receipt  # type: ignore[return-value]
        time.sleep(0.05)
    raise TimeoutError(tx_hash)


def deploy_recorder_raw(chain_id: int, fees: dict[str, int], nonce: int = 0) -> tuple[bytes, bytes]:
    deployer = DEPLOYER
    tx = {
        "type": 2, "chainId": chain_id, "nonce": nonce, "gas": 1_000_000, "value": 0,
        "data": load_artifact("Recorder").bytecode, **fees,
    }  # fmt: skip
    raw = bytes(deployer.sign_transaction(tx).raw_transaction)
    address = keccak(bytes.fromhex("d694") + bytes.fromhex(deployer.address[2:]) + bytes([0x80]))
    return raw, address[12:] if nonce == 0 else b""


def bench_node(total: int, senders: list[LocalAccount], batch: int) -> tuple[float, int]:
    workdir = Path(tempfile.mkdtemp(prefix="dcl-bench-"))
    datadir = make_network(workdir, bootstrap=bootstrap(senders))
    chain_id = load_genesis(datadir / "genesis.json").chain_id
    node = start_node(datadir)
    try:
        url = node.rpc_url
        zero = {"maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
        deploy, contract = deploy_recorder_raw(chain_id, zero)
        wait_receipt(url, str(rpc(url, "eth_sendRawTransaction", "0x" + deploy.hex())))
        raws = sign_calls(senders, total, contract, chain_id, zero)
        return submit_and_finalise(url, raws, len(senders), batch)
    finally:
        node.stop()


def market_network(workdir: Path, permissioned: bool) -> Path:
    """A one-validator network of the sample consortium (DEV ONLY keys), with the genesis
    rule ``config.dcl.permissioning`` or, for comparison, the same genesis without it."""
    network = workdir / "network"
    write_network(
        network, validators=1, consortium=load_consortium(SAMPLE_CONSORTIUM), dev_only_keys=True
    )
    if not permissioned:
        document = json.loads((network / "genesis.json").read_text())
        del document["config"]["dcl"]
        (network / "genesis.json").write_text(json.dumps(document, indent=2) + "\n")
    datadir = workdir / "validator-1"
    init_datadir(datadir, network / "genesis.json", network / "validator-1" / "key")
    return datadir


def bench_market_node(
    total: int, senders: list[LocalAccount], batch: int, permissioned: bool
) -> float:
    """The same calls on a consortium chain: the senders are registered participants and an
    exchange operator deploys the Recorder, so with permissioning every transaction's sender
    is looked up in the registries' storage, as in production."""
    workdir = Path(tempfile.mkdtemp(prefix="dcl-bench-market-"))
    datadir = market_network(workdir, permissioned)
    chain_id = load_genesis(datadir / "genesis.json").chain_id
    node = start_node(datadir)
    try:
        url = node.rpc_url
        zero = {"maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
        operator = Account.from_key(dev_operator_key("SHDE"))
        registry = Web3().eth.contract(abi=load_artifact("ParticipantRegistry").abi)
        setup = []
        for nonce, account in enumerate(senders):
            data = registry.encode_abi(
                "register", [account.address, 3, b"CN", keccak(text=account.address)]
            )
            tx = {
                "type": 2, "chainId": chain_id, "nonce": nonce, "gas": 500_000, "value": 0,
                "to": system_address("ParticipantRegistry"), "data": data, **zero,
            }  # fmt: skip
            setup.append(bytes(operator.sign_transaction(tx).raw_transaction))
        deploy_tx = {
            "type": 2, "chainId": chain_id, "nonce": len(senders), "gas": 1_000_000, "value": 0,
            "data": load_artifact("Recorder").bytecode, **zero,
        }  # fmt: skip
        setup.append(bytes(operator.sign_transaction(deploy_tx).raw_transaction))
        for raw in setup:
            rpc(url, "eth_sendRawTransaction", "0x" + raw.hex())
        receipt = wait_receipt(url, "0x" + keccak(setup[-1]).hex())
        contract = bytes.fromhex(str(receipt["contractAddress"])[2:])
        raws = sign_calls(senders, total, contract, chain_id, zero)
        return submit_and_finalise(url, raws, len(senders), batch)[0]
    finally:
        node.stop()


def submit_and_finalise(url: str, raws: list[bytes], senders: int, batch: int) -> tuple[float, int]:
    """Send ``raws`` in JSON-RPC batches from two threads; the rate at which they are
    finalised (the last call of every sender has a receipt) and the blocks they took."""
    chunks = [raws[i : i + batch] for i in range(0, len(raws), batch)]
    start = time.perf_counter()
    errors: list[object] = []

    def sender(part: list[list[bytes]]) -> None:
        with requests.Session() as session:
            for chunk in part:
                body = [
                    {"jsonrpc": "2.0", "id": i, "method": "eth_sendRawTransaction",
                     "params": ["0x" + raw.hex()]}
                    for i, raw in enumerate(chunk)
                ]  # fmt: skip
                replies = session.post(url, json=body, timeout=120).json()
                errors.extend(r["error"] for r in replies if "error" in r)

    threads = [threading.Thread(target=sender, args=(chunks[k::2],)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} submissions refused, first: {errors[0]}")
    last = ["0x" + keccak(raw).hex() for raw in raws[-senders:]]
    receipts = [wait_receipt(url, tx_hash) for tx_hash in last]
    elapsed = time.perf_counter() - start
    blocks = {int(str(r["blockNumber"]), 16) for r in receipts}
    first_block = int(str(wait_receipt(url, "0x" + keccak(raws[0]).hex())["blockNumber"]), 16)
    return len(raws) / elapsed, max(blocks) - first_block + 1


def bench_eth_tester(total: int, senders: list[LocalAccount]) -> float:
    from eth_tester import EthereumTester, PyEVMBackend
    from web3 import EthereumTesterProvider, Web3

    tester = EthereumTester(PyEVMBackend())
    w3 = Web3(EthereumTesterProvider(tester))
    funder = tester.get_accounts()[0]
    for account in [*senders, DEPLOYER]:
        w3.eth.send_transaction({"from": funder, "to": account.address, "value": 10**18})
    chain_id = w3.eth.chain_id
    fees = {"maxFeePerGas": 2 * 10**9, "maxPriorityFeePerGas": 10**9}
    deploy, contract = deploy_recorder_raw(chain_id, fees)
    w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(deploy))
    raws = sign_calls(senders, total, contract, chain_id, fees)
    start = time.perf_counter()
    for raw in raws:
        w3.eth.send_raw_transaction(raw)
    for raw in raws[-len(senders) :]:
        assert w3.eth.get_transaction_receipt(keccak(raw))["status"] == 1
    return total / (time.perf_counter() - start)


def bench_eth_tester_transact(total: int) -> float:
    from eth_tester import EthereumTester, PyEVMBackend
    from web3 import EthereumTesterProvider, Web3

    w3 = Web3(EthereumTesterProvider(EthereumTester(PyEVMBackend())))
    artifact = load_artifact("Recorder")
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    deployed = w3.eth.wait_for_transaction_receipt(
        factory.constructor().transact({"from": w3.eth.accounts[0]})
    )
    contract = w3.eth.contract(address=deployed["contractAddress"], abi=artifact.abi)
    senders = w3.eth.accounts
    start = time.perf_counter()
    for index in range(total):
        call = contract.functions.record(index.to_bytes(32, "big"), index * 7)
        tx_hash = call.transact({"from": senders[index % len(senders)]})
        w3.eth.wait_for_transaction_receipt(tx_hash)
    return total / (time.perf_counter() - start)


def bench_ceiling(total: int, senders: list[LocalAccount]) -> float:
    workdir = Path(tempfile.mkdtemp(prefix="dcl-ceiling-"))
    datadir = make_network(workdir, bootstrap=bootstrap(senders))
    genesis = load_genesis(datadir / "genesis.json")
    key = bytes.fromhex((workdir / "network" / "validator-1" / "key").read_text().strip())
    db = LevelDB(workdir / "ceiling-db")
    ledger = Ledger(db, genesis)
    zero = {"maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
    deploy, contract = deploy_recorder_raw(genesis.chain_id, zero)
    raws = sign_calls(senders, total, contract, genesis.chain_id, zero)
    builder = ledger.transaction_builder
    timestamp = int(time.time())

    def persist(raw_block: list[bytes]) -> None:
        nonlocal timestamp
        parent = ledger.head()
        timestamp += 1
        writes = PendingBlockWrites(db)
        chain = ledger.chain_class(writes)
        extra = QbftExtraData(next_vanity(parent), ledger.validators_after(parent), None, 0, ())
        header = chain.create_header_from_parent(
            parent, coinbase=address_of(key), timestamp=timestamp,
            extra_data=encode_extra_data(extra),
        )  # fmt: skip
        vm = chain.get_vm(header)
        txs = [builder.decode(raw) for raw in raw_block]
        result_header, receipts, _ = vm.apply_all_transactions(txs, vm.get_header())
        block = vm.set_block_transactions_and_withdrawals(
            vm.get_block(), result_header, txs, receipts, withdrawals=()
        )
        block = vm.mine_block(vm.block_postprocessing(block)).block  # type: ignore[attr-defined]
        sealed_extra = extra.with_seals((sign_digest(key, commit_seal_digest(block.header)),))
        block = block.copy(header=block.header.copy(extra_data=encode_extra_data(sealed_extra)))
        QbftChainDB(writes).persist_block(block)
        index_block_logs(writes, block.number, [tx.hash for tx in txs], receipts)
        writes.flush()

    try:
        persist([deploy])
        start = time.perf_counter()
        for offset in range(0, total, CEILING_BLOCK_SIZE):
            persist(raws[offset : offset + CEILING_BLOCK_SIZE])
        return total / (time.perf_counter() - start)
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--txs", type=int, default=4000)
    parser.add_argument("--accounts", type=int, default=40)
    parser.add_argument("--batch", type=int, default=100, help="calls per JSON-RPC batch")
    parser.add_argument("--tester-txs", type=int, default=1000, help="calls for eth-tester")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds; figures are their medians"
    )
    parser.add_argument(
        "--permissioning",
        action="store_true",
        help="compare the node with permissioning on and off (consortium chain)",
    )
    args = parser.parse_args()
    senders = accounts(args.accounts)
    if args.permissioning:
        compare_permissioning(args.txs, senders, args.batch, args.rounds)
        return
    rates: dict[str, list[float]] = {"node": [], "tester": [], "transact": [], "ceiling": []}
    for round_number in range(1, args.rounds + 1):
        rates["node"].append(bench_node(args.txs, senders, args.batch)[0])
        rates["tester"].append(bench_eth_tester(args.tester_txs, senders))
        rates["transact"].append(bench_eth_tester_transact(args.tester_txs // 4))
        rates["ceiling"].append(bench_ceiling(args.txs, senders))
        figures = "  ".join(f"{name} {values[-1]:.0f}" for name, values in rates.items())
        print(f"round {round_number}: {figures} tx/s", flush=True)
    node, tester, transact, ceiling = (statistics.median(v) for v in rates.values())
    print(f"calls: {args.txs} Recorder.record() from {args.accounts} accounts, medians of rounds")
    print(f"node (JSON-RPC, finalised)      {node:8.1f} tx/s")
    print(f"eth-tester PyEVMBackend         {tester:8.1f} tx/s  (same signed calls)")
    print(f"eth-tester via transact()       {transact:8.1f} tx/s  (estimate + receipt per call)")
    print(f"in-process ceiling (py-evm)     {ceiling:8.1f} tx/s")
    print(f"node / eth-tester               {node / tester:8.2f}x   (target >= 4x)")
    print(f"node / eth-tester transact()    {node / transact:8.2f}x")
    print(f"node / ceiling                  {node / ceiling:8.1%}   (target >= 60%)")


def rule_costs(senders: list[LocalAccount]) -> tuple[float, float]:
    """What the rule costs in process: reading a sender's status from the registries'
    storage, and checking a transaction once the status is kept."""
    workdir = Path(tempfile.mkdtemp(prefix="dcl-rule-"))
    data = DataDir(market_network(workdir, True))
    db = LevelDB(data.chaindata)
    try:
        ledger = Ledger(db, data.load_genesis())
        permissions = ledger.permissions_after(ledger.head())
        started = time.perf_counter()
        for account in senders:
            permissions.status(bytes.fromhex(account.address[2:]))
        status = (time.perf_counter() - started) / len(senders)
        zero = {"maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
        raws = sign_calls(senders, len(senders), bytes(20), ledger.chain_id, zero)
        txs = [ledger.transaction_builder.decode(raw) for raw in raws]
        for tx in txs:
            _ = tx.sender
        started = time.perf_counter()
        for _ in range(100):
            for tx in txs:
                permissions.refusal(tx)
        return status * 1e6, (time.perf_counter() - started) / (100 * len(txs)) * 1e6
    finally:
        db.close()


def compare_permissioning(total: int, senders: list[LocalAccount], batch: int, rounds: int) -> None:
    rates: dict[str, list[float]] = {"on": [], "off": []}
    for round_number in range(1, rounds + 1):
        order = ("on", "off") if round_number % 2 else ("off", "on")
        for mode in order:
            rates[mode].append(bench_market_node(total, senders, batch, mode == "on"))
        print(
            f"round {round_number}: permissioning on {rates['on'][-1]:.0f}"
            f"  off {rates['off'][-1]:.0f} tx/s",
            flush=True,
        )
    status_us, refusal_us = rule_costs(senders)
    on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
    print(f"calls: {total} Recorder.record() from {len(senders)} registered participants")
    print(f"node, permissioning on (registries read)   {on:8.1f} tx/s  (median of {rounds})")
    print(f"node, permissioning off (same genesis)     {off:8.1f} tx/s  (median of {rounds})")
    print(f"on / off                                   {on / off:8.1%}   (target >= 90%)")
    print(f"rule, in process: a sender's status read   {status_us:8.1f} us   (once a state)")
    print(f"rule, in process: a transaction checked    {refusal_us:8.2f} us   (status kept)")


if __name__ == "__main__":
    main()
