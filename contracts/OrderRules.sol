// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Jurisdictions} from "./interfaces/DomainTypes.sol";
import {IDataProductRegistry} from "./interfaces/IDataProductRegistry.sol";
import {IExportBasisRegistry} from "./interfaces/IExportBasisRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {GrantRules} from "./libraries/GrantRules.sol";

/// @title The order rules TradeSettlement applies, as a linked library
/// @notice The requested grant's terms and the export rule, checked when an order is created
///         and again when it takes on a new obligation.
/// @dev Deployed once at a fixed address (`0xdc12…0001`, predeployed in genesis, linked into
///      TradeSettlement at compile time) and reached by DELEGATECALL: its code lives outside
///      TradeSettlement, whose runtime would otherwise exceed EIP-170's 24,576 bytes. It holds
///      no state and reads only what it is given.
library OrderRules {
    error ExportNotAllowed(uint256 productId);
    error ExportBasisRequired(uint256 productId, address recipient);

    /// @notice The grant a buyer asks for passes exactly the AuthorizationRegistry's checks.
    function checkGrant(
        uint256 productId,
        uint8 offered,
        uint8 right,
        bytes32 purposeCode,
        uint64 validFrom,
        uint64 validUntil,
        bytes2[] calldata destinations
    ) external view {
        GrantRules.check(productId, offered, right, purposeCode, validFrom, validUntil, destinations);
    }

    /// @notice A trade is cross-border when the buyer is outside the mainland (HK, MO and TW
    ///         included) or the grant names destinations; then the product must allow export,
    ///         and important data or personal information needs a valid export basis.
    /// @return needsBasis The trade is cross-border and the data important or personal.
    function exportRule(
        IParticipantRegistry participants,
        IExportBasisRegistry exportBases,
        uint256 productId,
        IDataProductRegistry.Classification classification,
        bool personalInformation,
        bool exportAllowed,
        address buyer,
        uint256 destinationCount
    ) external view returns (bool needsBasis) {
        bool crossBorder = !Jurisdictions.isMainland(participants.participant(buyer).jurisdiction) || destinationCount > 0;
        if (!crossBorder) return false;
        if (!exportAllowed) revert ExportNotAllowed(productId);
        needsBasis = classification != IDataProductRegistry.Classification.General || personalInformation;
        if (needsBasis && !exportBases.exportBasisValid(productId, buyer)) revert ExportBasisRequired(productId, buyer);
    }
}
