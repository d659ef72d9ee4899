"""The validators of block N are ExchangeRegistry's in the state after block N-1: a ledger on the
sample consortium's genesis (four validators, the real registry predeployed) runs real signed
membership proposals, and every header must list the set the registry held after its parent."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from eth.abc import BlockHeaderAPI, SignedTransactionAPI, StateAPI
from eth_typing import Address
from eth_utils import keccak

from client.certificate.layout import SETTLEMENT_BASE
from client.contracts import proxy_address
from genesis.dev_keys import dev_validator_key
from genesis.generator import consortium_predeploy, genesis_document
from node.chain.extra_data import QbftExtraData, decode_extra_data, encode_extra_data
from node.chain.genesis import Genesis, GenesisAccount, GenesisError, parse_genesis
from node.chain.header import QbftBlock, commit_seal_digest
from node.chain.header_rules import HeaderRuleViolation
from node.chain.ledger import Ledger
from node.chain.registry_validators import (
    EXCHANGE_REGISTRY_PROXY,
    VALIDATORS_SLOT,
    RegistryStateError,
    read_registry_validators,
    validator_slot,
)
from node.chain.seals import address_of, sign_digest
from node.storage.leveldb import LevelDB
from tests.support.genesis_state import GenesisState
from tests.support.registry_votes import (
    GOVERNANCE_GAS,
    Vote,
    propose_nodes,
    propose_remove,
    sample_consortium,
    vote,
)

SignTx = Callable[..., SignedTransactionAPI]
FOUNDER_KEYS = [dev_validator_key(i) for i in range(1, 5)]
FOUNDERS = sorted(address_of(key) for key in FOUNDER_KEYS)
NEW_KEY = dev_validator_key(5)
NEW_VALIDATOR = address_of(NEW_KEY)
FIFTH_EXCHANGE = sample_consortium().exchanges[4].code
FOURTH_EXCHANGE = sample_consortium().exchanges[3].code
GENESIS_TIME = 1_700_000_000


@pytest.fixture(scope="module")
def consortium_genesis() -> Genesis:
    """The sample consortium with its first four exchanges running validators."""
    addresses = [address_of(key) for key in FOUNDER_KEYS]
    predeployed = consortium_predeploy(sample_consortium(), addresses)
    document = genesis_document(
        addresses, [], predeployed=predeployed, timestamp=GENESIS_TIME, vanity=b"\x07" * 32
    )
    return parse_genesis(document)


@pytest.fixture
def open_chain(
    open_leveldb: Callable[[str], LevelDB], consortium_genesis: Genesis
) -> Callable[[str], Ledger]:
    return lambda name: Ledger(open_leveldb(name), consortium_genesis)


@pytest.fixture
def chain(open_chain: Callable[[str], Ledger]) -> Ledger:
    return open_chain("producer")


def transactions(vote_: Vote, sign_tx: SignTx, nonces: dict[bytes, int]) -> list[Any]:
    """The proposal, its approvals and its execution, in that order, signed with the next
    nonce of each operator."""
    signed = []
    for call in (vote_.propose, *vote_.approvals, vote_.execute):
        nonce = nonces.get(call.key, 0)
        nonces[call.key] = nonce + 1
        signed.append(
            sign_tx(call.key, nonce, to=proxy_address(1), data=call.data, gas=GOVERNANCE_GAS)
        )
    return signed


def seal_and_commit(
    ledger: Ledger, txs: Iterable[SignedTransactionAPI], keys: Sequence[bytes], **options: Any
) -> QbftBlock:
    """Build on the head (proposed by the first key), seal with ``keys`` and commit."""
    head = ledger.head()
    options.setdefault("coinbase", Address(address_of(keys[0])))
    period = ledger.genesis.qbft.block_period_seconds  # type: ignore[union-attr]
    built = ledger.build_block(list(txs), timestamp=head.timestamp + period, **options)
    assert [r.state_root for r in built.receipts] == [b"\x01"] * len(built.receipts)
    assert built.rejected == ()
    digest = commit_seal_digest(built.block.header)
    return ledger.commit_sealed(built, [sign_digest(key, digest) for key in keys])


def listed(block: QbftBlock | BlockHeaderAPI) -> tuple[bytes, ...]:
    header = block.header if isinstance(block, QbftBlock) else block
    return decode_extra_data(header.extra_data).validators


def pass_vote(ledger: Ledger, proposal: bytes, sign_tx: SignTx, proposal_id: int = 1) -> QbftBlock:
    """One block holding the whole vote, sealed by three of the four founders."""
    txs = transactions(vote(proposal, proposal_id), sign_tx, {})
    return seal_and_commit(ledger, txs, FOUNDER_KEYS[:3])


def test_the_validators_after_genesis_are_the_registrys_which_the_genesis_header_lists(
    chain: Ledger,
) -> None:
    genesis = chain.head()
    assert chain.registry_governs is True
    assert chain.validators_after(genesis) == tuple(FOUNDERS)
    assert listed(genesis) == tuple(FOUNDERS)


def test_a_validator_given_to_an_exchange_joins_the_set_from_the_block_after_the_vote(
    chain: Ledger, sign_tx: SignTx
) -> None:
    before = seal_and_commit(chain, [], FOUNDER_KEYS[:3])
    changing = pass_vote(chain, propose_nodes(FIFTH_EXCHANGE, NEW_VALIDATOR), sign_tx)
    after = seal_and_commit(chain, [], [*FOUNDER_KEYS, NEW_KEY])
    assert listed(before) == listed(changing) == tuple(FOUNDERS)
    assert chain.validators_after(before.header) == tuple(FOUNDERS)
    assert chain.validators_after(changing.header) == tuple(sorted([*FOUNDERS, NEW_VALIDATOR]))
    assert listed(after) == tuple(sorted([*FOUNDERS, NEW_VALIDATOR]))


def test_a_removed_exchanges_validator_leaves_the_set_from_the_block_after_the_vote(
    chain: Ledger, sign_tx: SignTx
) -> None:
    removed = address_of(FOUNDER_KEYS[3])
    changing = pass_vote(chain, propose_remove(FOURTH_EXCHANGE), sign_tx)
    after = seal_and_commit(chain, [], FOUNDER_KEYS[:2])
    remaining = tuple(a for a in FOUNDERS if a != removed)
    assert listed(changing) == tuple(FOUNDERS)
    assert listed(after) == remaining
    assert chain.validators_after(after.header) == remaining


def test_a_follower_imports_a_change_and_the_next_block_sealed_by_the_new_set(
    chain: Ledger, open_chain: Callable[[str], Ledger], sign_tx: SignTx
) -> None:
    changing = pass_vote(chain, propose_nodes(FIFTH_EXCHANGE, NEW_VALIDATOR), sign_tx)
    sealed_by_new_set = seal_and_commit(
        chain, [], [NEW_KEY, *FOUNDER_KEYS[:3]], coinbase=Address(NEW_VALIDATOR)
    )
    follower = open_chain("follower")
    for block in (changing, sealed_by_new_set):
        follower.import_block(block, now=block.header.timestamp)
    assert follower.head() == chain.head()
    assert follower.head().coinbase == NEW_VALIDATOR


def test_a_block_after_a_change_that_lists_the_old_set_is_refused_naming_both_lists(
    chain: Ledger,
    open_chain: Callable[[str], Ledger],
    sign_tx: SignTx,
    reseal: Callable[..., QbftBlock],
) -> None:
    changing = pass_vote(chain, propose_nodes(FIFTH_EXCHANGE, NEW_VALIDATOR), sign_tx)
    next_block = seal_and_commit(chain, [], FOUNDER_KEYS)
    old_list = replace(decode_extra_data(next_block.header.extra_data), validators=tuple(FOUNDERS))
    forged = reseal(next_block, FOUNDER_KEYS, extra=old_list)
    follower = open_chain("follower")
    follower.import_block(changing, now=changing.header.timestamp)
    with pytest.raises(HeaderRuleViolation) as refused:
        follower.import_block(forged, now=forged.header.timestamp)
    new_set = ", ".join("0x" + a.hex() for a in sorted([*FOUNDERS, NEW_VALIDATOR]))
    old_set = ", ".join("0x" + a.hex() for a in FOUNDERS)
    assert refused.value.rule == "validator-list"
    assert str(refused.value) == (
        f"validator-list: the header lists [{old_set}], the validators at its height are"
        f" [{new_set}]"
    )
    assert follower.head() == changing.header


def test_a_proposal_after_a_change_that_lists_the_old_set_gets_no_vote(
    chain: Ledger, open_chain: Callable[[str], Ledger], sign_tx: SignTx
) -> None:
    """A validator checks a proposal against the registry before executing it."""
    changing = pass_vote(chain, propose_remove(FOURTH_EXCHANGE), sign_tx)
    validator = open_chain("validator")
    validator.import_block(changing, now=changing.header.timestamp)
    proposal = chain.build_block(
        [], coinbase=Address(FOUNDERS[0]), timestamp=changing.header.timestamp + 1
    ).block
    old_list = replace(decode_extra_data(proposal.header.extra_data), validators=tuple(FOUNDERS))
    stale = proposal.copy(header=proposal.header.copy(extra_data=encode_extra_data(old_list)))
    with pytest.raises(HeaderRuleViolation) as refused:
        validator.execute_proposal(stale, now=stale.header.timestamp)
    assert refused.value.rule == "validator-list"


def test_a_block_sealed_by_a_removed_validator_lacks_a_quorum_of_the_new_set(
    chain: Ledger, open_chain: Callable[[str], Ledger], sign_tx: SignTx
) -> None:
    removed_key = FOUNDER_KEYS[3]
    changing = pass_vote(chain, propose_remove(FOURTH_EXCHANGE), sign_tx)
    built = chain.build_block(
        [], coinbase=Address(FOUNDERS[0]), timestamp=changing.header.timestamp + 1
    )
    digest = commit_seal_digest(built.block.header)
    with pytest.raises(HeaderRuleViolation) as refused:
        chain.commit_sealed(built, [sign_digest(k, digest) for k in (FOUNDER_KEYS[0], removed_key)])
    assert str(refused.value) == (
        f"commit-seal: 0x{address_of(removed_key).hex()} is not a validator"
    )
    assert chain.head() == changing.header


def test_the_set_after_a_block_is_read_from_its_state_once(
    chain: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[bytes] = []
    state_at = chain.state_at

    def counting_state_at(header: BlockHeaderAPI) -> StateAPI:
        reads.append(bytes(header.hash))
        return state_at(header)

    monkeypatch.setattr(chain, "state_at", counting_state_at)
    first = seal_and_commit(chain, [], FOUNDER_KEYS[:3])
    for _ in range(3):
        assert chain.validators_after(first.header) == tuple(FOUNDERS)
    assert reads == [bytes(chain.header_by_number(0).hash), bytes(first.hash)]  # type: ignore[union-attr]


# -- genesis without the registry, and a registry whose storage is broken -----------------------


def test_a_qbft_genesis_without_the_registry_keeps_its_genesis_set_in_ascending_order(
    genesis_document: dict[str, Any],
    open_leveldb: Callable[[str], LevelDB],
    sign_tx: SignTx,
    validator_key: bytes,
) -> None:
    keys = [validator_key, b"\x44" * 32]
    unsorted = sorted((address_of(k) for k in keys), reverse=True)
    document = {**genesis_document, "extraData": "0x" + _extra_listing(unsorted).hex()}
    ledger = Ledger(open_leveldb("plain"), parse_genesis(document))
    block = seal_and_commit(ledger, [], keys)
    assert ledger.registry_governs is False
    assert ledger.validators_after(ledger.header_by_number(0)) == tuple(sorted(unsorted))  # type: ignore[arg-type]
    assert ledger.validators_after(block.header) == tuple(sorted(unsorted))


def _extra_listing(validators: Sequence[bytes]) -> bytes:
    return encode_extra_data(QbftExtraData(b"\x00" * 32, tuple(validators), None, 0, ()))


def with_registry_storage(genesis: Genesis, storage: dict[int, int]) -> Genesis:
    """``genesis`` with some code at the registry proxy holding exactly ``storage``."""
    account = GenesisAccount(code=b"\x00", storage=storage)
    return replace(genesis, alloc={**genesis.alloc, EXCHANGE_REGISTRY_PROXY: account})


@pytest.mark.parametrize(
    ("storage", "message"),
    [
        ({}, "the registry lists 0 validators (1 to 64 allowed)"),
        ({VALIDATORS_SLOT: 65}, "the registry lists 65 validators (1 to 64 allowed)"),
        (
            {VALIDATORS_SLOT: 1, validator_slot(0): 1 << 160},
            "validator 0 of the registry is not an address",
        ),
        (
            {VALIDATORS_SLOT: 2, validator_slot(0): 0xB0, validator_slot(1): 0xA0},
            "the registry's validators are not in strictly ascending order",
        ),
        (
            {VALIDATORS_SLOT: 2, validator_slot(0): 0xA0, validator_slot(1): 0xA0},
            "the registry's validators are not in strictly ascending order",
        ),
    ],
)
def test_a_registry_storage_without_a_well_formed_list_is_a_typed_error(
    genesis: Genesis, storage: dict[int, int], message: str
) -> None:
    state = GenesisState(with_registry_storage(genesis, storage)).state
    with pytest.raises(RegistryStateError) as refused:
        read_registry_validators(state)
    assert str(refused.value) == message


def test_a_registry_list_in_storage_is_read_in_order(genesis: Genesis) -> None:
    storage = {VALIDATORS_SLOT: 3, validator_slot(0): 0xA1, validator_slot(1): 0xB2}
    storage[validator_slot(2)] = int.from_bytes(b"\xff" * 20, "big")
    state = GenesisState(with_registry_storage(genesis, storage)).state
    assert read_registry_validators(state) == (
        (0xA1).to_bytes(20, "big"),
        (0xB2).to_bytes(20, "big"),
        b"\xff" * 20,
    )


def test_a_genesis_whose_registry_holds_no_list_is_refused_writing_nothing(
    genesis: Genesis, open_leveldb: Callable[[str], LevelDB]
) -> None:
    db = open_leveldb("refused")
    with pytest.raises(GenesisError) as refused:
        Ledger(db, with_registry_storage(genesis, {}))
    assert str(refused.value) == (
        "the genesis ExchangeRegistry holds no validator list:"
        " the registry lists 0 validators (1 to 64 allowed)"
    )
    assert dict(db.iterate_range(b"", b"\xff" * 64)) == {}


def test_a_genesis_listing_other_validators_than_its_registry_is_refused(
    consortium_genesis: Genesis, open_leveldb: Callable[[str], LevelDB]
) -> None:
    others = _extra_listing(FOUNDERS[:3])
    with pytest.raises(GenesisError) as refused:
        Ledger(open_leveldb("refused"), replace(consortium_genesis, extra_data=others))
    assert str(refused.value) == (
        "the genesis extraData lists other validators than ExchangeRegistry: "
        + ", ".join("0x" + a.hex() for a in FOUNDERS)
    )


def erc7201_slot(namespace: str) -> int:
    """``keccak256(abi.encode(uint256(keccak256(namespace)) - 1)) & ~0xff``."""
    inner = int.from_bytes(keccak(namespace.encode()), "big") - 1
    return int.from_bytes(keccak(inner.to_bytes(32, "big")), "big") & ~0xFF


def test_the_registry_slots_are_the_contracts_namespace_and_proxy() -> None:
    assert erc7201_slot("dcl.ExchangeRegistry") == VALIDATORS_SLOT
    assert erc7201_slot("dcl.TradeSettlement") == SETTLEMENT_BASE
    assert proxy_address(1) == EXCHANGE_REGISTRY_PROXY


def test_a_validator_set_read_from_a_file_backed_ledger_survives_a_reopen(
    tmp_path: Path, consortium_genesis: Genesis, sign_tx: SignTx
) -> None:
    db = LevelDB(tmp_path / "chain")
    ledger = Ledger(db, consortium_genesis)
    changing = pass_vote(ledger, propose_nodes(FIFTH_EXCHANGE, NEW_VALIDATOR), sign_tx)
    db.close()
    reopened = Ledger(LevelDB(tmp_path / "chain"), consortium_genesis)
    try:
        assert NEW_VALIDATOR in reopened.validators_after(changing.header)
    finally:
        reopened.db.close()
