"""The blocking client against a real node's gateway: what it reads to sign (the chain, the
pending nonce, the published fee rates), how refusals reach it (typed, with the problem's
detail), and how it renews a session the gateway no longer accepts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from client.sdk import Client, InvalidRequest, NotSettled, Role, TransactionFailed
from tests.support.market_node import participant
from tests.support.sdk_market import (
    LISTING_FEES,
    A,
    B,
    SdkNode,
    h,
    list_product,
    parties,
    register,
    usage,
)

SUPPLIER, BUYER = participant(31), participant(32)


@dataclass
class OpenOrder:
    product_id: int
    order_id: int


@pytest.fixture(scope="module")
def open_order(ledger: SdkNode) -> Iterator[OpenOrder]:
    """A listing of the supplier at A and the buyer's order of it, accepted, not yet paid."""
    with parties(ledger, SUPPLIER, BUYER) as p:
        register(p.exchange_a, SUPPLIER, Role.SUPPLIER)
        register(p.exchange_b, BUYER, Role.BUYER)
        product_id = list_product(p.supplier, p.exchange_a, A, "Bonded warehouse stock levels")
        request = p.buyer.quote_order(
            product_id, buyer_exchange=B, grant=usage(p.buyer.chain().head_timestamp),
            contract_hash=h("contract"),
        )  # fmt: skip
        order_id = int(p.buyer.create_order(request).event("OrderCreated").args["orderId"])
        p.supplier.accept_order(order_id)
        yield OpenOrder(product_id, order_id)


def test_the_chain_is_read_from_the_gateway(ledger: SdkNode) -> None:
    with ledger.client(BUYER) as buyer:
        chain = buyer.chain()
    assert chain.chain_id == 1337
    assert chain.head_number >= 1


def test_the_nonce_counts_the_accounts_transactions(ledger: SdkNode, open_order: OpenOrder) -> None:
    with ledger.client(BUYER) as buyer:
        assert buyer.nonce() == 1


def test_exchanges_show_the_fee_rates_they_publish(ledger: SdkNode) -> None:
    with ledger.client(BUYER) as buyer:
        rates = {e.code: e.fees for e in buyer.exchanges() if e.code in LISTING_FEES}
    assert {code: (f.listing_fee_bps, f.buyer_exchange_fee_bps) for code, f in rates.items()} == (
        LISTING_FEES
    )


def test_a_certificate_of_an_order_not_settled_is_refused(
    ledger: SdkNode, open_order: OpenOrder
) -> None:
    with ledger.client(BUYER) as buyer, pytest.raises(NotSettled) as refused:
        buyer.certificate(open_order.order_id)
    assert (refused.value.status, refused.value.detail) == (
        409,
        f"order {open_order.order_id} has not settled",
    )


def test_a_reverted_transaction_raises_with_the_error_it_reverted_with(
    ledger: SdkNode, open_order: OpenOrder
) -> None:
    with ledger.client(SUPPLIER) as supplier, pytest.raises(TransactionFailed) as failed:
        supplier.deliver(open_order.order_id, h("delivery before payment"))
    status = failed.value.status
    assert (status.status, status.function, status.events) == (
        "failed",
        "TradeSettlement.deliver",
        (),
    )
    assert status.revert is not None
    assert (status.revert.error, status.revert.args) == (
        "BillNotInStatus",
        {"orderId": open_order.order_id, "billNo": 0, "status": 1},
    )
    assert str(failed.value).endswith(
        f"reverted in block {status.block}: BillNotInStatus(orderId={open_order.order_id},"
        " billNo=0, status=1)"
    )


def test_a_malformed_page_size_is_a_field_error(ledger: SdkNode) -> None:
    with ledger.client(BUYER) as buyer, pytest.raises(InvalidRequest) as refused:
        buyer.orders(limit=1000)
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("query.limit", "expected an integer from 1 to 100")
    ]


def test_a_token_the_gateway_refuses_is_renewed_by_signing_in_again(
    ledger: SdkNode, open_order: OpenOrder
) -> None:
    with Client(ledger.url, BUYER, token="forged.token") as buyer:
        orders = buyer.orders()
        assert buyer.token != "forged.token"
    assert [o.order_id for o in orders.items] == [open_order.order_id]
