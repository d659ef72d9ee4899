// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title What other system contracts and the node read from the ExchangeRegistry
/// @notice The registry itself (proposals, approvals, regulators, upgrades) adds its own
///         functions; this is the stable surface others depend on.
interface IExchangeRegistry {
    enum ExchangeStatus {
        None,
        Active,
        Suspended,
        Removed
    }

    /// @notice Consortium parameters, changed only by a two-thirds proposal.
    struct Parameters {
        /// @notice Highest fee rate the listing (seller's) exchange may charge, in basis points.
        uint16 listingFeeCapBps;
        /// @notice Highest fee rate the buyer's exchange may charge, in basis points.
        uint16 buyerExchangeFeeCapBps;
        /// @notice Seconds after delivery during which the buyer inspects; afterwards anyone may
        ///         finalize the order.
        uint32 inspectionPeriod;
        /// @notice Seconds after settlement during which a dispute may still be raised; the
        ///         clearing instruction is final only when it has passed.
        uint32 disputeWindow;
        /// @notice Seconds after payment within which the seller must deliver.
        uint32 deliveryDeadline;
    }

    /// @notice Status of the exchange with this code (None if never added).
    function exchangeStatus(bytes32 code) external view returns (ExchangeStatus);

    /// @notice The exchange this account operates for (bytes32(0) if none), whatever its status.
    ///         An account operates for at most one exchange.
    function operatorExchange(address account) external view returns (bytes32);

    /// @notice True when `account` is an operator of exchange `code` and that exchange is Active.
    function isActiveOperator(address account, bytes32 code) external view returns (bool);

    /// @notice True when `account` is a regulator account (managed by the regulator root only).
    function isRegulator(address account) external view returns (bool);

    /// @notice The data administration's multisig that manages regulator accounts (from genesis).
    function regulatorRoot() external view returns (address);

    function parameters() external view returns (Parameters memory);

    /// @notice Number of Active exchanges: the n of the ceil(2n/3) approval quorum.
    function activeExchangeCount() external view returns (uint256);

    /// @notice Validator addresses of the Active exchanges that run a validator, sorted
    ///         ascending. The validator set of block N is this list in the state after block N-1.
    function validators() external view returns (address[] memory);
}
