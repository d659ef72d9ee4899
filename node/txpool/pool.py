"""The node's transaction pool: admission, per-sender nonce queues, block candidates.

Pure bookkeeping driven from the event-loop thread (no locks, no I/O); account state comes
from an `AccountReader` at the current head. For each sender the pool keeps transactions by
nonce; those forming a contiguous run from the account nonce are *pending* (executable), the
rest are *queued* until the gap is filled or a block moves the account nonce.

Capacity: when an executable transaction arrives at a full pool, the newest queued
transactions are evicted to make room; a queued arrival, or one that no eviction can make room
for, is refused with "txpool is full". With free gas, price cannot rank transactions as geth's
pool does, so executable beats queued and older beats newer.

A new head costs reads of the senders it concerns, not of the whole pool: the nonces of the
senders it included or whose transaction failed to build (all senders every
`PoolRules.full_refresh_interval` heads), and the balances of senders holding a transaction
that costs something.
"""

import heapq
import itertools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from eth.abc import SignedTransactionAPI
from eth.constants import GAS_TX
from eth_hash.auto import keccak
from eth_typing import Address, Hash32
from eth_utils import to_checksum_address

from .errors import (
    AccountLimitExceeded,
    AccountNotPermitted,
    AlreadyKnown,
    InsufficientFunds,
    NonceTooLow,
    ReplaceUnderpriced,
    SenderRateExceeded,
    TxPoolOverflow,
    UnprotectedTransaction,
)
from .rules import TX_SLOT_SIZE, PoolRules
from .sender import is_protected
from .validation import least_gas, transaction_cost, validate_transaction

logger = logging.getLogger(__name__)


class AccountReader(Protocol):
    """Account state at the current head, provided by the node."""

    def nonce(self, address: Address) -> int: ...

    def balance(self, address: Address) -> int: ...

    def refusal(self, sender: Address, tx: SignedTransactionAPI) -> str | None:
        """Why the block after the head may not carry ``tx`` of ``sender`` (permissioning),
        or None."""
        ...


@dataclass(frozen=True, slots=True)
class PooledTransaction:
    """A validated transaction with what the pool derived from it once (sender, hash, cost,
    the least gas it uses)."""

    tx: SignedTransactionAPI
    hash: Hash32
    sender: Address
    nonce: int
    gas: int
    least_gas: int
    raw: bytes
    arrival: int
    cost: int

    @property
    def slots(self) -> int:
        return _slots(self.raw)


def _slots(raw: bytes) -> int:
    """Pool room a transaction takes: one slot per started 32 KiB, as geth's numSlots."""
    return -(-len(raw) // TX_SLOT_SIZE)


@dataclass
class _Account:
    """One sender's transactions by nonce, its nonce at the head the pool last read, and how
    many of its transactions cost something (only those need its balance at each head)."""

    nonce: int
    txs: dict[int, PooledTransaction] = field(default_factory=dict)
    paying: int = 0

    def executable(self) -> list[PooledTransaction]:
        run = []
        nonce = self.nonce
        while (entry := self.txs.get(nonce)) is not None:
            run.append(entry)
            nonce += 1
        return run

    def queued(self) -> list[PooledTransaction]:
        end = self.nonce + len(self.executable())
        return [entry for nonce, entry in self.txs.items() if nonce >= end]


def _bumps(old: SignedTransactionAPI, new: SignedTransactionAPI, percent: int) -> bool:
    """geth's list.Add rule: both fee cap and tip strictly higher and by at least `percent`."""
    factor = 100 + percent
    return (
        new.max_fee_per_gas > old.max_fee_per_gas
        and new.max_priority_fee_per_gas > old.max_priority_fee_per_gas
        and new.max_fee_per_gas >= old.max_fee_per_gas * factor // 100
        and new.max_priority_fee_per_gas >= old.max_priority_fee_per_gas * factor // 100
    )


@dataclass
class _Bucket:
    """A sender's admission tokens at ``at`` (the pool clock's seconds)."""

    tokens: float
    at: float


class TxPool:
    """Pending and queued transactions of all senders, bounded by `PoolRules`."""

    def __init__(self, rules: PoolRules, clock: Callable[[], float] = time.monotonic) -> None:
        self.rules = rules
        self._clock = clock
        self._buckets: dict[Address, _Bucket] = {}
        self._by_hash: dict[Hash32, PooledTransaction] = {}
        self._accounts: dict[Address, _Account] = {}
        self._slots = 0
        self._arrivals = itertools.count()
        self._heads = 0
        self._unsettled: set[Address] = set()  # nonces to reread at the next head

    def __len__(self) -> int:
        return len(self._by_hash)

    def __contains__(self, tx_hash: object) -> bool:
        return tx_hash in self._by_hash

    def get(self, tx_hash: Hash32) -> PooledTransaction | None:
        return self._by_hash.get(tx_hash)

    def stats(self) -> tuple[int, int]:
        """(pending, queued) counts, as geth's txpool_status."""
        pending = sum(len(account.executable()) for account in self._accounts.values())
        return pending, len(self._by_hash) - pending

    def content(
        self,
    ) -> tuple[dict[Address, list[PooledTransaction]], dict[Address, list[PooledTransaction]]]:
        """(pending, queued) transactions by sender, each sender's in nonce order, as geth's
        txpool_content; senders with none of a kind are left out."""
        pending: dict[Address, list[PooledTransaction]] = {}
        queued: dict[Address, list[PooledTransaction]] = {}
        for address, account in self._accounts.items():
            if executable := account.executable():
                pending[address] = executable
            if waiting := sorted(account.queued(), key=lambda entry: entry.nonce):
                queued[address] = waiting
        return pending, queued

    def pending_nonce(self, address: Address, reader: AccountReader) -> int:
        """The nonce after the sender's executable transactions (eth_getTransactionCount
        "pending")."""
        nonce = reader.nonce(address)
        account = self._accounts.get(address)
        while account is not None and nonce in account.txs:
            nonce += 1
        return nonce

    def add(
        self, tx: SignedTransactionAPI, reader: AccountReader, raw: bytes | None = None
    ) -> Hash32:
        """Pool `tx` or raise the `TxPoolError` geth would give.

        Checks run in geth's order: replay protection (geth's RPC), already known, stateless
        rules, then permissioning, state (nonce, balance, per-account quota), replacement
        price, capacity.
        ``raw`` is the transaction's canonical encoding when the caller already holds it (the
        decoder has checked it re-encodes to exactly these bytes), saving a second encoding.
        """
        if raw is None:
            raw = tx.encode()
        tx_hash = Hash32(keccak(raw))
        if not self.rules.allow_unprotected and not is_protected(tx):
            raise UnprotectedTransaction()
        if tx_hash in self._by_hash:
            raise AlreadyKnown()
        sender = validate_transaction(tx, len(raw), self.rules)
        # py-evm caches `tx.sender` per object; seeding it saves the block builder a second
        # recovery, the costliest step of executing a simple call.
        tx.__dict__["sender"] = sender
        refusal = reader.refusal(sender, tx)
        if refusal is not None:
            raise AccountNotPermitted(refusal)
        bucket = self._bucket(sender)
        account = self._refresh(sender, reader.nonce(sender))
        cost = transaction_cost(tx)
        old = account.txs.get(tx.nonce)
        self._validate_against_state(tx.nonce, cost, account, old, reader.balance(sender))
        if old is not None and not _bumps(old.tx, tx, self.rules.price_bump_percent):
            raise ReplaceUnderpriced()
        self._make_room(tx.nonce, _slots(raw), account, old)
        if old is not None:
            self._remove(old)
        entry = PooledTransaction(
            tx=tx,
            hash=tx_hash,
            sender=sender,
            nonce=tx.nonce,
            gas=tx.gas,
            least_gas=least_gas(tx),
            raw=raw,
            arrival=next(self._arrivals),
            cost=cost,
        )
        self._insert(entry, account)
        bucket.tokens -= 1
        return tx_hash

    def _bucket(self, sender: Address) -> _Bucket:
        """The sender's refilled bucket; refuses the sender if it holds no whole token."""
        now = self._clock()
        bucket = self._buckets.get(sender)
        if bucket is None:
            bucket = self._buckets[sender] = _Bucket(float(self.rules.sender_burst), now)
        else:
            refill = (now - bucket.at) * self.rules.sender_rate
            bucket.tokens = min(float(self.rules.sender_burst), bucket.tokens + refill)
            bucket.at = now
        if bucket.tokens < 1:
            raise SenderRateExceeded(
                f"{to_checksum_address(sender)} may add {self.rules.sender_rate:g} transactions"
                f" a second, {self.rules.sender_burst} at once"
            )
        return bucket

    def _forget_full_buckets(self) -> None:
        """Buckets that have refilled say nothing a new one would not."""
        now = self._clock()
        full = float(self.rules.sender_burst)
        for sender, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.at) * self.rules.sender_rate >= full:
                del self._buckets[sender]

    def pending(self, gas_limit: int, max_count: int | None = None) -> list[PooledTransaction]:
        """Candidates for a block of `gas_limit`, in inclusion order.

        Senders take turns, one transaction per turn, and within a turn the transaction that
        arrived first goes first: fees are zero, so ordering by price (as geth's miner does)
        would mean nothing, while turns keep one busy sender from filling every block.

        Block space is budgeted by the least gas each transaction uses, not by its declared
        limit, which costs nothing to inflate with free gas: the block builder admits each
        candidate against the gas actually left, as geth's miner does. A sender whose next
        transaction cannot fit drops out (its later nonces cannot go without it); the others
        continue.
        """
        runs = {a: run for a, account in self._accounts.items() if (run := account.executable())}
        turns = [(0, run[0].arrival, addr, 0) for addr, run in runs.items()]
        heapq.heapify(turns)
        selected: list[PooledTransaction] = []
        gas_left = gas_limit
        while turns and gas_left >= GAS_TX and (max_count is None or len(selected) < max_count):
            turn, _, addr, index = heapq.heappop(turns)
            run = runs[addr]
            entry = run[index]
            if entry.gas > gas_limit or entry.least_gas > gas_left:
                continue
            selected.append(entry)
            gas_left -= entry.least_gas
            if index + 1 < len(run):
                heapq.heappush(turns, (turn + 1, run[index + 1].arrival, addr, index + 1))
        return selected

    def on_new_head(
        self,
        included: Iterable[Hash32],
        reader: AccountReader,
        *,
        permissions_changed: bool = False,
    ) -> None:
        """Forget included and outdated transactions; gaps closed by the block promote the
        queued ones behind them, and a balance that no longer covers a transaction drops it
        (its later nonces become queued), as geth's reset does. When the block changed who
        may transact (``permissions_changed``), every transaction the next block may no longer
        carry is dropped: a suspended or revoked sender's pending ones, say.

        Runs on the event loop, so it reads only what may have changed (module docstring):
        a sender whose nonce moved otherwise is caught up by the periodic full refresh, or
        sooner when the builder drops its outdated transaction.
        """
        self._heads += 1
        self._forget_full_buckets()
        if permissions_changed:
            self._drop_not_permitted(reader)
        moved, self._unsettled = self._unsettled, set()
        for tx_hash in included:
            entry = self._by_hash.get(tx_hash)
            if entry is not None:
                moved.add(entry.sender)
                self._remove(entry)
        if self._heads % self.rules.full_refresh_interval == 0:
            moved = set(self._accounts)
        for address in moved & self._accounts.keys():
            self._refresh(address, reader.nonce(address))
        paying = [
            (address, account) for address, account in self._accounts.items() if account.paying
        ]
        for address, account in paying:
            balance = reader.balance(address)
            for entry in [e for e in account.txs.values() if e.cost > balance]:
                self._remove(entry)

    def _drop_not_permitted(self, reader: AccountReader) -> None:
        for entry in list(self._by_hash.values()):
            refusal = reader.refusal(entry.sender, entry.tx)
            if refusal is not None:
                self._remove(entry)
                logger.info(
                    "pooled transaction dropped",
                    extra={
                        "fields": {
                            "hash": entry.hash.hex(),
                            "reason": str(AccountNotPermitted(refusal)),
                        }
                    },
                )

    def drop(self, tx_hash: Hash32, reason: str) -> None:
        """Discard a transaction the block builder could not execute; the sender's later
        nonces are no longer executable and count as queued until the gap is filled. Its
        nonce is reread at the next head: a nonce that moved behind the pool's back is a
        common reason for the failure."""
        entry = self._by_hash.get(tx_hash)
        if entry is None:
            return
        self._remove(entry)
        self._unsettled.add(entry.sender)
        logger.debug(
            "transaction dropped", extra={"fields": {"hash": entry.hash.hex(), "reason": reason}}
        )

    def _validate_against_state(
        self,
        nonce: int,
        cost: int,
        account: _Account,
        old: PooledTransaction | None,
        balance: int,
    ) -> None:
        """geth's ValidateTransactionWithState: nonce, balance (with the sender's pending
        spending), then the per-account quota for a new nonce."""
        if nonce < account.nonce:
            raise NonceTooLow(f"next nonce {account.nonce}, tx nonce {nonce}")
        if balance < cost:
            raise InsufficientFunds(f"balance {balance}, tx cost {cost}, overshot {cost - balance}")
        pending = account.executable()
        spent = sum(e.cost for e in pending)
        if old is not None and old.nonce < account.nonce + len(pending):
            bump = cost - old.cost
            if balance < spent + bump:
                raise InsufficientFunds(
                    f"balance {balance}, queued cost {spent}, tx bumped {bump}, "
                    f"overshot {spent + bump - balance}"
                )
        elif balance < spent + cost:
            raise InsufficientFunds(
                f"balance {balance}, queued cost {spent}, tx cost {cost}, "
                f"overshot {spent + cost - balance}"
            )
        if old is None and len(account.txs) >= self.rules.max_per_sender:
            raise AccountLimitExceeded(
                f"pooled {len(account.txs)} txs, the most one sender may hold"
            )

    def _make_room(
        self, nonce: int, slots: int, account: _Account, old: PooledTransaction | None
    ) -> None:
        """Evict the newest queued transactions for an executable arrival, or refuse it."""
        needed = self._slots + slots - (old.slots if old else 0) - self.rules.max_slots
        if needed <= 0:
            return
        if nonce > account.nonce + len(account.executable()):
            raise TxPoolOverflow()
        queued = [e for other in self._accounts.values() for e in other.queued()]
        queued.sort(key=lambda e: e.arrival, reverse=True)
        victims: list[PooledTransaction] = []
        for victim in queued:
            if needed <= 0:
                break
            victims.append(victim)
            needed -= victim.slots
        if needed > 0:
            raise TxPoolOverflow()
        for victim in victims:
            self._remove(victim)
            logger.debug(
                "queued transaction evicted",
                extra={"fields": {"hash": victim.hash.hex(), "reason": "txpool is full"}},
            )

    def _refresh(self, address: Address, nonce: int) -> _Account:
        """The sender's account at the head's `nonce`, without transactions already mined."""
        account = self._accounts.get(address)
        if account is None:
            return _Account(nonce)
        account.nonce = nonce
        for stale in [e for n, e in account.txs.items() if n < nonce]:
            self._remove(stale)
        return account

    def _insert(self, entry: PooledTransaction, account: _Account) -> None:
        self._accounts[entry.sender] = account
        account.txs[entry.nonce] = entry
        if entry.cost:
            account.paying += 1
        self._by_hash[entry.hash] = entry
        self._slots += entry.slots

    def _remove(self, entry: PooledTransaction) -> None:
        account = self._accounts[entry.sender]
        del account.txs[entry.nonce]
        if entry.cost:
            account.paying -= 1
        del self._by_hash[entry.hash]
        self._slots -= entry.slots
        if not account.txs:
            del self._accounts[entry.sender]
