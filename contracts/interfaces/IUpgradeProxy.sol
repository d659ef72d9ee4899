// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice What the admin calls on a proxy. Anyone else's call with this selector is forwarded to
///         the implementation like every other call.
interface IUpgradeProxy {
    function upgradeTo(address implementation) external;
}
