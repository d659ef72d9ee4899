// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Domain constants shared by every system contract
/// @notice Bit sets and codes that more than one contract reads. Enums and structs that one
///         contract owns live in that contract's interface.

/// @notice Roles of a registered participant (数商), as a bit set.
library Roles {
    uint32 internal constant SUPPLIER = 1 << 0;
    uint32 internal constant BUYER = 1 << 1;
    /// @notice Processing and delivery services.
    uint32 internal constant PROCESSOR = 1 << 2;
    /// @notice Attests compliance reports of listed products.
    uint32 internal constant EVALUATOR = 1 << 3;
    uint32 internal constant INTERMEDIARY = 1 << 4;
    uint32 internal constant CONSULTANT = 1 << 5;
    uint32 internal constant ALL = (1 << 6) - 1;
}

/// @notice Data rights per the separation of the "Data Twenty Articles" (数据二十条), as a bit set.
library Rights {
    /// @notice Data resource holding right (持有权).
    uint8 internal constant HOLDING = 1 << 0;
    /// @notice Data processing and use right (加工使用权).
    uint8 internal constant PROCESSING_USE = 1 << 1;
    /// @notice Data product operation right (经营权).
    uint8 internal constant OPERATION = 1 << 2;
    uint8 internal constant ALL = (1 << 3) - 1;
}

/// @notice ISO 3166-1 alpha-2 jurisdictions; data export is judged against the mainland.
library Jurisdictions {
    bytes2 internal constant MAINLAND = "CN";

    /// @notice Hong Kong, Macao and Taiwan count as outside the mainland for data export, as does
    ///         every code other than "CN".
    function isMainland(bytes2 code) internal pure returns (bool) {
        return code == MAINLAND;
    }
}
