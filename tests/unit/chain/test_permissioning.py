"""Account permissioning is a rule of block validity: a ledger on the sample consortium's genesis
with ``config.dcl.permissioning`` runs real signed registrations and suspensions, and every
block is built, proposed and imported by the registries' state after its parent."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

import pytest
from eth.abc import SignedTransactionAPI
from eth_typing import Address
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.contract import Contract

from client.artifacts import load_artifact
from client.contracts import proxy_address
from genesis.dev_keys import dev_account_key, dev_operator_key, dev_regulator_key, dev_validator_key
from genesis.generator import consortium_predeploy, genesis_document
from node.chain.genesis import Genesis, parse_genesis
from node.chain.header import QbftBlock, commit_seal_digest
from node.chain.ledger import BuiltBlock, Ledger, RejectedTransaction
from node.chain.permissioning import OPEN, PermissionViolation
from node.chain.seals import address_of, sign_digest
from node.storage.leveldb import LevelDB
from tests.support.registry_votes import sample_consortium

SignTx = Callable[..., SignedTransactionAPI]
VALIDATOR_KEY = dev_validator_key(1)
OPERATOR_KEY = dev_operator_key("SHDE")
REGULATOR_KEY = dev_regulator_key(1)
PARTICIPANT_KEY = dev_account_key(1)
STRANGER_KEY = dev_account_key(2)
BOOTSTRAP_KEY = dev_account_key(3)
GENESIS_TIME = 1_700_000_000
GAS = 1_000_000
SUPPLIER = 1


def checksum(key: bytes) -> str:
    return to_checksum_address(address_of(key))


@cache
def _abi(name: str) -> Contract:
    return Web3().eth.contract(abi=load_artifact(name).abi)


def calldata(contract: str, function: str, *args: Any) -> bytes:
    return bytes.fromhex(_abi(contract).encode_abi(function, args=list(args))[2:])


def register(account_key: bytes) -> bytes:
    account = checksum(account_key)
    return calldata(
        "ParticipantRegistry", "register", account, SUPPLIER, b"CN", keccak(text=account)
    )


def consortium_document(**options: Any) -> dict[str, Any]:
    validators = [address_of(VALIDATOR_KEY)]
    predeployed = consortium_predeploy(sample_consortium(), validators)
    return genesis_document(
        validators,
        [],
        predeployed=predeployed,
        timestamp=GENESIS_TIME,
        vanity=b"\x07" * 32,
        **options,
    )


@pytest.fixture(scope="module")
def permissioned() -> Genesis:
    return parse_genesis(
        consortium_document(permissioning=True, bootstrap_accounts=[address_of(BOOTSTRAP_KEY)])
    )


@pytest.fixture(scope="module")
def unpermissioned() -> Genesis:
    """The same chain (same genesis hash) without the rule: the node of a misbehaving
    validator, which builds whatever it is given."""
    return parse_genesis(consortium_document())


@pytest.fixture
def open_chain(open_leveldb: Callable[[str], LevelDB]) -> Callable[[str, Genesis], Ledger]:
    return lambda name, genesis: Ledger(open_leveldb(name), genesis)


@pytest.fixture
def chain(open_chain: Callable[[str, Genesis], Ledger], permissioned: Genesis) -> Ledger:
    return open_chain("producer", permissioned)


class Nonces:
    def __init__(self, sign_tx: SignTx) -> None:
        self._sign = sign_tx
        self._next: dict[bytes, int] = {}

    def call(self, key: bytes, contract: int | None, data: bytes = b"") -> SignedTransactionAPI:
        nonce = self._next.get(key, 0)
        self._next[key] = nonce + 1
        to = None if contract is None else proxy_address(contract)
        return self._sign(key, nonce, to=to, data=data, gas=GAS)


@pytest.fixture
def txs(sign_tx: SignTx) -> Nonces:
    return Nonces(sign_tx)


def build(ledger: Ledger, transactions: Iterable[SignedTransactionAPI]) -> BuiltBlock:
    period = ledger.genesis.qbft.block_period_seconds  # type: ignore[union-attr]
    return ledger.build_block(
        list(transactions),
        coinbase=Address(address_of(VALIDATOR_KEY)),
        timestamp=ledger.head().timestamp + period,
    )


def sealed(built: BuiltBlock) -> QbftBlock:
    from node.chain.extra_data import decode_extra_data, encode_extra_data

    seal = sign_digest(VALIDATOR_KEY, commit_seal_digest(built.block.header))
    extra = decode_extra_data(built.block.header.extra_data).with_seals((seal,))
    return built.block.copy(header=built.block.header.copy(extra_data=encode_extra_data(extra)))


def commit(ledger: Ledger, built: BuiltBlock) -> QbftBlock:
    seal = sign_digest(VALIDATOR_KEY, commit_seal_digest(built.block.header))
    return ledger.commit_sealed(built, [seal])


def included(built: BuiltBlock) -> list[bytes]:
    return [bytes(tx.hash) for tx in built.block.transactions]


def hashes(transactions: Sequence[SignedTransactionAPI]) -> list[bytes]:
    return [bytes(tx.hash) for tx in transactions]


NOT_REGISTERED = (
    "account not permitted: {} is not registered (no operator of an active exchange, regulator,"
    " regulator root or active participant)"
)


def test_an_unregistered_senders_transaction_is_left_out_of_a_block_with_the_reason(
    chain: Ledger, txs: Nonces
) -> None:
    stranger = txs.call(STRANGER_KEY, 1)
    operator = txs.call(OPERATOR_KEY, 2, register(PARTICIPANT_KEY))
    built = build(chain, [stranger, operator])
    assert included(built) == hashes([operator])
    assert built.rejected == (
        RejectedTransaction(stranger.hash, NOT_REGISTERED.format(checksum(STRANGER_KEY))),
    )


def test_a_registration_permits_the_participant_from_the_next_block(
    chain: Ledger, txs: Nonces
) -> None:
    registration = txs.call(OPERATOR_KEY, 2, register(PARTICIPANT_KEY))
    too_early = txs.call(PARTICIPANT_KEY, 1)
    first = build(chain, [registration, too_early])
    commit(chain, first)
    assert included(first) == hashes([registration])
    assert first.rejected[0].reason == NOT_REGISTERED.format(checksum(PARTICIPANT_KEY))
    second = build(chain, [too_early])
    assert second.rejected == ()
    assert included(second) == hashes([too_early])


def registered(chain: Ledger, txs: Nonces) -> None:
    commit(chain, build(chain, [txs.call(OPERATOR_KEY, 2, register(PARTICIPANT_KEY))]))


def test_a_suspended_participant_may_transact_in_the_suspending_block_but_not_after(
    chain: Ledger, txs: Nonces
) -> None:
    registered(chain, txs)
    participant = checksum(PARTICIPANT_KEY)
    suspension = txs.call(
        OPERATOR_KEY, 2, calldata("ParticipantRegistry", "suspend", participant, keccak(b"late"))
    )
    same_block = txs.call(PARTICIPANT_KEY, 1)
    suspending = build(chain, [suspension, same_block])
    commit(chain, suspending)
    later = txs.call(PARTICIPANT_KEY, 1)
    after = build(chain, [later])
    assert included(suspending) == hashes([suspension, same_block])
    assert after.rejected == (
        RejectedTransaction(
            later.hash,
            f"account not permitted: {participant} may not transact: it is a suspended participant",
        ),
    )


def test_a_participant_may_not_create_contracts_but_an_operator_and_a_regulator_may(
    chain: Ledger, txs: Nonces
) -> None:
    registered(chain, txs)
    code = load_artifact("Recorder").bytecode
    participant = txs.call(PARTICIPANT_KEY, None, code)
    operator = txs.call(OPERATOR_KEY, None, code)
    regulator = txs.call(REGULATOR_KEY, None, code)
    built = build(chain, [participant, operator, regulator])
    assert included(built) == hashes([operator, regulator])
    assert built.rejected == (
        RejectedTransaction(
            participant.hash,
            f"account not permitted: {checksum(PARTICIPANT_KEY)} may not create contracts: only"
            " regulators, the regulator root and operators of active exchanges may",
        ),
    )


def test_a_bootstrap_account_counts_for_nothing_once_the_consortium_is_set_up(
    chain: Ledger, txs: Nonces
) -> None:
    bootstrap = txs.call(BOOTSTRAP_KEY, 1)
    built = build(chain, [bootstrap])
    assert built.rejected[0].reason == (
        f"account not permitted: {checksum(BOOTSTRAP_KEY)} may not transact: its genesis"
        " bootstrap ended when the consortium was set up"
    )


def forged(
    open_chain: Callable[[str, Genesis], Ledger], genesis: Genesis, txs: list[Any]
) -> QbftBlock:
    """A block a validator without the rule built with ``txs``, sealed by it."""
    rogue = open_chain("rogue", genesis)
    built = build(rogue, txs)
    assert built.rejected == ()
    return sealed(built)


def test_an_imported_block_carrying_a_forbidden_transaction_is_refused_whole(
    open_chain: Callable[[str, Genesis], Ledger],
    chain: Ledger,
    unpermissioned: Genesis,
    txs: Nonces,
) -> None:
    operator = txs.call(OPERATOR_KEY, 2, register(PARTICIPANT_KEY))
    stranger = txs.call(STRANGER_KEY, 1)
    block = forged(open_chain, unpermissioned, [operator, stranger])
    with pytest.raises(PermissionViolation) as refused:
        chain.import_block(block, now=block.header.timestamp)
    assert str(refused.value) == (
        f"permissioning: transaction 1 (0x{bytes(stranger.hash).hex()}) from"
        f" {checksum(STRANGER_KEY)}: " + NOT_REGISTERED.format(checksum(STRANGER_KEY))
    )
    assert chain.head().block_number == 0


def test_a_proposal_carrying_a_forbidden_transaction_is_refused(
    open_chain: Callable[[str, Genesis], Ledger],
    chain: Ledger,
    unpermissioned: Genesis,
    txs: Nonces,
) -> None:
    stranger = txs.call(STRANGER_KEY, 1)
    block = forged(open_chain, unpermissioned, [stranger])
    with pytest.raises(PermissionViolation, match="permissioning: transaction 0 "):
        chain.execute_proposal(block, now=block.header.timestamp)


def test_the_same_block_imports_where_the_genesis_does_not_switch_the_rule_on(
    open_chain: Callable[[str, Genesis], Ledger], unpermissioned: Genesis, txs: Nonces
) -> None:
    block = forged(open_chain, unpermissioned, [txs.call(STRANGER_KEY, 1)])
    follower = open_chain("follower", unpermissioned)
    assert follower.import_block(block, now=block.header.timestamp).hash == block.hash
    assert follower.permissions_after(follower.head()) is OPEN


def test_statuses_are_kept_while_the_registries_do_not_change(chain: Ledger, txs: Nonces) -> None:
    genesis = chain.head()
    empty = commit(chain, build(chain, [txs.call(OPERATOR_KEY, 3)]))
    registering = commit(
        chain, build(chain, [txs.call(OPERATOR_KEY, 2, register(PARTICIPANT_KEY))])
    )
    assert chain.permissions_after(empty.header) is chain.permissions_after(genesis)
    assert chain.permissions_after(registering.header) is not chain.permissions_after(genesis)
    assert chain.permissions_after(registering.header).status(address_of(PARTICIPANT_KEY)).permitted


def test_on_a_chain_without_a_consortium_only_the_bootstrap_accounts_transact_and_create(
    open_chain: Callable[[str, Genesis], Ledger], txs: Nonces
) -> None:
    validators = [address_of(VALIDATOR_KEY)]
    genesis = parse_genesis(
        genesis_document(
            validators,
            [],
            timestamp=GENESIS_TIME,
            permissioning=True,
            bootstrap_accounts=[address_of(BOOTSTRAP_KEY)],
        )
    )
    ledger = open_chain("dev", genesis)
    creation = txs.call(BOOTSTRAP_KEY, None, load_artifact("Recorder").bytecode)
    stranger = txs.call(STRANGER_KEY, None, b"")
    built = build(ledger, [creation, stranger])
    assert included(built) == hashes([creation])
    assert built.rejected[0].reason == NOT_REGISTERED.format(checksum(STRANGER_KEY))
    status = ledger.permissions_after(ledger.head()).status(address_of(BOOTSTRAP_KEY))
    assert (status.permitted, status.may_create_contracts, status.roles) == (
        True,
        True,
        ("bootstrap",),
    )
