"""Real signed transactions (eth-account, fixed dev keys) and an in-memory account reader."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from eth.abc import SignedTransactionAPI, UnsignedTransactionAPI
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth_account import Account
from eth_keys import keys
from eth_typing import Address

from node.txpool import PoolRules, TxPool, decode_raw_transaction

CHAIN_ID = 1337
BLOCK_GAS_LIMIT = 30_000_000
RECIPIENT = "0x" + "22" * 20


@dataclass
class MemoryReader:
    """Account state at the head; accounts not set have nonce 0 and balance 0. Every read is
    noted, since reads are what a new head costs the node."""

    nonces: dict[bytes, int] = field(default_factory=dict)
    balances: dict[bytes, int] = field(default_factory=dict)
    nonce_reads: list[bytes] = field(default_factory=list)
    balance_reads: list[bytes] = field(default_factory=list)
    refused: dict[bytes, str] = field(default_factory=dict)
    """Senders the next block may not carry, with the permissioning rule's reason."""

    def nonce(self, address: Address) -> int:
        self.nonce_reads.append(address)
        return self.nonces.get(address, 0)

    def balance(self, address: Address) -> int:
        self.balance_reads.append(address)
        return self.balances.get(address, 0)

    def refusal(self, sender: Address, tx: SignedTransactionAPI) -> str | None:
        return self.refused.get(sender)


class Wallet:
    """Signs transactions with one fixed key; defaults are a zero-fee EIP-1559 transfer."""

    def __init__(self, key_byte: int) -> None:
        self.key = bytes([key_byte]) * 32
        self.private_key = keys.PrivateKey(self.key)
        self.address = Address(self.private_key.public_key.to_canonical_address())
        self.checksum = self.private_key.public_key.to_checksum_address()

    def raw(self, nonce: int = 0, **fields: Any) -> bytes:
        """Sign with eth-account; `gasPrice` makes a legacy (or type-1) transaction."""
        tx: dict[str, Any] = {
            "chainId": CHAIN_ID,
            "nonce": nonce,
            "gas": 21_000,
            "to": RECIPIENT,
            "value": 0,
            "data": b"",
        }
        if "gasPrice" not in fields:
            tx |= {"type": 2, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
        tx |= fields
        tx = {key: value for key, value in tx.items() if value is not None}
        return bytes(Account.sign_transaction(tx, self.key).raw_transaction)

    def tx(self, nonce: int = 0, **fields: Any) -> SignedTransactionAPI:
        return decode(self.raw(nonce, **fields))

    def sign(self, unsigned: UnsignedTransactionAPI) -> SignedTransactionAPI:
        """Sign a py-evm transaction, for field values eth-account refuses to sign."""
        signed = unsigned.as_signed_transaction(self.private_key, chain_id=CHAIN_ID)
        return decode(signed.encode())

    def authorization(self, nonce: int = 0) -> Any:
        return Account.from_key(self.key).sign_authorization(
            {"chainId": CHAIN_ID, "address": "0x" + "33" * 20, "nonce": nonce}
        )


def decode(raw: bytes) -> SignedTransactionAPI:
    return decode_raw_transaction(raw, PragueTransactionBuilder, blobs_enabled=True)


@pytest.fixture(scope="session")
def alice() -> Wallet:
    return Wallet(0xA1)


@pytest.fixture(scope="session")
def bob() -> Wallet:
    return Wallet(0xB0)


@pytest.fixture(scope="session")
def carol() -> Wallet:
    return Wallet(0xC0)


@pytest.fixture(scope="session")
def new_reader() -> Callable[[], MemoryReader]:
    return MemoryReader


@pytest.fixture
def reader() -> MemoryReader:
    return MemoryReader()


@pytest.fixture(scope="session")
def rules() -> PoolRules:
    return PoolRules(chain_id=CHAIN_ID, block_gas_limit=BLOCK_GAS_LIMIT)


@pytest.fixture
def pool(rules: PoolRules) -> TxPool:
    return TxPool(rules)
