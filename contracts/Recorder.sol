// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Recorder
/// @notice Test and benchmark fixture, not part of the data-market domain: the node's
///         end-to-end tests and the throughput benchmark call it because one `record` writes
///         exactly one storage slot and emits exactly one event, and `reject` always reverts.
/// @dev Keep it minimal: the benchmark's figures depend on the cost of `record`.
contract Recorder {
    /// @notice The last value recorded under each key (0 if none).
    mapping(bytes32 => uint256) public values;

    /// @notice Emitted by every `record` call.
    /// @param author The caller.
    /// @param key The key written.
    /// @param value The value stored under `key`.
    event Recorded(address indexed author, bytes32 indexed key, uint256 value);

    /// @notice The revert reason of `reject`.
    /// @param code The code passed to `reject`.
    error Rejected(uint256 code);

    /// @notice Stores `value` under `key` and emits `Recorded`.
    /// @param key The key to write.
    /// @param value The value to store.
    function record(bytes32 key, uint256 value) external {
        values[key] = value;
        emit Recorded(msg.sender, key, value);
    }

    /// @notice Always reverts with `Rejected(code)`: exercises revert data in receipts and RPC.
    /// @param code The code to revert with.
    function reject(uint256 code) external pure {
        revert Rejected(code);
    }
}
