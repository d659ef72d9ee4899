// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {FeeSplit} from "./lib/FeeSplit.sol";

/// @title FeeSplitProbe
/// @notice Test-only: exposes the FeeSplit library so property tests compare it with the
///         Python mirror in `client/fee_split.py`.
contract FeeSplitProbe {
    function split(uint128 amount, uint128 refund, uint16 listingFeeBps, uint16 buyerExchangeFeeBps)
        external
        pure
        returns (FeeSplit.Legs memory)
    {
        return FeeSplit.split(amount, refund, listingFeeBps, buyerExchangeFeeBps);
    }
}
