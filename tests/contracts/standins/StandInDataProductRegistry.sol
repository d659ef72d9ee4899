// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IDataProductRegistry} from "./interfaces/IDataProductRegistry.sol";

/// @title StandInDataProductRegistry
/// @notice Test stand-in for the DataProductRegistry until the real one lands: the same read
///         surface, with product terms and non-recognitions set directly by the test.
contract StandInDataProductRegistry is IDataProductRegistry {
    mapping(uint256 => ProductTerms) internal _terms;
    mapping(uint256 => mapping(bytes32 => bool)) internal _notRecognised;

    function setProduct(uint256 productId, ProductTerms calldata terms) external {
        _terms[productId] = terms;
    }

    function setRecognition(uint256 productId, bytes32 exchange, bool recognised) external {
        _notRecognised[productId][exchange] = !recognised;
    }

    function productTerms(uint256 productId) external view override returns (ProductTerms memory) {
        return _terms[productId];
    }

    function isRecognisedBy(uint256 productId, bytes32 exchange) external view override returns (bool) {
        return !_notRecognised[productId][exchange];
    }
}
