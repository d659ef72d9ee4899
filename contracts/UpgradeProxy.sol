// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IUpgradeProxy} from "./interfaces/IUpgradeProxy.sol";

/// @title UpgradeProxy
/// @notice Fixed address of a system contract whose code can be replaced only by its admin (the
///         ExchangeRegistry's proxy, which runs the two-thirds-plus-regulator, delayed upgrade
///         procedure). Storage stays at this address across upgrades.
/// @dev EIP-1967 slots. Transparent: calls from the admin never reach the implementation, so a
///      function of the implementation can never collide with `upgradeTo`.
contract UpgradeProxy {
    /// @dev bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)
    bytes32 internal constant IMPLEMENTATION_SLOT =
        0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;
    /// @dev bytes32(uint256(keccak256("eip1967.proxy.admin")) - 1)
    bytes32 internal constant ADMIN_SLOT =
        0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103;

    /// @notice EIP-1967: the implementation changed.
    event Upgraded(address indexed implementation);
    /// @notice EIP-1967: the admin changed (only ever at construction here).
    event AdminChanged(address previousAdmin, address newAdmin);

    /// @notice The new implementation has no code.
    error ImplementationNotContract(address implementation);
    /// @notice The admin called something other than `upgradeTo`.
    error AdminCannotFallback(address admin);
    /// @notice The admin's `upgradeTo` call is not exactly one address argument.
    error UpgradeCallMalformed();

    /// @param implementation First implementation.
    /// @param admin The only account that may upgrade.
    /// @param initCall Calldata run on the implementation in this proxy's storage (its
    ///        `initialize`); empty for none.
    constructor(address implementation, address admin, bytes memory initCall) {
        _setImplementation(implementation);
        assembly {
            sstore(ADMIN_SLOT, admin)
        }
        emit AdminChanged(address(0), admin);
        if (initCall.length > 0) {
            (bool ok, bytes memory result) = implementation.delegatecall(initCall);
            if (!ok) {
                assembly {
                    revert(add(result, 32), mload(result))
                }
            }
        }
    }

    fallback() external {
        address admin;
        assembly {
            admin := sload(ADMIN_SLOT)
        }
        if (msg.sender == admin) {
            if (msg.sig != IUpgradeProxy.upgradeTo.selector) revert AdminCannotFallback(admin);
            if (msg.data.length != 36) revert UpgradeCallMalformed();
            _setImplementation(abi.decode(msg.data[4:], (address)));
            return;
        }
        assembly {
            let implementation := sload(IMPLEMENTATION_SLOT)
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), implementation, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 { revert(0, returndatasize()) }
            default { return(0, returndatasize()) }
        }
    }

    function _setImplementation(address implementation) private {
        if (implementation.code.length == 0) revert ImplementationNotContract(implementation);
        assembly {
            sstore(IMPLEMENTATION_SLOT, implementation)
        }
        emit Upgraded(implementation);
    }
}
