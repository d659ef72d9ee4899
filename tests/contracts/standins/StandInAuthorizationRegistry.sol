// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAuthorizationRegistry} from "./interfaces/IAuthorizationRegistry.sol";

/// @title StandInAuthorizationRegistry
/// @notice Test stand-in for the AuthorizationRegistry until the real one lands: it keeps the
///         grants TradeSettlement issues and revokes, enforcing who may call and that only an
///         Active grant is revoked, and emits what it received so tests can check the terms.
contract StandInAuthorizationRegistry is IAuthorizationRegistry {
    address public settlement;
    uint256 public grantCount;
    mapping(uint256 => GrantStatus) public grantStatus;
    mapping(uint256 => uint256) public grantOrder;

    event GrantIssued(uint256 indexed grantId, uint256 indexed orderId, GrantTerms terms);
    event GrantRevoked(uint256 indexed grantId);

    error NotSettlement(address caller);
    error GrantNotActive(uint256 grantId, GrantStatus status);

    function setSettlement(address account) external {
        settlement = account;
    }

    function issueForOrder(uint256 orderId, GrantTerms calldata terms)
        external
        override
        returns (uint256 grantId)
    {
        if (msg.sender != settlement) revert NotSettlement(msg.sender);
        grantId = ++grantCount;
        grantStatus[grantId] = GrantStatus.Active;
        grantOrder[grantId] = orderId;
        emit GrantIssued(grantId, orderId, terms);
    }

    function revokeForRefund(uint256 grantId) external override {
        if (msg.sender != settlement) revert NotSettlement(msg.sender);
        if (grantStatus[grantId] != GrantStatus.Active) {
            revert GrantNotActive(grantId, grantStatus[grantId]);
        }
        grantStatus[grantId] = GrantStatus.Revoked;
        emit GrantRevoked(grantId);
    }
}
