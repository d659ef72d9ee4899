"""ExportBasisRegistry: initialisation and storage. Registering, renewing and revoking bases,
and their effect on orders, are specified in ``test_trade_settlement_export.py``."""

from __future__ import annotations

from eth_utils import keccak

from tests.contracts.harness import artifact
from tests.contracts.market import IMPORTANT_PRODUCT, ExportBasisKind, Market, h

LAYOUT_SLOT = (
    int.from_bytes(
        keccak((int.from_bytes(keccak(text="dcl.ExportBasisRegistry")) - 1).to_bytes(32))
    )
    & ~0xFF
)
ZERO = "0x" + "00" * 20


def test_initialize_cannot_run_a_second_time(market: Market) -> None:
    call = market.export_bases.functions.initialize(market.stranger)
    market.chain.expect_revert(call, market.stranger, "AlreadyInitialized")


def test_the_implementation_is_locked_against_initialize(market: Market) -> None:
    implementation = market.chain.deploy("ExportBasisRegistry")
    call = implementation.functions.initialize(market.exchanges.address)
    market.chain.expect_revert(call, market.stranger, "AlreadyInitialized")


def test_initialize_rejects_a_zero_exchange_registry(market: Market) -> None:
    chain = market.chain
    implementation = chain.deploy("ExportBasisRegistry")
    init = implementation.functions.initialize(ZERO)._encode_transaction_data()
    compiled = artifact("UpgradeProxy")
    proxy = chain.w3.eth.contract(abi=compiled.abi, bytecode=compiled.bytecode)
    constructor = proxy.constructor(implementation.address, market.exchanges.address, init)
    chain.expect_revert(constructor, chain.accounts[0], "ZeroAddress")


def test_initialization_is_recorded_with_the_exchange_registry(market: Market) -> None:
    chain = market.chain
    implementation = chain.deploy("ExportBasisRegistry")
    init = implementation.functions.initialize(market.exchanges.address)._encode_transaction_data()
    proxy = chain.deploy("UpgradeProxy", implementation.address, market.exchanges.address, init)
    [log] = (
        chain.at("ExportBasisRegistry", proxy.address)
        .events.Initialized()
        .get_logs(from_block=chain.w3.eth.block_number)
    )
    assert dict(log["args"]) == {"exchangeRegistry": market.exchanges.address}


def test_state_lives_in_the_erc7201_namespace_of_the_proxy(market: Market) -> None:
    market.chain.transact(
        market.export_bases.functions.registerExportBasis(
            IMPORTANT_PRODUCT, market.foreign_buyer, ExportBasisKind.CERTIFICATION, h("c"), 1, 2
        ),
        market.regulator,
    )
    storage = market.chain.w3.eth.get_storage_at
    base = storage(market.export_bases.address, LAYOUT_SLOT)
    assert base[-21:] == bytes.fromhex(market.exchanges.address[2:]) + b"\x01"
    outer = keccak(IMPORTANT_PRODUCT.to_bytes(32) + (LAYOUT_SLOT + 1).to_bytes(32))
    entry = int.from_bytes(keccak(bytes(12) + bytes.fromhex(market.foreign_buyer[2:]) + outer))
    assert storage(market.export_bases.address, entry + 1) == h("c")


def test_trade_settlement_reads_the_bases_from_the_export_basis_registry(market: Market) -> None:
    slot = (
        int.from_bytes(
            keccak((int.from_bytes(keccak(text="dcl.TradeSettlement")) - 1).to_bytes(32))
        )
        & ~0xFF
    ) + 8
    stored = market.chain.w3.eth.get_storage_at(market.settlement.address, slot)
    assert stored[-20:] == bytes.fromhex(market.export_bases.address[2:])
