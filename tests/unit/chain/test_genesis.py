"""Genesis files in the geth/Besu JSON format, and the QBFT genesis block they define."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from eth.constants import BLANK_ROOT_HASH
from eth.db.account import AccountDB
from eth.db.atomic import AtomicDB
from eth.db.backends.memory import MemoryDB
from eth.vm.forks.prague.blocks import PragueBlockHeader

from node.chain.extra_data import QbftExtraData, encode_extra_data
from node.chain.genesis import (
    Genesis,
    GenesisAccount,
    GenesisError,
    QbftConfig,
    genesis_state_root,
    load_genesis,
    parse_genesis,
    qbft_genesis_header,
)
from node.chain.header import BFT_MIX_HASH

# The four validators of the besu-docs QBFT genesis example (tests/fixtures/qbft).
BESU_DOCS_EXTRA_DATA = (
    "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e626"
    "3b7297a96638cac6ae65e6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433"
    "e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0"
)
BESU_DOCS_VALIDATORS = (
    bytes.fromhex("64a702e6263b7297a96638cac6ae65e6541f4169"),
    bytes.fromhex("3923390ad55e90c237593b3b0e401f3b08a03185"),
    bytes.fromhex("aefdb9a738c9f433e5b6b212a6d62f6370c2f692"),
    bytes.fromhex("c7eeb9a4e00ce683cf93039b212648e01c6c6b78"),
)
# An IBFT 2.0 genesis extraData (besu-docs): vote as an RLP null string, round as 4 bytes.
IBFT2_EXTRA_DATA = (
    "0xf83ea00000000000000000000000000000000000000000000000000000000000000000d594c2ab482b506de5"
    "61668e07f04547232a72897daf808400000000c0"
)
FUNDED = "fe3b557e8fb62b89f4916b721be55ceb828dbd73"
DECIMAL_FUNDED = "0x627306090abab3a6e1400e9345bc60c78a8bef57"
CONTRACT = "0x00000000000000000000000000000000000000aa"


def besu_style_genesis() -> dict[str, Any]:
    """A QBFT genesis as Besu's documentation writes one, with every alloc field used."""
    return {
        "config": {
            "chainId": 1337,
            "berlinBlock": 0,
            "londonBlock": 0,
            "shanghaiTime": 0,
            "cancunTime": 0,
            "pragueTime": 0,
            "zeroBaseFee": True,
            "qbft": {
                "blockperiodseconds": 2,
                "epochlength": 30000,
                "requesttimeoutseconds": 4,
            },
        },
        "nonce": "0x0",
        "timestamp": "0x58ee40ba",
        "gasLimit": "0x1fffffffffffff",
        "difficulty": "0x1",
        "mixHash": "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
        "coinbase": "0x0000000000000000000000000000000000000000",
        "baseFeePerGas": "0x0",
        "extraData": BESU_DOCS_EXTRA_DATA,
        "alloc": {
            FUNDED: {"balance": "0xad78ebc5ac6200000"},
            DECIMAL_FUNDED: {"balance": "90000000000000000000000", "nonce": "0x5"},
            CONTRACT: {
                "code": "0x600160005401600055",
                "storage": {
                    "0x" + "00" * 32: "0x2a",
                    "0x" + "00" * 31 + "01": "0x" + "00" * 31 + "ff",
                },
                "balance": "0",
                "nonce": 1,
            },
        },
    }


def address(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


def test_a_besu_style_qbft_genesis_parses_into_its_fields() -> None:
    genesis = parse_genesis(besu_style_genesis())
    assert genesis.chain_id == 1337
    assert genesis.qbft == QbftConfig(
        block_period_seconds=2,
        epoch_length=30000,
        request_timeout_seconds=4,
        empty_block_period_seconds=2,
    )
    assert genesis.timestamp == 0x58EE40BA
    assert genesis.gas_limit == 0x1FFFFFFFFFFFFF
    assert genesis.difficulty == 1
    assert genesis.mix_hash == BFT_MIX_HASH
    assert genesis.nonce == b"\x00" * 8
    assert genesis.coinbase == b"\x00" * 20
    assert genesis.base_fee_per_gas == 0
    assert genesis.extra_data == bytes.fromhex(BESU_DOCS_EXTRA_DATA[2:])
    assert genesis.validators == BESU_DOCS_VALIDATORS


def test_the_alloc_parses_balance_nonce_code_and_storage() -> None:
    genesis = parse_genesis(besu_style_genesis())
    assert genesis.alloc == {
        address(FUNDED): GenesisAccount(balance=200 * 10**18),
        address(DECIMAL_FUNDED): GenesisAccount(balance=90_000 * 10**18, nonce=5),
        address(CONTRACT): GenesisAccount(
            balance=0,
            nonce=1,
            code=bytes.fromhex("600160005401600055"),
            storage={0: 0x2A, 1: 0xFF},
        ),
    }


def test_qbft_settings_left_out_take_besus_defaults() -> None:
    document = besu_style_genesis()
    document["config"]["qbft"] = {}
    assert parse_genesis(document).qbft == QbftConfig(
        block_period_seconds=1,
        epoch_length=30000,
        request_timeout_seconds=4,
        empty_block_period_seconds=1,
    )


def test_a_genesis_without_a_qbft_section_has_no_qbft_config_or_validators() -> None:
    document = besu_style_genesis()
    del document["config"]["qbft"]
    document["extraData"] = "0x"
    genesis = parse_genesis(document)
    assert genesis.qbft is None
    assert genesis.validators == ()


def test_a_genesis_file_is_loaded_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "genesis.json"
    path.write_text(json.dumps(besu_style_genesis()))
    assert load_genesis(path) == parse_genesis(besu_style_genesis())


def test_a_missing_genesis_file_raises_genesis_error(tmp_path: Path) -> None:
    with pytest.raises(GenesisError, match="cannot read genesis"):
        load_genesis(tmp_path / "absent.json")


def test_a_genesis_file_that_is_not_json_raises_genesis_error(tmp_path: Path) -> None:
    path = tmp_path / "genesis.json"
    path.write_text("{ not json")
    with pytest.raises(GenesisError, match="cannot read genesis"):
        load_genesis(path)


def edit(document: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, with ``...``, delete) ``document[a][b]...`` for ``path`` "a.b"."""
    *parents, last = path.split(".")
    target = document
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value


SEALED_EXTRA = encode_extra_data(
    QbftExtraData(b"\x00" * 32, BESU_DOCS_VALIDATORS, None, 0, (b"\x01" * 65,))
).hex()
ROUND_1_EXTRA = encode_extra_data(
    QbftExtraData(b"\x00" * 32, BESU_DOCS_VALIDATORS, None, 1, ())
).hex()
NO_VALIDATORS_EXTRA = encode_extra_data(QbftExtraData(b"\x00" * 32, (), None, 0, ())).hex()

MALFORMED: list[tuple[str, str, Any, str]] = [
    ("missing chainId", "config.chainId", ..., "genesis config.chainId is required"),
    ("missing config", "config", ..., "genesis config.chainId is required"),
    (
        "a later Prague activation",
        "config.pragueTime",
        5,
        "a QBFT chain runs Prague rules from genesis: config.pragueTime must be 0",
    ),
    (
        "a later London block",
        "config.londonBlock",
        "0x10",
        "a QBFT chain runs Prague rules from genesis: config.londonBlock must be 0",
    ),
    ("a non-zero base fee", "baseFeePerGas", "0x3b9aca00", "a QBFT chain's baseFeePerGas is 0"),
    (
        "extraData with seals",
        "extraData",
        "0x" + SEALED_EXTRA,
        "genesis extraData must have round 0 and no seals",
    ),
    (
        "extraData with round 1",
        "extraData",
        "0x" + ROUND_1_EXTRA,
        "genesis extraData must have round 0 and no seals",
    ),
    (
        "IBFT 2.0 extraData",
        "extraData",
        IBFT2_EXTRA_DATA,
        "extraData is not QBFT extraData: vote must be a list",
    ),
    (
        "Clique-style extraData",
        "extraData",
        "0x" + "00" * 32 + "ab" * 20 + "00" * 65,
        "extraData is not QBFT extraData: extraData is not valid RLP",
    ),
    (
        "extraData listing no validators",
        "extraData",
        "0x" + NO_VALIDATORS_EXTRA,
        "extraData lists no validators",
    ),
    (
        "bad hex in code",
        f"alloc.{CONTRACT}.code",
        "0x60zz",
        f"alloc {CONTRACT} code is not valid hex",
    ),
    ("odd-length hex in extraData", "extraData", "0xf87", "extraData is not valid hex"),
    (
        "extraData without 0x",
        "extraData",
        BESU_DOCS_EXTRA_DATA[2:],
        "extraData must be a 0x-prefixed hex string",
    ),
    ("a 31-byte mixHash", "mixHash", "0x" + "00" * 31, "mixHash must be 32 bytes"),
    (
        "a negative balance",
        f"alloc.{FUNDED}.balance",
        "-1",
        f"alloc {FUNDED} balance must not be negative",
    ),
    ("a negative chainId", "config.chainId", -1, "config.chainId must not be negative"),
    ("a gasLimit that is not a number", "gasLimit", "lots", "gasLimit is not a number: 'lots'"),
    ("a boolean timestamp", "timestamp", True, "timestamp must be a number or hex string"),
    ("a gasLimit above 2**63-1", "gasLimit", hex(2**63), "gasLimit exceeds 2**63-1"),
    (
        "a block period of 0",
        "config.qbft.blockperiodseconds",
        0,
        "config.qbft.blockperiodseconds must be at least 1",
    ),
    ("a qbft section that is a list", "config.qbft", [], "config.qbft must be an object"),
    ("an alloc that is a list", "alloc", [], "alloc must be an object"),
    (
        "an alloc address of 2 bytes",
        "alloc.0x1234",
        {},
        "alloc address is not an address: '0x1234'",
    ),
    (
        "storage that is a list",
        f"alloc.{CONTRACT}.storage",
        [],
        f"alloc {CONTRACT} storage must be an object",
    ),
    # Values that do not fit the header or account fields must be refused while parsing,
    # not fail later inside py-evm.
    ("a nonce above 8 bytes", "nonce", "0x1" + "00" * 8, "nonce must fit in 8 bytes"),
    (
        "a balance above 2**256-1",
        f"alloc.{FUNDED}.balance",
        hex(2**256),
        f"alloc {FUNDED} balance must be below 2**256",
    ),
    (
        "an account nonce above 2**64-1",
        f"alloc.{FUNDED}.nonce",
        hex(2**64),
        f"alloc {FUNDED} nonce must be below 2**64",
    ),
    (
        "a storage value above 32 bytes",
        f"alloc.{CONTRACT}.storage.0x{'00' * 32}",
        "0x01" + "00" * 32,
        f"alloc {CONTRACT} storage value must be at most 32 bytes",
    ),
    ("a dcl section that is a list", "config.dcl", [], "config.dcl must be an object"),
    (
        "permissioning that is not a boolean",
        "config.dcl",
        {"permissioning": "yes"},
        "config.dcl.permissioning must be true or false",
    ),
    (
        "an unknown dcl key",
        "config.dcl",
        {"permissioning": True, "allowEveryone": True},
        "config.dcl has unknown keys: allowEveryone",
    ),
    (
        "bootstrap accounts without permissioning",
        "config.dcl",
        {"bootstrapAccounts": ["0x" + FUNDED]},
        "config.dcl.bootstrapAccounts needs config.dcl.permissioning: true",
    ),
    (
        "a bootstrap account that is no address",
        "config.dcl",
        {"permissioning": True, "bootstrapAccounts": ["0x12"]},
        "config.dcl.bootstrapAccounts[0] is not an address: '0x12'",
    ),
    (
        "a storage key above 32 bytes",
        f"alloc.{CONTRACT}.storage.0x01{'00' * 32}",
        "0x01",
        f"alloc {CONTRACT} storage key must be at most 32 bytes",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "message"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_a_malformed_genesis_raises_genesis_error_naming_the_problem(
    path: str, value: Any, message: str
) -> None:
    document = besu_style_genesis()
    edit(document, path, value)
    with pytest.raises(GenesisError) as refused:
        parse_genesis(document)
    assert str(refused.value).startswith(message)


def test_permissioning_and_its_bootstrap_accounts_are_read_from_config_dcl() -> None:
    document = besu_style_genesis()
    document["config"]["dcl"] = {"permissioning": True, "bootstrapAccounts": ["0x" + FUNDED]}
    permissioning = parse_genesis(document).permissioning
    assert permissioning is not None
    assert permissioning.bootstrap_accounts == {address(FUNDED)}


def test_a_genesis_without_config_dcl_or_with_permissioning_false_is_not_permissioned() -> None:
    document = besu_style_genesis()
    assert parse_genesis(document).permissioning is None
    document["config"]["dcl"] = {"permissioning": False}
    assert parse_genesis(document).permissioning is None


def test_an_imported_ethereum_chain_is_never_permissioned() -> None:
    document = besu_style_genesis()
    del document["config"]["qbft"]
    document["config"]["dcl"] = {"permissioning": True}
    with pytest.raises(GenesisError) as refused:
        parse_genesis(document)
    assert str(refused.value) == (
        "config.dcl.permissioning applies to QBFT chains only: an imported Ethereum chain is"
        " never permissioned"
    )


@pytest.mark.parametrize("fork_key", ["osakaTime", "bpo1Time"])
def test_a_genesis_naming_a_fork_after_prague_is_refused(fork_key: str) -> None:
    """py-evm runs no fork after Prague: Besu would switch rules there and this node would not."""
    document = besu_style_genesis()
    document["config"][fork_key] = 5
    with pytest.raises(GenesisError, match=f"config.{fork_key}"):
        parse_genesis(document)


def test_a_genesis_that_is_not_an_object_raises_genesis_error() -> None:
    with pytest.raises(GenesisError, match="genesis must be a JSON object"):
        parse_genesis([besu_style_genesis()])


def independent_state_root(genesis: Genesis) -> bytes:
    """The state root of the alloc, written with py-evm's AccountDB over a MemoryDB."""
    accounts = AccountDB(AtomicDB(MemoryDB()))
    for account_address, account in genesis.alloc.items():
        accounts.set_balance(account_address, account.balance)
        accounts.set_nonce(account_address, account.nonce)
        accounts.set_code(account_address, account.code)
        for slot, value in account.storage.items():
            accounts.set_storage(account_address, slot, value)
    accounts.persist()
    return accounts.state_root


def test_the_genesis_state_root_equals_py_evms_for_the_same_alloc() -> None:
    genesis = parse_genesis(besu_style_genesis())
    root = genesis_state_root(genesis.alloc)
    assert root == independent_state_root(genesis)
    assert root != BLANK_ROOT_HASH


def test_the_state_root_of_an_empty_alloc_is_the_empty_trie_root() -> None:
    assert genesis_state_root({}) == bytes.fromhex(
        "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
    )


def test_genesis_state_root_writes_the_accounts_into_a_given_database() -> None:
    genesis = parse_genesis(besu_style_genesis())
    db = AtomicDB(MemoryDB())
    root = genesis_state_root(genesis.alloc, db)
    accounts = AccountDB(db, root)
    assert accounts.get_balance(address(FUNDED)) == 200 * 10**18
    assert accounts.get_nonce(address(DECIMAL_FUNDED)) == 5
    assert accounts.get_code(address(CONTRACT)) == bytes.fromhex("600160005401600055")
    assert accounts.get_storage(address(CONTRACT), 1) == 0xFF


def test_the_genesis_header_carries_the_files_fields_and_the_state_root() -> None:
    genesis = parse_genesis(besu_style_genesis())
    root = genesis_state_root(genesis.alloc)
    header = qbft_genesis_header(genesis, root)
    assert header.block_number == 0
    assert header.parent_hash == b"\x00" * 32
    assert header.state_root == root
    assert header.timestamp == 0x58EE40BA
    assert header.gas_limit == 0x1FFFFFFFFFFFFF
    assert header.difficulty == 1
    assert header.mix_hash == BFT_MIX_HASH
    assert header.extra_data == bytes.fromhex(BESU_DOCS_EXTRA_DATA[2:])
    assert header.base_fee_per_gas == 0


def test_the_genesis_hash_is_keccak_of_the_header_rlp_as_its_extra_data_has_no_seals() -> None:
    genesis = parse_genesis(besu_style_genesis())
    header = qbft_genesis_header(genesis, genesis_state_root(genesis.alloc))
    fields = {name: getattr(header, name) for name, _ in PragueBlockHeader._meta.fields}
    assert header.hash == PragueBlockHeader(**fields).hash


def test_parsing_does_not_change_the_document() -> None:
    document = besu_style_genesis()
    before = copy.deepcopy(document)
    parse_genesis(document)
    assert document == before
