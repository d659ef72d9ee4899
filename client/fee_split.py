"""The fee split of a settled trade, as `contracts/lib/FeeSplit.sol` computes it.

A verifier recomputes the clearing legs from an order's amount, refund and fee rates without
calling the chain. Fees are taken on the amount kept after any refund, each rounded down; the
supplier receives the remainder, so the four legs always sum to the amount.
"""

from __future__ import annotations

from dataclasses import dataclass

WHOLE_BPS = 10_000
MAX_UINT16 = 2**16 - 1
MAX_UINT128 = 2**128 - 1


class FeeSplitError(ValueError):
    """The inputs break a rule the contract also enforces."""


class FeeRatesExceedWhole(FeeSplitError):
    """The two fee rates together exceed 10,000 basis points."""


class RefundExceedsAmount(FeeSplitError):
    """The refund is larger than the amount it refunds."""


@dataclass(frozen=True)
class Legs:
    """Who is paid what, in the currency's minor unit."""

    buyer_refund: int
    listing_fee: int
    buyer_exchange_fee: int
    supplier: int


def split(amount: int, refund: int, listing_fee_bps: int, buyer_exchange_fee_bps: int) -> Legs:
    """The clearing legs of `amount` after refunding `refund` to the buyer."""
    if not 0 <= amount <= MAX_UINT128 or not 0 <= refund <= MAX_UINT128:
        raise FeeSplitError(f"amounts must be uint128: amount={amount}, refund={refund}")
    if not 0 <= listing_fee_bps <= MAX_UINT16 or not 0 <= buyer_exchange_fee_bps <= MAX_UINT16:
        raise FeeSplitError(
            f"fee rates must be uint16: {listing_fee_bps}, {buyer_exchange_fee_bps}"
        )
    if listing_fee_bps + buyer_exchange_fee_bps > WHOLE_BPS:
        raise FeeRatesExceedWhole(f"{listing_fee_bps} + {buyer_exchange_fee_bps} bps > 100%")
    if refund > amount:
        raise RefundExceedsAmount(f"refund {refund} > amount {amount}")
    kept = amount - refund
    listing_fee = kept * listing_fee_bps // WHOLE_BPS
    buyer_exchange_fee = kept * buyer_exchange_fee_bps // WHOLE_BPS
    return Legs(
        buyer_refund=refund,
        listing_fee=listing_fee,
        buyer_exchange_fee=buyer_exchange_fee,
        supplier=kept - listing_fee - buyer_exchange_fee,
    )
