// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title What other system contracts read from the ParticipantRegistry (数商)
interface IParticipantRegistry {
    enum ParticipantStatus {
        None,
        Active,
        Suspended,
        Revoked
    }

    struct Participant {
        /// @notice Code of the exchange that registered it (its home exchange).
        bytes32 homeExchange;
        /// @notice Bit set of `Roles`.
        uint32 roles;
        /// @notice ISO 3166-1 alpha-2 code, e.g. "CN", "HK".
        bytes2 jurisdiction;
        /// @notice Consortium-wide keyed hash of the unified social credit code; unique on chain.
        bytes32 creditCodeHash;
        ParticipantStatus status;
    }

    /// @notice The participant registered for `account` (status None if there is none).
    function participant(address account) external view returns (Participant memory);

    /// @notice True when `account` is an Active participant holding every bit of `roles`.
    function hasActiveRoles(address account, uint32 roles) external view returns (bool);
}
