// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title LogBurst
/// @notice Test and benchmark fixture, not part of the data-market domain: one `burst` call
///         emits `count` events, so a chain of a million logs takes only ten thousand calls
///         (`benchmarks/getlogs.py`), and a WebSocket log subscriber can be flooded on demand.
/// @dev Event `n` of a call carries `tag = (first + n) % 1000`: calls made with
///      `first = 100 * k` for k = 0, 1, 2, ... emit every tag once per ten calls, so each tag
///      matches exactly one log in a thousand.
contract LogBurst {
    /// @notice Emitted `count` times by every `burst` call.
    /// @param tag `(first + n) % 1000`, the value a topic filter selects on.
    /// @param seq `first + n`, unique for distinct calls' ranges.
    /// @param n The event's position within its call.
    event Tick(uint256 indexed tag, uint256 indexed seq, uint256 n);

    /// @notice Emits `Tick` `count` times for sequence numbers `first` .. `first + count - 1`.
    /// @dev Unchecked: the interpreter's cost per event is what building a large chain pays,
    ///      and a sequence number cannot overflow for any count a block's gas allows.
    /// @param first The first sequence number.
    /// @param count How many events to emit.
    function burst(uint256 first, uint256 count) external {
        unchecked {
            for (uint256 n = 0; n < count; ++n) {
                uint256 seq = first + n;
                emit Tick(seq % 1000, seq, n);
            }
        }
    }
}
