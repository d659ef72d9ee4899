// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Shape checks for the ISO codes the registries store
/// @notice Only the shape is checked on chain (uppercase ASCII letters), not membership in the
///         ISO lists: those change, and a contract upgrade for every new code would be absurd.
library IsoCodes {
    /// @notice True for two uppercase ASCII letters (an ISO 3166-1 alpha-2 code such as "CN").
    function isAlpha2(bytes2 code) internal pure returns (bool) {
        return _isUpper(code[0]) && _isUpper(code[1]);
    }

    /// @notice True for three uppercase ASCII letters (an ISO 4217 code such as "CNY").
    function isAlpha3(bytes3 code) internal pure returns (bool) {
        return _isUpper(code[0]) && _isUpper(code[1]) && _isUpper(code[2]);
    }

    function _isUpper(bytes1 letter) private pure returns (bool) {
        return letter >= 0x41 && letter <= 0x5A;
    }
}
