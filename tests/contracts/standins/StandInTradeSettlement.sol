// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAuthorizationRegistry} from "./interfaces/IAuthorizationRegistry.sol";

/// @title StandInTradeSettlement
/// @notice Test stand-in for TradeSettlement until the real one lands on this branch: forwards
///         the two calls only TradeSettlement may make to the AuthorizationRegistry, for anyone.
///         Never deployed outside tests.
contract StandInTradeSettlement {
    IAuthorizationRegistry public authorizations;

    function setAuthorizations(IAuthorizationRegistry registry) external {
        authorizations = registry;
    }

    function issueForOrder(uint256 orderId, IAuthorizationRegistry.GrantTerms calldata terms)
        external
        returns (uint256)
    {
        return authorizations.issueForOrder(orderId, terms);
    }

    function revokeForRefund(uint256 grantId) external {
        authorizations.revokeForRefund(grantId);
    }
}
