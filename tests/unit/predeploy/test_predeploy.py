"""Genesis predeployment: the system contracts' code and storage, exactly as if deployed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from eth.db.atomic import AtomicDB
from eth_utils import keccak, to_checksum_address

from client.artifacts import ARTIFACTS_DIR
from client.contracts import (
    LINKED_LIBRARY_INDEX,
    implementation_address,
    library_address,
    proxy_address,
    system_address,
)
from genesis.consortium import Consortium, load_consortium
from genesis.generator import consortium_predeploy, genesis_document
from genesis.predeploy import (
    SYSTEM_CONTRACTS,
    GenesisValues,
    PredeployError,
    built_system_contracts,
    initialize_calldata,
    predeploy,
    registry_initialize_args,
    system_contract,
)
from node.chain.genesis import genesis_state_root, parse_genesis, qbft_genesis_header
from tests.contracts.harness import ContractChain
from tests.contracts.registry_setup import next_contract_address
from tests.support.genesis_state import GenesisState, storage_root

SAMPLE = Path(__file__).resolve().parents[3] / "genesis" / "consortium.toml"
IMPLEMENTATION_SLOT = int.from_bytes(keccak(text="eip1967.proxy.implementation")) - 1
ADMIN_SLOT = int.from_bytes(keccak(text="eip1967.proxy.admin")) - 1


@pytest.fixture(scope="module")
def consortium() -> Consortium:
    return load_consortium(SAMPLE)


def validators(count: int) -> list[bytes]:
    return [keccak(text=f"validator-{i}")[12:] for i in range(count)]


def values_for(consortium: Consortium, count: int) -> GenesisValues:
    per_exchange = (*validators(count), *([b""] * (len(consortium.exchanges) - count)))
    return GenesisValues(consortium, per_exchange)


def test_system_contracts_have_fixed_documented_addresses() -> None:
    assert [(c.name, c.proxy.hex(), c.implementation.hex()) for c in SYSTEM_CONTRACTS] == [
        (name, f"dc1000000000000000000000000000000000000{i}",
         f"dc1100000000000000000000000000000000000{i}")
        for i, name in zip(
            (1, 2, 3, 4, 5, 6, 7),
            ["ExchangeRegistry", "ParticipantRegistry", "DataProductRegistry",
             "AuthorizationRegistry", "TradeSettlement", "DemandBoard", "ExportBasisRegistry"],
            strict=True,
        )
    ]  # fmt: skip
    assert library_address(1).hex() == "dc12000000000000000000000000000000000001"
    assert system_address("ExchangeRegistry") == to_checksum_address(proxy_address(1))


def test_only_built_system_contracts_are_predeployed() -> None:
    built = [c.name for c in built_system_contracts()]
    assert "ExchangeRegistry" in built
    assert set(built) <= {c.name for c in SYSTEM_CONTRACTS}


def test_predeploy_writes_implementation_and_proxy_at_their_fixed_addresses(
    consortium: Consortium,
) -> None:
    registry = system_contract("ExchangeRegistry")
    accounts = predeploy(values_for(consortium, 1), [registry])
    assert sorted(accounts) == sorted(
        [library_address(1), proxy_address(1), implementation_address(1)]
    )
    proxy = accounts[proxy_address(1)]
    assert proxy.storage[IMPLEMENTATION_SLOT] == int.from_bytes(implementation_address(1))
    assert proxy.storage[ADMIN_SLOT] == int.from_bytes(proxy_address(1))
    assert (proxy.nonce, accounts[implementation_address(1)].nonce) == (1, 1)


def test_predeployed_registry_equals_a_normal_deployment(consortium: Consortium) -> None:
    chain = ContractChain()
    deployer = chain.accounts[0]
    implementation = next_contract_address(chain, deployer)
    values = values_for(consortium, 4)
    deployed = chain.deploy("ExchangeRegistry")
    assert deployed.address == implementation
    proxy = next_contract_address(chain, deployer)
    data = deployed.functions.initialize(*registry_initialize_args(values))
    chain.deploy("UpgradeProxy", implementation, proxy, data._encode_transaction_data())

    row = dataclasses.replace(
        system_contract("ExchangeRegistry"),
        proxy=bytes.fromhex(proxy[2:]),
        implementation=bytes.fromhex(implementation[2:]),
    )
    accounts = predeploy(values, [row])
    alloc = parse_genesis(genesis_document(validators(1), [], predeployed=accounts)).alloc
    scratch = AtomicDB()
    root = genesis_state_root(alloc, scratch)
    db = chain.tester.backend.chain.chaindb.db
    deployed_root = chain.w3.eth.get_block("latest")["stateRoot"]
    for address in (row.proxy, row.implementation):
        account = accounts[address]
        assert chain.w3.eth.get_code(to_checksum_address(address)) == account.code
        assert chain.w3.eth.get_transaction_count(to_checksum_address(address)) == account.nonce
        for slot, value in account.storage.items():
            stored = chain.w3.eth.get_storage_at(to_checksum_address(address), slot)
            assert int.from_bytes(stored) == value
        assert storage_root(scratch, root, address) == storage_root(db, deployed_root, address)


def test_a_genesis_without_validators_names_the_registry_s_error(consortium: Consortium) -> None:
    values = GenesisValues(consortium, tuple(b"" for _ in consortium.exchanges))
    with pytest.raises(PredeployError) as raised:
        predeploy(values, [system_contract("ExchangeRegistry")])
    assert str(raised.value) == (
        "ExchangeRegistry proxy and initialize reverted: NoValidatorsLeft(0x" + "00" * 32 + ")"
    )


def test_more_than_64_exchanges_are_refused_by_the_registry(consortium: Consortium) -> None:
    template = consortium.exchanges[0]
    exchanges = tuple(
        dataclasses.replace(template, code=f"X{i}", operators=(keccak(text=f"op{i}")[12:],))
        for i in range(65)
    )
    big = dataclasses.replace(consortium, exchanges=exchanges)
    with pytest.raises(PredeployError) as raised:
        predeploy(values_for(big, 1), [system_contract("ExchangeRegistry")])
    assert str(raised.value).endswith("reverted: TooManyExchanges(64)")


def test_genesis_validators_equal_the_predeployed_registry_validators(
    consortium: Consortium,
) -> None:
    chosen = validators(5)
    document = genesis_document(chosen, [], predeployed=consortium_predeploy(consortium, chosen))
    genesis = parse_genesis(document)
    state = GenesisState(genesis)
    listed = state.call("ExchangeRegistry", proxy_address(1), "validators")
    assert [bytes.fromhex(a[2:]) for a in listed] == list(genesis.validators)
    assert list(genesis.validators) == sorted(chosen)


def test_the_first_k_exchanges_of_the_file_run_the_validators(consortium: Consortium) -> None:
    chosen = validators(2)
    accounts = consortium_predeploy(consortium, chosen)
    state = GenesisState(parse_genesis(genesis_document(chosen, [], predeployed=accounts)))
    read = [
        state.call("ExchangeRegistry", proxy_address(1), "exchange", e.code_bytes)
        for e in consortium.exchanges[:3]
    ]
    assert [bytes.fromhex(r[3][2:]) for r in read] == [*chosen, bytes(20)]
    assert read[0][:3] == (
        "Shanghai Data Exchange",
        "Shanghai",
        tuple(to_checksum_address(a) for a in consortium.exchanges[0].operators),
    )


def test_the_predeployed_registry_holds_the_consortium(consortium: Consortium) -> None:
    accounts = consortium_predeploy(consortium, validators(1))
    state = GenesisState(parse_genesis(genesis_document(validators(1), [], predeployed=accounts)))

    def call(function: str, *args: object) -> object:
        return state.call("ExchangeRegistry", proxy_address(1), function, *args)

    assert call("activeExchangeCount") == 24
    assert call("quorum") == 16
    assert call("regulatorRoot") == to_checksum_address(consortium.regulator_root)
    assert call("isRegulator", to_checksum_address(consortium.regulators[0])) is True
    assert call("parameters") == consortium.parameters.as_abi()
    assert call("upgradeDelay") == consortium.upgrade_delay


def test_k_outside_one_to_the_exchange_count_is_refused(consortium: Consortium) -> None:
    with pytest.raises(ValueError, match="between 1 and the 24 exchanges"):
        consortium_predeploy(consortium, validators(25))


def test_predeploy_is_deterministic(consortium: Consortium) -> None:
    first = genesis_document(
        validators(3), [], predeployed=consortium_predeploy(consortium, validators(3))
    )
    second = genesis_document(
        validators(3), [], predeployed=consortium_predeploy(consortium, validators(3))
    )
    assert first == second


def test_the_genesis_hash_depends_only_on_consortium_keys_time_and_vanity(
    consortium: Consortium,
) -> None:
    def genesis_hash(validator_count: int) -> bytes:
        chosen = validators(validator_count)
        document = genesis_document(
            chosen, [], timestamp=1_700_000_000, vanity=b"\x42" * 32,
            predeployed=consortium_predeploy(consortium, chosen),
        )  # fmt: skip
        genesis = parse_genesis(document)
        return bytes(qbft_genesis_header(genesis, genesis_state_root(genesis.alloc)).hash)

    assert genesis_hash(2) == genesis_hash(2)
    assert genesis_hash(2) != genesis_hash(3)


MARKET_CONTRACTS = [
    "ExchangeRegistry",
    "ParticipantRegistry",
    "DataProductRegistry",
    "AuthorizationRegistry",
    "TradeSettlement",
    "DemandBoard",
    "ExportBasisRegistry",
]


def test_all_seven_system_contracts_and_the_linked_library_are_predeployed(
    consortium: Consortium,
) -> None:
    accounts = consortium_predeploy(consortium, validators(1))
    assert [c.name for c in built_system_contracts()] == MARKET_CONTRACTS
    assert sorted(accounts) == sorted(
        [
            library_address(1),
            *(
                address
                for index in range(1, 8)
                for address in (proxy_address(index), implementation_address(index))
            ),
        ]
    )


def test_each_initialize_needs_only_the_contracts_before_it_in_the_table(
    consortium: Consortium,
) -> None:
    """Predeploying any prefix of the table works, so no ``initialize`` calls a system contract
    whose proxy the table creates later."""
    values = values_for(consortium, 1)
    for end in range(1, len(SYSTEM_CONTRACTS) + 1):
        accounts = predeploy(values, SYSTEM_CONTRACTS[:end])
        assert len(accounts) == 2 * end + 1


@pytest.mark.parametrize("name", MARKET_CONTRACTS[1:])
def test_each_predeployed_market_contract_equals_a_normal_deployment(
    consortium: Consortium, name: str
) -> None:
    chain = ContractChain()
    deployer = chain.accounts[0]
    values = values_for(consortium, 1)
    row = system_contract(name)
    implementation = chain.deploy(name)
    proxy = next_contract_address(chain, deployer)
    chain.deploy(
        "UpgradeProxy",
        implementation.address,
        to_checksum_address(proxy_address(1)),
        initialize_calldata(row, values),
    )
    moved = dataclasses.replace(
        row,
        proxy=bytes.fromhex(proxy[2:]),
        implementation=bytes.fromhex(implementation.address[2:]),
    )
    accounts = predeploy(values, [system_contract("ExchangeRegistry"), moved])
    for address in (moved.proxy, moved.implementation):
        account = accounts[address]
        checksummed = to_checksum_address(address)
        assert chain.w3.eth.get_code(checksummed) == account.code
        assert chain.w3.eth.get_transaction_count(checksummed) == account.nonce
        for slot, value in account.storage.items():
            assert int.from_bytes(chain.w3.eth.get_storage_at(checksummed, slot)) == value
    assert accounts[moved.proxy].storage[ADMIN_SLOT] == int.from_bytes(proxy_address(1))


def test_the_market_contracts_are_wired_to_the_system_proxies(consortium: Consortium) -> None:
    accounts = consortium_predeploy(consortium, validators(1))
    settlement = accounts[proxy_address(5)].storage
    base = (
        int.from_bytes(
            keccak((int.from_bytes(keccak(text="dcl.TradeSettlement")) - 1).to_bytes(32))
        )
        & ~0xFF
    )
    assert settlement[base] == (int.from_bytes(proxy_address(1)) << 8) | 1
    assert [settlement[base + i] for i in (1, 2, 3)] == [
        int.from_bytes(proxy_address(i)) for i in (2, 3, 4)
    ]


def test_genesis_names_every_system_proxy_and_nothing_else_an_upgrade_target(
    consortium: Consortium,
) -> None:
    chain = ContractChain(consortium_predeploy(consortium, validators(1)))
    registry = chain.at("ExchangeRegistry", system_address("ExchangeRegistry"))
    targets = registry.functions.isSystemProxy
    assert [targets(to_checksum_address(c.proxy)).call() for c in SYSTEM_CONTRACTS] == [True] * len(
        SYSTEM_CONTRACTS
    )
    assert targets(to_checksum_address(implementation_address(5))).call() is False
    assert targets(to_checksum_address(library_address(1))).call() is False


def test_the_compiler_links_each_library_at_its_fixed_genesis_address() -> None:
    """``contracts/build.mjs`` links libraries at the addresses genesis predeploys them at."""
    settings = json.loads((ARTIFACTS_DIR / "TradeSettlement.json").read_text())["settings"]
    linked = {
        name: address
        for libraries in settings["libraries"].values()
        for name, address in libraries.items()
    }
    assert linked == {
        name: "0x" + library_address(index).hex() for name, index in LINKED_LIBRARY_INDEX.items()
    }


def test_the_predeployed_library_runs_only_by_delegatecall(consortium: Consortium) -> None:
    """A library's runtime code carries its own address (solc's call protection), so it must be
    created at its fixed address, as genesis does, not copied there."""
    accounts = predeploy(values_for(consortium, 1), [system_contract("ExchangeRegistry")])
    code = accounts[library_address(1)].code
    assert code[:21] == b"\x73" + library_address(1)
