"""The asyncio client against a real node's gateway: the same calls as the blocking client,
awaited; writes from one account in flight together; the event stream as an async iterator,
resumed after the last event it gave."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

from client.sdk import (
    AsyncClient,
    DomainEvent,
    EventFilters,
    Forbidden,
    Right,
    Role,
    TransactionStatus,
)
from tests.support.market_node import operator, participant
from tests.support.sdk_market import A, B, SdkNode, h, listing_terms

T = TypeVar("T")
SUPPLIER, BUYER = participant(21), participant(22)
TITLES = ("Harbour crane telemetry", "Harbour berth schedule", "Harbour tide gauge")


def run(ledger: SdkNode, act: Callable[[SdkNode], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(act(ledger))


async def register_both(ledger: SdkNode) -> tuple[TransactionStatus, ...]:
    async with (
        AsyncClient(ledger.url, operator(A)) as exchange_a,
        AsyncClient(ledger.url, operator(B)) as exchange_b,
    ):
        return await asyncio.gather(
            exchange_a.register_participant(SUPPLIER.address, [Role.SUPPLIER],
                                            credit_code_hash=h(f"credit {SUPPLIER.address}")),
            exchange_b.register_participant(BUYER.address, [Role.BUYER],
                                            credit_code_hash=h(f"credit {BUYER.address}")),
        )  # fmt: skip


@pytest.fixture(scope="module")
def products(ledger: SdkNode) -> list[int]:
    """Three listings of the supplier at A, submitted together by the async client."""
    run(ledger, register_both)

    async def submit(ledger: SdkNode) -> list[int]:
        async with AsyncClient(ledger.url, SUPPLIER) as supplier:
            statuses = await asyncio.gather(
                *(
                    supplier.submit_product(
                        A, listing_terms(SUPPLIER.address, t, frozenset({Right.PROCESSING_USE}))
                    )
                    for t in TITLES
                )
            )
        return [int(s.event("ProductSubmitted").args["productId"]) for s in statuses]

    submitted = run(ledger, submit)
    with ledger.client(operator(A)) as reviewer:
        for product_id in submitted:
            reviewer.approve_product(product_id, 1)
    return submitted


def test_one_account_submits_several_writes_at_once(products: list[int]) -> None:
    """(Their nonces are taken in turn, so all three land, in whatever order.)"""
    assert len(set(products)) == 3


def test_the_async_client_signs_in_and_reads_its_roles(ledger: SdkNode) -> None:
    async def me(ledger: SdkNode) -> tuple[str | None, tuple[Role, ...]]:
        async with AsyncClient(ledger.url, operator(B)) as client:
            identity = await client.me()
        return identity.exchange, identity.roles

    assert run(ledger, me) == (B, ())


def test_search_pages_follow_the_cursor(ledger: SdkNode, products: list[int]) -> None:
    async def pages(ledger: SdkNode) -> list[list[int]]:
        async with AsyncClient(ledger.url, BUYER) as client:
            first = await client.search_products(text="harbour", limit=2)
            second = await client.search_products(text="harbour", limit=2, cursor=first.next)
        assert second.next is None
        return [[p.product_id for p in first.items], [p.product_id for p in second.items]]

    ordered = sorted(products)
    assert run(ledger, pages) == [ordered[:2], ordered[2:]]


def test_a_refusal_is_raised_as_its_type(ledger: SdkNode, products: list[int]) -> None:
    async def approve_as_buyer(ledger: SdkNode) -> Forbidden:
        async with AsyncClient(ledger.url, BUYER) as client:
            try:
                await client.approve_product(products[0], 1)
            except Forbidden as refused:
                return refused
        raise AssertionError("a buyer approved a listing")

    refused = run(ledger, approve_as_buyer)
    assert (refused.status, refused.detail) == (
        403,
        "DataProductRegistry.approve needs one of the roles operator;"
        f" {BUYER.address} holds anyone, buyer, participant",
    )


async def replay(
    client: AsyncClient, filters: EventFilters, after: str | None
) -> list[DomainEvent]:
    async with client.events(filters, last_event_id=after, follow=False) as stream:
        return [event async for event in stream]


def test_the_event_stream_is_an_async_iterator_that_resumes(
    ledger: SdkNode, products: list[int]
) -> None:
    async def streams(ledger: SdkNode) -> tuple[list[DomainEvent], list[DomainEvent]]:
        filters = EventFilters(product=products[1])
        async with AsyncClient(ledger.url, BUYER) as client:
            everything = await replay(client, filters, None)
            resumed = await replay(client, filters, everything[0].id)
        return everything, resumed

    everything, resumed = run(ledger, streams)
    assert [e.event for e in everything] == ["ProductSubmitted", "ProductApproved"]
    assert resumed == everything[1:]
