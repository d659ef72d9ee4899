// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Jurisdictions, Rights} from "../interfaces/DomainTypes.sol";
import {IsoCodes} from "./IsoCodes.sol";

/// @title The checks every grant's terms pass, wherever they are written
/// @notice One rule set for the AuthorizationRegistry's direct and order grants and for the
///         terms a buyer asks for in TradeSettlement's `createOrder`, so an order can never be
///         accepted with terms its grant would later be refused for.
library GrantRules {
    uint256 internal constant MAX_DESTINATIONS = 16;

    /// @notice Not exactly one bit of `Rights`.
    error InvalidRight(uint8 right);
    error RightNotOffered(uint256 productId, uint8 right);
    error MissingPurpose();
    /// @notice The window ends before it starts, or has already ended.
    error InvalidWindow(uint64 validFrom, uint64 validUntil);
    error TooManyDestinations(uint256 count);
    /// @notice Not two uppercase letters, or the mainland itself.
    error InvalidDestination(bytes2 destination);
    error DuplicateDestination(bytes2 destination);

    /// @param offered The product's rights (bit set of `Rights`).
    /// @return packed The destinations packed two bytes each, first in the high bytes.
    function check(
        uint256 productId,
        uint8 offered,
        uint8 right,
        bytes32 purposeCode,
        uint64 validFrom,
        uint64 validUntil,
        bytes2[] calldata destinations
    ) internal view returns (bytes32 packed) {
        if (right == 0 || right & (right - 1) != 0 || right & ~Rights.ALL != 0) revert InvalidRight(right);
        if (offered & right == 0) revert RightNotOffered(productId, right);
        if (purposeCode == bytes32(0)) revert MissingPurpose();
        if (validFrom > validUntil || validUntil < block.timestamp) revert InvalidWindow(validFrom, validUntil);
        uint256 count = destinations.length;
        if (count > MAX_DESTINATIONS) revert TooManyDestinations(count);
        for (uint256 i = 0; i < count; ++i) {
            bytes2 destination = destinations[i];
            if (!IsoCodes.isAlpha2(destination) || Jurisdictions.isMainland(destination)) {
                revert InvalidDestination(destination);
            }
            for (uint256 j = 0; j < i; ++j) {
                if (destinations[j] == destination) revert DuplicateDestination(destination);
            }
            packed |= bytes32(destination) >> (16 * i);
        }
    }
}
