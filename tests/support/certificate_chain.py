"""A real chain with a settled trade and a validator-set change, for the certificate tests and
benchmark: the sample consortium's system contracts predeployed in genesis, four validators
(DEV ONLY keys), blocks built and executed by the node's own :class:`Ledger` on LevelDB, every
transaction signed by eth-account and every block sealed by a quorum of real commit seals.

The set is governed by the ExchangeRegistry (the set of block N is its ``validators`` list in
the state after block N-1), which the node's own ledger applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth.abc import ReceiptAPI
from eth.vm.forks.cancun.transaction_context import CancunTransactionContext
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth.vm.message import Message
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import Address
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract

from client.artifacts import load_artifact
from client.certificate.layout import validator_count_slot
from client.contracts import encode_exchange_code, system_address
from genesis.consortium import load_consortium
from genesis.dev_keys import (
    dev_account_key,
    dev_operator_key,
    dev_regulator_key,
    dev_validator_key,
)
from genesis.generator import consortium_predeploy, genesis_document
from node.chain.genesis import parse_genesis
from node.chain.header import commit_seal_digest
from node.chain.ledger import Ledger
from node.chain.seals import address_of, sign_digest
from node.storage.leveldb import LevelDB
from tests.support.node_process import SAMPLE_CONSORTIUM

GENESIS_TIMESTAMP = 1_700_000_000
BLOCK_PERIOD = 2
GAS = 3_000_000
PRICE = 1_250_000
REFUND = 400_000
YEAR = 365 * 86_400
A, B = "SHDE", "SZDE"
NEW_VALIDATOR_EXCHANGE = "GZDE"
"""The fifth exchange of the sample consortium, given a validator by a registry proposal."""
SUPPLIER, BUYER, EVALUATOR = 1 << 0, 1 << 1, 1 << 3
PROCESSING_USE = 1 << 1
ARBITRAL_AWARD, PARTIAL = 1, 2
FIRST_VALIDATORS = 4
_OFFLINE = Web3()


def h(label: str) -> bytes:
    return keccak(text=label)


def validator_key(index: int) -> bytes:
    return dev_validator_key(index)


def market_genesis(*, extra_funded: Sequence[bytes] = ()) -> dict[str, Any]:
    """The sample consortium with its first four exchanges running validators 1-4."""
    validators = [address_of(validator_key(i)) for i in range(1, FIRST_VALIDATORS + 1)]
    predeployed = consortium_predeploy(load_consortium(SAMPLE_CONSORTIUM), validators)
    return genesis_document(
        validators,
        list(extra_funded),
        timestamp=GENESIS_TIMESTAMP,
        block_period_seconds=BLOCK_PERIOD,
        predeployed=predeployed,
    )


def contract(name: str) -> Contract:
    return _OFFLINE.eth.contract(address=system_address(name), abi=load_artifact(name).abi)


@dataclass
class Call:
    contract: str
    function: str
    args: tuple[Any, ...]
    sender: LocalAccount


def call(name: str, function: str, sender: LocalAccount, *args: Any) -> Call:
    return Call(name, function, args, sender)


@dataclass
class MarketChain:
    """Drives the ledger: each :meth:`block` signs its calls, builds, seals and commits."""

    ledger: Ledger
    sealers: tuple[int, ...] = (1, 2, 3)
    """Indexes of the DEV ONLY validator keys that seal the next blocks."""
    timestamp: int = GENESIS_TIMESTAMP

    def nonce(self, account: LocalAccount) -> int:
        return self.ledger.state_at(self.ledger.head()).get_nonce(
            Address(bytes.fromhex(account.address[2:]))
        )

    def block(self, *calls: Call) -> tuple[ReceiptAPI, ...]:
        """One block of ``calls`` in order; every call must succeed."""
        nonces: dict[str, int] = {}
        transactions = []
        for c in calls:
            nonce = nonces.get(c.sender.address, self.nonce(c.sender))
            nonces[c.sender.address] = nonce + 1
            data = contract(c.contract).encode_abi(c.function, args=list(c.args))
            raw = c.sender.sign_transaction(
                {
                    "type": 2,
                    "chainId": self.ledger.chain_id,
                    "nonce": nonce,
                    "to": system_address(c.contract),
                    "data": data,
                    "gas": GAS,
                    "value": 0,
                    "maxFeePerGas": 0,
                    "maxPriorityFeePerGas": 0,
                }
            ).raw_transaction
            transactions.append(PragueTransactionBuilder.decode(bytes(raw)))
        self.timestamp += BLOCK_PERIOD
        keys = [validator_key(i) for i in self.sealers]
        built = self.ledger.build_block(
            transactions, coinbase=Address(address_of(keys[0])), timestamp=self.timestamp
        )
        assert not built.rejected, built.rejected
        digest = commit_seal_digest(built.block.header)
        self.ledger.commit_sealed(built, [sign_digest(key, digest) for key in keys])
        for receipt in built.receipts:
            assert receipt.state_root == b"\x01", receipt
        return built.receipts

    def view(self, name: str, function: str, *args: Any) -> dict[str, Any]:
        """A struct-returning view of system contract ``name`` at the head, by field name."""
        state = self.ledger.state_at(self.ledger.head())
        bound = contract(name)
        address = Address(bytes.fromhex(system_address(name)[2:]))
        message = Message(
            gas=10_000_000, to=address, sender=Address(bytes(20)), value=0,
            data=bytes.fromhex(bound.encode_abi(function, args=list(args))[2:]),
            code=state.get_code(address),
        )  # fmt: skip
        context = CancunTransactionContext(gas_price=0, origin=Address(bytes(20)))
        computation = state.computation_class.apply_message(state, message, context)
        assert not computation.is_error, computation.error
        [output] = bound.get_function_by_name(function).abi["outputs"]
        names = [component["name"] for component in output["components"]]
        types = [_abi_type(component) for component in output["components"]]
        values = _OFFLINE.codec.decode([f"({','.join(types)})"], computation.output)[0]
        return dict(zip(names, values, strict=True))

    def storage(self, name: str, slot: int) -> int:
        state = self.ledger.state_at(self.ledger.head())
        return state.get_storage(Address(bytes.fromhex(system_address(name)[2:])), slot)


def _abi_type(entry: dict[str, Any]) -> str:
    if "components" not in entry:
        return str(entry["type"])
    inner = ",".join(_abi_type(component) for component in entry["components"])
    return f"({inner}){entry['type'][len('tuple') :]}"


def operator(code: str) -> LocalAccount:
    return Account.from_key(dev_operator_key(code))


def participant(index: int) -> LocalAccount:
    return Account.from_key(dev_account_key(index))


def regulator() -> LocalAccount:
    return Account.from_key(dev_regulator_key(1))


SELLER, EVALUATOR_ACCOUNT, BUYER_ACCOUNT = (participant(i) for i in (1, 2, 3))


def open_chain(path: Path, document: dict[str, Any]) -> MarketChain:
    return MarketChain(Ledger(LevelDB(path), parse_genesis(document)))


def listing_terms() -> dict[str, Any]:
    return {
        "title": "Port container throughput, daily",
        "category": h("logistics.port"),
        "productType": 0,
        "classification": 0,
        "personalInformation": False,
        "source": 1,
        "rights": PROCESSING_USE,
        "priceModel": 0,
        "unitPrice": PRICE,
        "currency": b"CNY",
        "complianceReportHash": h("compliance report"),
        "metadataHash": h("metadata"),
        "metadataUri": "https://catalogue.example/products/port-throughput",
        "exportAllowed": False,
        "deliveryAccount": SELLER.address,
    }


def order_request(product_id: int, now: int) -> dict[str, Any]:
    return {
        "productId": product_id,
        "version": 1,
        "buyerExchange": encode_exchange_code(B),
        "quantity": 1,
        "unitPrice": PRICE,
        "currency": b"CNY",
        "contractType": 0,
        "contractHash": h("signed data provision contract"),
        "listingFeeBps": 250,
        "buyerExchangeFeeBps": 150,
        "grant": {
            "right": PROCESSING_USE,
            "purposeCode": b"CREDIT-RISK".ljust(32, b"\0"),
            "purposeHash": h("purpose"),
            "validFrom": now,
            "validUntil": now + YEAR,
            "maxUses": 3,
            "destinations": [],
            "onwardTransfer": False,
        },
    }


def set_up_market(chain: MarketChain) -> None:
    """Fee schedules, three participants and one listed product (id 1)."""
    chain.block(
        call("TradeSettlement", "setFeeSchedule", operator(A), 250, 100),
        call("TradeSettlement", "setFeeSchedule", operator(B), 200, 150),
        *(
            call(
                "ParticipantRegistry",
                "register",
                operator(home),
                account.address,
                roles,
                b"CN",
                h(f"consortium-key|{account.address}"),
            )
            for account, roles, home in (
                (SELLER, SUPPLIER, A),
                (EVALUATOR_ACCOUNT, EVALUATOR, A),
                (BUYER_ACCOUNT, BUYER, B),
            )
        ),
    )
    terms = listing_terms()
    chain.block(
        call("DataProductRegistry", "submit", SELLER, encode_exchange_code(A), terms),
        call(
            "DataProductRegistry",
            "attestCompliance",
            EVALUATOR_ACCOUNT,
            1,
            1,
            terms["complianceReportHash"],
        ),
        call("DataProductRegistry", "approve", operator(A), 1, 1),
    )


def delivered_order(chain: MarketChain, order_id: int, label: str) -> None:
    """Order ``order_id`` created by the buyer through B, accepted, paid and delivered."""
    chain.block(
        call("TradeSettlement", "createOrder", BUYER_ACCOUNT, order_request(1, chain.timestamp)),
        call("TradeSettlement", "accept", SELLER, order_id),
        call("TradeSettlement", "pay", operator(B), order_id, 0, h(f"payment {label}")),
        call("TradeSettlement", "deliver", SELLER, order_id, h(f"delivery {label}")),
    )


def add_fifth_validator(chain: MarketChain) -> None:
    """A SetNodes proposal gives the fifth exchange validator 5; 16 of the 24 exchanges approve
    and it executes, changing the registry's list (and so the next block's set)."""
    registry = load_consortium(SAMPLE_CONSORTIUM)
    codes = [entry.code for entry in registry.exchanges]
    proposal_id = chain.storage("ExchangeRegistry", _proposal_count_slot()) + 1
    approvers = [code for code in codes if code != NEW_VALIDATOR_EXCHANGE][:16]
    chain.block(
        call(
            "ExchangeRegistry",
            "proposeNodes",
            operator(NEW_VALIDATOR_EXCHANGE),
            encode_exchange_code(NEW_VALIDATOR_EXCHANGE),
            Account.from_key(validator_key(5)).address,
            [],
        ),
        *(call("ExchangeRegistry", "approve", operator(code), proposal_id) for code in approvers),
        call("ExchangeRegistry", "execute", operator(A), proposal_id),
    )


def _proposal_count_slot() -> int:
    """``proposalCount`` is field 10 of the registry's namespace (contracts/README.md)."""
    return validator_count_slot() + 10
