// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IExchangeRegistry} from "./interfaces/IExchangeRegistry.sol";

/// @title StandInExchangeRegistry
/// @notice Test stand-in for the ExchangeRegistry until the real one lands: the same read
///         surface, with state set directly by the test instead of by two-thirds proposals.
contract StandInExchangeRegistry is IExchangeRegistry {
    mapping(bytes32 => ExchangeStatus) public override exchangeStatus;
    mapping(address => bytes32) public override operatorExchange;
    mapping(address => bool) public override isRegulator;
    address public override regulatorRoot;
    uint256 public override activeExchangeCount;
    Parameters internal _parameters;

    function setExchange(bytes32 code, ExchangeStatus status) external {
        if (exchangeStatus[code] == ExchangeStatus.Active) activeExchangeCount -= 1;
        if (status == ExchangeStatus.Active) activeExchangeCount += 1;
        exchangeStatus[code] = status;
    }

    function setOperator(address account, bytes32 code) external {
        operatorExchange[account] = code;
    }

    function setRegulator(address account, bool regulator) external {
        isRegulator[account] = regulator;
    }

    function setParameters(Parameters calldata next) external {
        _parameters = next;
    }

    function isActiveOperator(address account, bytes32 code) external view override returns (bool) {
        return code != bytes32(0) && operatorExchange[account] == code
            && exchangeStatus[code] == ExchangeStatus.Active;
    }

    function parameters() external view override returns (Parameters memory) {
        return _parameters;
    }

    function validators() external pure override returns (address[] memory) {
        return new address[](0);
    }
}
