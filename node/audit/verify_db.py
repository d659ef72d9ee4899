"""``dcl audit verify-db``: find the records of a stopped node's LevelDB that were altered
after the node wrote them.

Everything a node stores is either committed to by a hash (headers by the hash chain and the
commit seals; bodies, receipts and state by the Merkle roots of the headers) or derived from
committed records (the canonical-number, transaction and log indexes, the head pointer). So
the checks, in order, are:

1. ``schema``: the schema version, chain id and genesis hash the directory records are those
   of the genesis file.
2. ``head``: the head pointer names a stored, canonical header, and no canonical block lies
   beyond it.
3. ``header-chain``: from genesis to the head, each canonical-number entry names a stored
   header that hashes to its key, carries that number, links to the previous one, and (QBFT)
   carries a quorum of valid commit seals, which the block hash does not cover.
4. ``transactions`` and ``receipts``: every node of each block's transaction, ommers,
   withdrawal and receipt tries hashes to its key.
5. ``tx-lookup``: each transaction's lookup entry points at its block and index, and no entry
   points anywhere else.
6. ``log-index``: the log index holds exactly the entries the receipts produce.
7. ``domain-index``: the gateway's domain index (decoded events, their markers, the product,
   order, grant and participant records, what ``Involvement`` learnt) holds exactly what
   indexing every block's receipts in order produces. Its records fold every event before
   them, so it is judged only when every check before it passed; a directory without one
   (which the node indexes at start) has none to judge.
8. ``state``: every node of the head state (accounts, storage, code) hashes to its key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

import rlp
from eth.abc import BlockHeaderAPI
from eth.constants import BLANK_ROOT_HASH, EMPTY_SHA3, EMPTY_UNCLE_HASH
from eth.db.backends.memory import MemoryDB
from eth.db.chain import BlockDataKey
from eth.db.schema import SchemaV1
from eth.rlp.accounts import Account
from eth_typing import BlockNumber
from eth_utils import ValidationError, keccak

from node.audit.trie_walk import TrieDamage, trie_leaves
from node.chain.chain_reader import ChainReader
from node.chain.ethereum_chain import EthereumChain, ethereum_genesis_header
from node.chain.genesis import Genesis, genesis_state_root, qbft_genesis_header
from node.chain.header_rules import check_commit_seals
from node.storage.domain_index import DomainIndexWriter
from node.storage.leveldb import LevelDB
from node.storage.log_index import index_block_logs
from node.storage.schema import (
    CHAIN_ID_KEY,
    DOMAIN_HEAD_KEY,
    DOMAIN_PREFIX,
    GENESIS_HASH_KEY,
    LOG_ADDRESS_PREFIX,
    LOG_POSITION_BYTES,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
)

VERIFY_CHECKS = (
    "schema",
    "head",
    "header-chain",
    "transactions",
    "receipts",
    "tx-lookup",
    "log-index",
    "domain-index",
    "state",
)
MAX_FINDINGS_PER_CHECK = 20
TX_LOOKUP_PREFIX = b"transaction-hash-to-block:"
LOG_INDEX_START = LOG_ADDRESS_PREFIX[:-2]  # b"dcl:log:": markers and records alike
LOG_INDEX_STOP = LOG_INDEX_START[:-1] + b";"


@dataclass(frozen=True)
class Finding:
    check: str
    key: bytes
    """The LevelDB key of the record found wrong (empty when the record is the absence of
    one, such as a missing head pointer)."""
    detail: str


@dataclass
class VerifyResult:
    head_number: int = -1
    head_hash: bytes = b""
    blocks: int = 0
    transactions: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checks": list(VERIFY_CHECKS),
            "head": {"number": self.head_number, "hash": "0x" + self.head_hash.hex()},
            "blocks": self.blocks,
            "transactions": self.transactions,
            "findings": [
                {"check": f.check, "key": "0x" + f.key.hex(), "detail": f.detail}
                for f in self.findings
            ],
        }


class _Findings:
    def __init__(self, result: VerifyResult) -> None:
        self._result = result
        self._counts: dict[str, int] = {}

    def add(self, check: str, key: bytes, detail: str) -> None:
        count = self._counts.get(check, 0)
        self._counts[check] = count + 1
        if count < MAX_FINDINGS_PER_CHECK:
            self._result.findings.append(Finding(check, key, detail))


def verify_db(db: LevelDB, genesis: Genesis) -> VerifyResult:
    """Check every record of ``db`` against what it must hold for the chain of ``genesis``."""
    result = VerifyResult()
    found = _Findings(result)
    reader = ChainReader(db, genesis)
    genesis_hash = expected_genesis_hash(reader, genesis)
    _check_schema(db, genesis, genesis_hash, found)
    head = _check_head(db, reader, found)
    headers = _check_header_chain(db, reader, head, genesis_hash, found)
    if head is not None:
        result.head_number, result.head_hash = head.block_number, head.hash
    result.blocks = len(headers)
    damaged = _Damaged(_check_bodies(db, headers, found), unverified_from=len(headers))
    result.transactions = _check_tx_lookup(db, reader, headers, damaged, found)
    _check_log_index(db, reader, headers, damaged, found)
    if head is not None and not result.findings:
        _check_domain_index(db, reader, headers, found)
    if head is not None:
        _check_state(db, head, found)
    return result


def expected_genesis_hash(reader: ChainReader, genesis: Genesis) -> bytes:
    root = genesis_state_root(genesis.alloc)
    if reader.is_qbft:
        return qbft_genesis_header(genesis, root).hash
    chain_class = cast(type[EthereumChain], reader.chain_class)
    return ethereum_genesis_header(chain_class, genesis, root).hash


@dataclass(frozen=True)
class _Damaged:
    """Blocks whose indexes cannot be judged: a damaged body or receipts, or beyond the first
    broken link of the header chain. Their index entries are left unjudged rather than each
    reported again."""

    bodies: set[int]
    unverified_from: int

    def __contains__(self, number: object) -> bool:
        if not isinstance(number, int):
            return False
        return number in self.bodies or number >= self.unverified_from


def _check_schema(db: LevelDB, genesis: Genesis, genesis_hash: bytes, found: _Findings) -> None:
    expected = {
        SCHEMA_VERSION_KEY: SCHEMA_VERSION,
        CHAIN_ID_KEY: str(genesis.chain_id).encode(),
        GENESIS_HASH_KEY: genesis_hash,
    }
    for key, value in expected.items():
        stored = db.get(key)
        if stored != value:
            found.add(
                "schema", key, f"{key.decode()} is {stored!r}, the genesis file says {value!r}"
            )


def _canonical_hash(db: LevelDB, number: int) -> bytes | None:
    stored = db.get(SchemaV1.make_block_number_to_hash_lookup_key(BlockNumber(number)))
    if stored is None:
        return None
    try:
        decoded = rlp.decode(stored)
    except rlp.exceptions.RLPException:
        return b""
    return decoded if isinstance(decoded, bytes) else b""


def _header(reader: ChainReader, block_hash: bytes) -> BlockHeaderAPI | None:
    try:
        return reader.chaindb.get_block_header_by_hash(block_hash)  # type: ignore[arg-type]
    except Exception:  # a missing or undecodable record: the caller reports its key
        return None


def _check_head(db: LevelDB, reader: ChainReader, found: _Findings) -> BlockHeaderAPI | None:
    key = SchemaV1.make_canonical_head_hash_lookup_key()
    head_hash = db.get(key)
    if head_hash is None:
        found.add("head", key, "no head pointer")
        return None
    header = _header(reader, head_hash)
    if header is None:
        found.add("head", key, f"the head pointer names 0x{head_hash.hex()}, no stored header")
        return None
    if _canonical_hash(db, header.block_number) != head_hash:
        found.add("head", key, f"the head 0x{head_hash.hex()} is not canonical")
    if _canonical_hash(db, header.block_number + 1) is not None:
        found.add(
            "head", key, f"the head is block #{header.block_number}, the chain goes on beyond it"
        )
    return header


def _check_header_chain(
    db: LevelDB,
    reader: ChainReader,
    head: BlockHeaderAPI | None,
    genesis_hash: bytes,
    found: _Findings,
) -> list[BlockHeaderAPI]:
    """The verified canonical headers, genesis first, up to the first broken link."""
    headers: list[BlockHeaderAPI] = []
    number = 0
    last = head.block_number if head is not None else -1
    while number <= last or _canonical_hash(db, number) is not None:
        lookup = SchemaV1.make_block_number_to_hash_lookup_key(BlockNumber(number))
        block_hash = _canonical_hash(db, number)
        if not block_hash:
            found.add("header-chain", lookup, f"no canonical hash for block #{number}")
            break
        header = _header(reader, block_hash)
        problem = _header_problem(reader, header, block_hash, number, headers, genesis_hash)
        if problem is not None:
            key = block_hash if problem[0] == "header" else lookup
            found.add("header-chain", key, problem[1])
            break
        assert header is not None
        headers.append(header)
        number += 1
    return headers


def _header_problem(
    reader: ChainReader,
    header: BlockHeaderAPI | None,
    block_hash: bytes,
    number: int,
    previous: list[BlockHeaderAPI],
    genesis_hash: bytes,
) -> tuple[str, str] | None:
    """What is wrong with the canonical header of ``number``, and whether the header record
    ("header") or the canonical-number entry ("lookup") is to blame."""
    if header is None:
        return "header", f"block #{number}: header 0x{block_hash.hex()} missing or undecodable"
    if header.hash != block_hash:
        return (
            "header",
            f"block #{number}: the header stored under 0x{block_hash.hex()}"
            f" hashes to 0x{header.hash.hex()}",
        )
    if header.block_number != number:
        return "lookup", f"block #{number}: names header #{header.block_number}"
    if number == 0:
        if block_hash != genesis_hash:
            return "lookup", "block #0 is not the genesis of the genesis file"
        return None
    parent = previous[-1]
    if header.parent_hash != parent.hash:
        return "lookup", f"block #{number} does not link to block #{number - 1}"
    if reader.is_qbft:
        try:
            check_commit_seals(header, reader.validators_after(parent))
        except ValidationError as error:
            return "header", f"block #{number}: {error}"
    return None


def _block_tries(header: BlockHeaderAPI) -> Iterator[tuple[str, bytes]]:
    yield "transactions", header.transaction_root
    yield "transactions", getattr(header, "withdrawals_root", None) or BLANK_ROOT_HASH
    yield "receipts", header.receipt_root


def _check_bodies(db: LevelDB, headers: list[BlockHeaderAPI], found: _Findings) -> set[int]:
    """The numbers of the blocks whose body or receipts are damaged."""
    damaged: set[int] = set()
    for header in headers:
        for check, root in _block_tries(header):
            try:
                for _ in trie_leaves(db, root):
                    pass
            except TrieDamage as damage:
                found.add(check, damage.key, f"block #{header.block_number}: {damage.reason}")
                damaged.add(header.block_number)
        ommers = db.get(header.uncles_hash)
        if header.uncles_hash == EMPTY_UNCLE_HASH and ommers is None:
            continue  # py-evm stores no record for an empty ommers list
        if ommers is None or keccak(ommers) != header.uncles_hash:
            found.add("transactions", header.uncles_hash, f"block #{header.block_number}: ommers")
            damaged.add(header.block_number)
    return damaged


def _check_tx_lookup(
    db: LevelDB,
    reader: ChainReader,
    headers: list[BlockHeaderAPI],
    damaged: _Damaged,
    found: _Findings,
) -> int:
    expected: set[bytes] = set()
    count = 0
    for header in headers:
        if header.block_number in damaged:
            continue
        for index, tx in enumerate(reader.block(header).transactions):
            count += 1
            key = SchemaV1.make_transaction_hash_to_block_lookup_key(tx.hash)
            expected.add(key)
            if db.get(key) != rlp.encode(BlockDataKey(header.block_number, index)):
                found.add(
                    "tx-lookup",
                    key,
                    f"transaction 0x{tx.hash.hex()} is #{index} of block"
                    f" #{header.block_number}; its lookup entry says otherwise",
                )
    stop = TX_LOOKUP_PREFIX[:-1] + b";"
    for key, value in db.iterate_range(TX_LOOKUP_PREFIX, stop):
        if key not in expected and _lookup_block(value) not in damaged:
            found.add("tx-lookup", key, "a lookup entry for a transaction no canonical block holds")
    return count


def _lookup_block(value: bytes) -> int | None:
    """The block number a transaction lookup entry names, if it decodes."""
    try:
        return int(rlp.decode(value, sedes=BlockDataKey).block_number)
    except rlp.exceptions.RLPException:
        return None


def _log_block(key: bytes) -> int:
    """Every log index key ends with the log's position, whose high bits are its block."""
    return int.from_bytes(key[-LOG_POSITION_BYTES:], "big") >> 32


def _check_log_index(
    db: LevelDB,
    reader: ChainReader,
    headers: list[BlockHeaderAPI],
    damaged: _Damaged,
    found: _Findings,
) -> None:
    expected = MemoryDB()
    for header in headers:
        if header.block_number in damaged:
            continue
        hashes = [tx.hash for tx in reader.block(header).transactions]
        index_block_logs(expected, header.block_number, hashes, reader.receipts(header))
    wanted = expected.kv_store
    seen: set[bytes] = set()
    for key, value in db.iterate_range(LOG_INDEX_START, LOG_INDEX_STOP):
        seen.add(key)
        if _log_block(key) in damaged:
            continue
        if key not in wanted:
            found.add("log-index", key, "an index entry no receipt produces")
        elif wanted[key] != value:
            found.add("log-index", key, "an index entry differs from the log it copies")
    for key in sorted(set(wanted) - seen):
        found.add("log-index", key, "an index entry the receipts produce is missing")


class _SortedMemoryDB(MemoryDB):
    """An in-memory store the domain index writer can read back in key order."""

    def iterate_range(self, start: bytes, stop: bytes) -> Iterator[tuple[bytes, bytes]]:
        yield from sorted((k, v) for k, v in self.kv_store.items() if start <= k < stop)


def _check_domain_index(
    db: LevelDB, reader: ChainReader, headers: list[BlockHeaderAPI], found: _Findings
) -> None:
    """A directory with no domain index at all (a kept replay, one made before the index
    existed) is indexed by the node at start: nothing to judge yet."""
    stop = DOMAIN_PREFIX[:-1] + b";"
    if next(db.iterate_range(DOMAIN_PREFIX, stop), None) is None:
        return
    expected = _SortedMemoryDB()
    writer = DomainIndexWriter(expected)
    for header in headers[1:]:
        hashes = [tx.hash for tx in reader.block(header).transactions]
        writer.index_block(expected, header.block_number, hashes, reader.receipts(header))
    expected[DOMAIN_HEAD_KEY] = (len(headers) - 1).to_bytes(8, "big")
    wanted = expected.kv_store
    seen: set[bytes] = set()
    for key, value in db.iterate_range(DOMAIN_PREFIX, stop):
        seen.add(key)
        if key not in wanted:
            found.add("domain-index", key, "an entry no event of the chain produces")
        elif wanted[key] != value:
            found.add("domain-index", key, "an entry differs from what the events produce")
    for key in sorted(set(wanted) - seen):
        found.add("domain-index", key, "an entry the events produce is missing")


def _check_state(db: LevelDB, head: BlockHeaderAPI, found: _Findings) -> None:
    """Storage tries and code shared by several accounts (proxies of one implementation) are
    checked once."""
    seen: set[bytes] = set()
    try:
        for leaf in trie_leaves(db, head.state_root):
            account = rlp.decode(leaf, sedes=Account)
            _check_account(db, account, seen, found)
    except TrieDamage as damage:
        found.add("state", damage.key, f"head state: {damage.reason}")


def _check_account(db: LevelDB, account: Account, seen: set[bytes], found: _Findings) -> None:
    if account.storage_root not in seen:
        seen.add(account.storage_root)
        try:
            for _ in trie_leaves(db, account.storage_root):
                pass
        except TrieDamage as damage:
            found.add("state", damage.key, f"head state, storage: {damage.reason}")
    if account.code_hash != EMPTY_SHA3 and account.code_hash not in seen:
        seen.add(account.code_hash)
        code = db.get(account.code_hash)
        if code is None or keccak(code) != account.code_hash:
            found.add("state", account.code_hash, "contract code missing or altered")
