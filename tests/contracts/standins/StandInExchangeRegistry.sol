// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IExchangeRegistry} from "./interfaces/IExchangeRegistry.sol";

/// @title StandInExchangeRegistry
/// @notice Test stand-in for the ExchangeRegistry until the real one lands on this branch: the
///         same read surface, with exchanges, operators and regulators set directly by anyone.
///         Never deployed outside tests.
contract StandInExchangeRegistry is IExchangeRegistry {
    mapping(bytes32 code => ExchangeStatus) private _status;
    mapping(address account => bytes32 code) private _operatorExchange;
    mapping(address account => bool) private _regulator;
    uint256 private _activeCount;

    function setExchangeStatus(bytes32 code, ExchangeStatus status) external {
        if (_status[code] == ExchangeStatus.Active) _activeCount -= 1;
        if (status == ExchangeStatus.Active) _activeCount += 1;
        _status[code] = status;
    }

    function setOperator(address account, bytes32 code) external {
        _operatorExchange[account] = code;
    }

    function setRegulator(address account, bool isRegulator_) external {
        _regulator[account] = isRegulator_;
    }

    function exchangeStatus(bytes32 code) external view returns (ExchangeStatus) {
        return _status[code];
    }

    function operatorExchange(address account) external view returns (bytes32) {
        return _operatorExchange[account];
    }

    function isActiveOperator(address account, bytes32 code) external view returns (bool) {
        return code != bytes32(0) && _operatorExchange[account] == code && _status[code] == ExchangeStatus.Active;
    }

    function isRegulator(address account) external view returns (bool) {
        return _regulator[account];
    }

    function regulatorRoot() external pure returns (address) {
        return address(0);
    }

    function parameters() external pure returns (Parameters memory) {
        return Parameters(0, 0, 0, 0, 0);
    }

    function activeExchangeCount() external view returns (uint256) {
        return _activeCount;
    }

    function validators() external pure returns (address[] memory) {
        return new address[](0);
    }
}
