"""The terms a participant writes, as the contracts' ABI values, and the calls carrying them:
calldata identical to web3.py's encoding, and transactions signed by the participant's key."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_utils import keccak
from web3 import Web3

from client.contracts import system_contract
from client.sdk import (
    Classification,
    ContractType,
    DataSource,
    GrantRequest,
    GrantTerms,
    ListingTerms,
    OrderRequest,
    Outcome,
    PriceModel,
    ProductType,
    Right,
    Role,
)
from client.sdk.calls import ContractCall
from client.sdk.domain import bits, from_bits, short_code

SUPPLIER = Account.from_key(keccak(text="supplier")).address
GRANT = GrantRequest(Right.PROCESSING_USE, "CREDIT-RISK", 100, 200, max_uses=3,
                     destinations=("HK",))  # fmt: skip
ORDER = OrderRequest(
    product_id=3, version=2, buyer_exchange="SZDE", quantity=4, unit_price=990, currency="CNY",
    contract_type=ContractType.FUSION_DEVELOPMENT, contract_hash=b"\x01" * 32,
    listing_fee_bps=250, buyer_exchange_fee_bps=150, grant=GRANT,
)  # fmt: skip


def listing() -> ListingTerms:
    return ListingTerms(
        title="Port throughput", category=b"\x02" * 32, product_type=ProductType.API,
        classification=Classification.IMPORTANT, personal_information=True,
        source=DataSource.PERSONAL, rights=frozenset({Right.HOLDING, Right.OPERATION}),
        price_model=PriceModel.PER_CALL, unit_price=12, currency="CNY", delivery_account=SUPPLIER,
        metadata_uri="https://catalogue.example/1", metadata_hash=b"\x03" * 32,
        compliance_report_hash=b"\x04" * 32, export_allowed=True,
    )  # fmt: skip


def test_listing_terms_are_the_contracts_values() -> None:
    assert listing().as_abi() == {
        "title": "Port throughput", "category": b"\x02" * 32, "productType": 1,
        "classification": 1, "personalInformation": True, "source": 2, "rights": 0b101,
        "priceModel": 1, "unitPrice": 12, "currency": b"CNY", "complianceReportHash": b"\x04" * 32,
        "metadataHash": b"\x03" * 32, "metadataUri": "https://catalogue.example/1",
        "exportAllowed": True, "deliveryAccount": SUPPLIER,
    }  # fmt: skip


def test_roles_are_the_contracts_bits_and_back() -> None:
    assert bits([Role.SUPPLIER, Role.EVALUATOR]) == 0b1001
    assert from_bits(Role, 0b100010) == (Role.BUYER, Role.CONSULTANT)


def test_an_order_request_is_the_contracts_struct_with_its_grant() -> None:
    abi = ORDER.as_abi()
    assert (abi["buyerExchange"], abi["contractType"], ORDER.amount) == (
        b"SZDE".ljust(32, b"\0"), 2, 3960,
    )  # fmt: skip
    assert abi["grant"] == {
        "right": 2, "onwardTransfer": False, "validFrom": 100, "validUntil": 200, "maxUses": 3,
        "purposeCode": b"CREDIT-RISK".ljust(32, b"\0"), "purposeHash": bytes(32),
        "destinations": [b"HK"],
    }  # fmt: skip


def test_dispute_outcomes_skip_the_contracts_none() -> None:
    assert [o.abi for o in Outcome] == [1, 2, 3]


@pytest.mark.parametrize("code", ["", "CNYX"])
def test_a_code_that_does_not_fit_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="must be 1 to 3 ASCII characters"):
        short_code(code, 3)


def test_calldata_is_web3s_encoding_of_the_same_call() -> None:
    w3 = Web3()
    expected = {
        ("TradeSettlement", "createOrder"): (ORDER.as_abi(),),
        ("DataProductRegistry", "submit"): (b"SHDE".ljust(32, b"\0"), listing().as_abi()),
        ("AuthorizationRegistry", "issue"): (GrantTerms(3, SUPPLIER, GRANT).as_abi(),),
        ("TradeSettlement", "confirm"): (9, 0),
    }
    for (contract, function), args in expected.items():
        bound = system_contract(w3, contract)
        assert ContractCall(contract, function, args).calldata() == bytes.fromhex(
            bound.encode_abi(function, list(args))[2:]
        ), function


def test_a_call_with_the_wrong_number_of_arguments_is_refused() -> None:
    with pytest.raises(TypeError, match=r"TradeSettlement\.confirm takes 2 arguments, 1 given"):
        ContractCall("TradeSettlement", "confirm", (9,)).calldata()
