// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";

/// @title StandInParticipantRegistry
/// @notice Test stand-in for the ParticipantRegistry until the real one lands: the same read
///         surface, with participants set directly by the test.
contract StandInParticipantRegistry is IParticipantRegistry {
    mapping(address => Participant) internal _participants;

    function setParticipant(address account, Participant calldata record) external {
        _participants[account] = record;
    }

    function participant(address account) external view override returns (Participant memory) {
        return _participants[account];
    }

    function hasActiveRoles(address account, uint32 roles) external view override returns (bool) {
        Participant storage record = _participants[account];
        return record.status == ParticipantStatus.Active && record.roles & roles == roles;
    }
}
