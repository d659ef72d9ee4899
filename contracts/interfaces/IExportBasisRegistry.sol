// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title What TradeSettlement needs from the ExportBasisRegistry (数据出境依据)
interface IExportBasisRegistry {
    /// @notice True while a registered basis covers exporting `productId` to `recipient`.
    function exportBasisValid(uint256 productId, address recipient) external view returns (bool);
}
