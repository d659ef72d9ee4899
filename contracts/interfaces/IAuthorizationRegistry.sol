// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title What TradeSettlement needs from the AuthorizationRegistry (授权)
interface IAuthorizationRegistry {
    enum GrantStatus {
        None,
        Active,
        Revoked
    }

    /// @notice Usage terms of a grant (ODRL-like: right, purpose, window, count, region).
    struct GrantTerms {
        uint256 productId;
        address grantee;
        /// @notice Exactly one bit of `Rights`.
        uint8 right;
        bytes32 purposeCode;
        bytes32 purposeHash;
        uint64 validFrom;
        uint64 validUntil;
        /// @notice 0 means unlimited.
        uint64 maxUses;
        /// @notice ISO 3166-1 alpha-2 destinations outside the mainland where the data may be
        ///         processed or transferred; empty means domestic only. At most 16 entries.
        bytes2[] destinations;
        bool onwardTransfer;
    }

    /// @notice Issues the grant an order bought; only TradeSettlement may call it. The grantor
    ///         is the product's supplier; the order id is recorded on the grant.
    function issueForOrder(uint256 orderId, GrantTerms calldata terms) external returns (uint256 grantId);

    /// @notice Revokes the grant an order bought because the order was refunded; only
    ///         TradeSettlement may call it.
    function revokeForRefund(uint256 grantId) external;

    /// @notice The grant's status (None if it does not exist).
    function grantStatus(uint256 grantId) external view returns (GrantStatus);
}
