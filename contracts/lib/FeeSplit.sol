// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title FeeSplit
/// @notice Who is paid what out of a settled amount: the listing (seller's) exchange's fee, the
///         buyer's exchange's fee, the supplier's share and the buyer's refund.
/// @dev Mirrored line for line by `client/fee_split.py`, which the property tests check against
///      this library. Fees are taken on the amount kept after any refund, each rounded down, and
///      the supplier receives the remainder, so a partial refund reduces both fees in proportion
///      and the four legs always sum to the amount.
library FeeSplit {
    uint16 internal constant WHOLE_BPS = 10_000;

    struct Legs {
        uint128 buyerRefund;
        uint128 listingFee;
        uint128 buyerExchangeFee;
        uint128 supplier;
    }

    /// @notice The two fee rates together exceed the whole amount.
    error FeeRatesExceedWhole(uint16 listingFeeBps, uint16 buyerExchangeFeeBps);
    /// @notice A refund larger than the amount it refunds.
    error RefundExceedsAmount(uint128 refund, uint128 amount);

    function split(uint128 amount, uint128 refund, uint16 listingFeeBps, uint16 buyerExchangeFeeBps)
        internal
        pure
        returns (Legs memory legs)
    {
        checkRates(listingFeeBps, buyerExchangeFeeBps);
        if (refund > amount) revert RefundExceedsAmount(refund, amount);
        uint256 kept = amount - refund;
        legs.buyerRefund = refund;
        legs.listingFee = uint128((kept * listingFeeBps) / WHOLE_BPS);
        legs.buyerExchangeFee = uint128((kept * buyerExchangeFeeBps) / WHOLE_BPS);
        legs.supplier = uint128(kept) - legs.listingFee - legs.buyerExchangeFee;
    }

    function checkRates(uint16 listingFeeBps, uint16 buyerExchangeFeeBps) internal pure {
        if (uint256(listingFeeBps) + buyerExchangeFeeBps > WHOLE_BPS) {
            revert FeeRatesExceedWhole(listingFeeBps, buyerExchangeFeeBps);
        }
    }
}
