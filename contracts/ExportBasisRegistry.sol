// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IExchangeRegistry} from "./interfaces/IExchangeRegistry.sol";
import {IExportBasisRegistry} from "./interfaces/IExportBasisRegistry.sol";

/// @title ExportBasisRegistry (数据出境依据)
/// @notice The regulator-registered bases on which important data or personal information may
///         leave the mainland, keyed by (product, recipient): the exported data is the product's,
///         and each instrument names the overseas recipient it covers. TradeSettlement checks a
///         cross-border order against it at order time and again when the grant is issued.
/// @dev Runs behind an UpgradeProxy. Kept apart from TradeSettlement, whose runtime code would
///      otherwise exceed the EIP-170 limit.
contract ExportBasisRegistry is IExportBasisRegistry {
    /// @notice The legal instrument behind a basis.
    enum ExportBasisKind {
        None,
        SecurityAssessment,
        StandardContractFiling,
        Certification
    }

    struct ExportBasis {
        ExportBasisKind kind;
        bytes32 referenceHash;
        uint64 validFrom;
        uint64 validUntil;
    }

    /// @custom:storage-location erc7201:dcl.ExportBasisRegistry
    struct Layout {
        bool initialized;
        IExchangeRegistry exchanges;
        mapping(uint256 productId => mapping(address recipient => ExportBasis)) bases;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("dcl.ExportBasisRegistry")) - 1)) & ~0xff (ERC-7201).
    bytes32 internal constant LAYOUT_SLOT =
        keccak256(abi.encode(uint256(keccak256("dcl.ExportBasisRegistry")) - 1)) & ~bytes32(uint256(0xff));

    event Initialized(address exchangeRegistry);
    event ExportBasisRegistered(
        uint256 indexed productId,
        address indexed recipient,
        ExportBasisKind kind,
        bytes32 referenceHash,
        uint64 validFrom,
        uint64 validUntil,
        address regulator
    );
    event ExportBasisRevoked(uint256 indexed productId, address indexed recipient, bytes32 reasonHash, address regulator);

    error AlreadyInitialized();
    error ZeroAddress();
    error NotRegulator(address account);
    error MissingHash();
    error InvalidValidity(uint64 validFrom, uint64 validUntil);
    /// @notice `kind` is not one of `ExportBasisKind`'s instruments (None included).
    error InvalidExportBasisKind(uint8 kind);
    error NoExportBasis(uint256 productId, address recipient);

    /// @notice Locks the implementation: only a proxy's storage is ever initialized.
    constructor() {
        _layout().initialized = true;
    }

    /// @param exchangeRegistry The ExchangeRegistry's proxy, which names the regulators.
    function initialize(address exchangeRegistry) external {
        Layout storage s = _layout();
        if (s.initialized) revert AlreadyInitialized();
        if (exchangeRegistry == address(0)) revert ZeroAddress();
        s.initialized = true;
        s.exchanges = IExchangeRegistry(exchangeRegistry);
        emit Initialized(exchangeRegistry);
    }

    /// @notice A regulator registers (or renews) the basis on which `productId`'s data may be
    ///         exported to `recipient`. `kind` is an `ExportBasisKind` other than None.
    function registerExportBasis(
        uint256 productId,
        address recipient,
        uint8 kind,
        bytes32 referenceHash,
        uint64 validFrom,
        uint64 validUntil
    ) external {
        Layout storage s = _layout();
        _requireRegulator(s);
        if (kind == 0 || kind > uint8(type(ExportBasisKind).max)) revert InvalidExportBasisKind(kind);
        if (recipient == address(0)) revert ZeroAddress();
        if (referenceHash == bytes32(0)) revert MissingHash();
        if (validUntil <= validFrom) revert InvalidValidity(validFrom, validUntil);
        ExportBasisKind instrument = ExportBasisKind(kind);
        s.bases[productId][recipient] = ExportBasis(instrument, referenceHash, validFrom, validUntil);
        emit ExportBasisRegistered(productId, recipient, instrument, referenceHash, validFrom, validUntil, msg.sender);
    }

    function revokeExportBasis(uint256 productId, address recipient, bytes32 reasonHash) external {
        Layout storage s = _layout();
        _requireRegulator(s);
        if (s.bases[productId][recipient].kind == ExportBasisKind.None) revert NoExportBasis(productId, recipient);
        if (reasonHash == bytes32(0)) revert MissingHash();
        delete s.bases[productId][recipient];
        emit ExportBasisRevoked(productId, recipient, reasonHash, msg.sender);
    }

    function exportBasis(uint256 productId, address recipient) external view returns (ExportBasis memory) {
        return _layout().bases[productId][recipient];
    }

    /// @inheritdoc IExportBasisRegistry
    function exportBasisValid(uint256 productId, address recipient) external view returns (bool) {
        ExportBasis storage basis = _layout().bases[productId][recipient];
        return basis.kind != ExportBasisKind.None && block.timestamp >= basis.validFrom
            && block.timestamp < basis.validUntil;
    }

    function _requireRegulator(Layout storage s) private view {
        if (!s.exchanges.isRegulator(msg.sender)) revert NotRegulator(msg.sender);
    }

    function _layout() private pure returns (Layout storage s) {
        bytes32 slot = LAYOUT_SLOT;
        assembly {
            s.slot := slot
        }
    }
}
