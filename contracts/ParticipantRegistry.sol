// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Roles} from "./interfaces/DomainTypes.sol";
import {IExchangeRegistry} from "./interfaces/IExchangeRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IsoCodes} from "./libraries/IsoCodes.sol";

/// @title ParticipantRegistry (数商登记)
/// @notice A participant is registered once, by an operator of its home exchange, and is then
///         recognised by every exchange (一地注册，全国互信).
/// @dev Runs behind an UpgradeProxy. Lifecycle: None → Active ⇄ Suspended → Revoked.
///      The credit-code hash stays bound to its account for good, so a company can neither
///      register twice nor move to another exchange while suspended or revoked. Revocation is
///      final for the account; the company can come back only after a regulator releases its
///      credit-code hash (`releaseCreditCode`), and then only through a fresh registration.
///      A suspension by a regulator can be lifted only by a regulator.
contract ParticipantRegistry is IParticipantRegistry {
    /// @custom:storage-location erc7201:dcl.ParticipantRegistry
    struct Layout {
        bool initialized;
        IExchangeRegistry exchanges;
        mapping(address account => Participant) participants;
        /// @notice The account each credit-code hash is bound to.
        mapping(bytes32 creditCodeHash => address account) accountOfCreditCode;
        /// @notice True while the account's current suspension was imposed by a regulator.
        mapping(address account => bool) suspendedByRegulator;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("dcl.ParticipantRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LAYOUT_SLOT =
        0xd5ffc539aadeb014404204cecb35121f457e87efb5346481c5fd85ef04503200;

    event Initialized(address exchangeRegistry);
    event ParticipantRegistered(
        address indexed account,
        bytes32 indexed homeExchange,
        uint32 roles,
        bytes2 jurisdiction,
        bytes32 creditCodeHash,
        address registeredBy
    );
    event RolesChanged(address indexed account, uint32 previousRoles, uint32 roles, address changedBy);
    event ParticipantSuspended(address indexed account, address suspendedBy, bool byRegulator, bytes32 reasonHash);
    event ParticipantReinstated(address indexed account, address reinstatedBy);
    event ParticipantRevoked(address indexed account, address revokedBy, bytes32 reasonHash);
    event CreditCodeReleased(address indexed account, bytes32 creditCodeHash, address releasedBy, bytes32 reasonHash);

    error AlreadyInitialized();
    error ZeroAddress();
    /// @notice The caller operates no Active exchange.
    error NotActiveOperator(address caller);
    /// @notice The caller is neither an operator of the participant's Active home exchange nor
    ///         (where allowed) a regulator.
    error NotHomeExchange(address caller, bytes32 homeExchange);
    error NotRegulator(address caller);
    error AlreadyRegistered(address account, ParticipantStatus status);
    error NotRegistered(address account);
    error CreditCodeTaken(bytes32 creditCodeHash, address account);
    error ZeroCreditCodeHash();
    /// @notice Roles must be a non-empty subset of `Roles.ALL`.
    error InvalidRoles(uint32 roles);
    /// @notice Not two uppercase ASCII letters.
    error InvalidJurisdiction(bytes2 jurisdiction);
    error InvalidStatus(address account, ParticipantStatus status);
    error RolesUnchanged(address account, uint32 roles);
    /// @notice The credit-code hash was already released.
    error CreditCodeNotHeld(address account, bytes32 creditCodeHash);
    /// @notice Only a regulator may lift a suspension a regulator imposed.
    error SuspendedByRegulator(address account);

    constructor() {
        _layout().initialized = true;
    }

    /// @param exchangeRegistry The ExchangeRegistry's proxy.
    function initialize(address exchangeRegistry) external {
        Layout storage s = _layout();
        if (s.initialized) revert AlreadyInitialized();
        if (exchangeRegistry == address(0)) revert ZeroAddress();
        s.initialized = true;
        s.exchanges = IExchangeRegistry(exchangeRegistry);
        emit Initialized(exchangeRegistry);
    }

    /// @notice Registers `account` with the caller's exchange as its home exchange.
    function register(address account, uint32 roles, bytes2 jurisdiction, bytes32 creditCodeHash) external {
        Layout storage s = _layout();
        bytes32 home = s.exchanges.operatorExchange(msg.sender);
        if (home == bytes32(0) || !s.exchanges.isActiveOperator(msg.sender, home)) {
            revert NotActiveOperator(msg.sender);
        }
        if (account == address(0)) revert ZeroAddress();
        ParticipantStatus status = s.participants[account].status;
        if (status != ParticipantStatus.None) revert AlreadyRegistered(account, status);
        if (creditCodeHash == bytes32(0)) revert ZeroCreditCodeHash();
        address holder = s.accountOfCreditCode[creditCodeHash];
        if (holder != address(0)) revert CreditCodeTaken(creditCodeHash, holder);
        _checkRoles(roles);
        if (!IsoCodes.isAlpha2(jurisdiction)) revert InvalidJurisdiction(jurisdiction);

        s.participants[account] = Participant(home, roles, jurisdiction, creditCodeHash, ParticipantStatus.Active);
        s.accountOfCreditCode[creditCodeHash] = account;
        emit ParticipantRegistered(account, home, roles, jurisdiction, creditCodeHash, msg.sender);
    }

    /// @notice Replaces the roles of an Active or Suspended participant; home exchange only.
    function changeRoles(address account, uint32 roles) external {
        Participant storage p = _existing(account);
        _checkHomeOperator(p.homeExchange);
        if (p.status == ParticipantStatus.Revoked) revert InvalidStatus(account, p.status);
        _checkRoles(roles);
        uint32 previous = p.roles;
        if (previous == roles) revert RolesUnchanged(account, roles);
        p.roles = roles;
        emit RolesChanged(account, previous, roles, msg.sender);
    }

    /// @notice Suspends an Active participant; its home exchange or a regulator. A regulator
    ///         also takes over a suspension its home exchange imposed, which the exchange can
    ///         then no longer lift.
    function suspend(address account, bytes32 reasonHash) external {
        Layout storage s = _layout();
        Participant storage p = _existing(account);
        bool byRegulator = _checkHomeOperatorOrRegulator(p.homeExchange);
        bool takeover = byRegulator && p.status == ParticipantStatus.Suspended && !s.suspendedByRegulator[account];
        if (p.status != ParticipantStatus.Active && !takeover) revert InvalidStatus(account, p.status);
        p.status = ParticipantStatus.Suspended;
        s.suspendedByRegulator[account] = byRegulator;
        emit ParticipantSuspended(account, msg.sender, byRegulator, reasonHash);
    }

    /// @notice Lifts a suspension: a regulator always, the home exchange only its own.
    function reinstate(address account) external {
        Layout storage s = _layout();
        Participant storage p = _existing(account);
        bool byRegulator = _checkHomeOperatorOrRegulator(p.homeExchange);
        if (p.status != ParticipantStatus.Suspended) revert InvalidStatus(account, p.status);
        if (s.suspendedByRegulator[account] && !byRegulator) revert SuspendedByRegulator(account);
        p.status = ParticipantStatus.Active;
        delete s.suspendedByRegulator[account];
        emit ParticipantReinstated(account, msg.sender);
    }

    /// @notice Revokes an Active or Suspended participant for good; regulators only.
    function revoke(address account, bytes32 reasonHash) external {
        Participant storage p = _existing(account);
        _checkRegulator();
        if (p.status == ParticipantStatus.Revoked) revert InvalidStatus(account, p.status);
        p.status = ParticipantStatus.Revoked;
        delete _layout().suspendedByRegulator[account];
        emit ParticipantRevoked(account, msg.sender, reasonHash);
    }

    /// @notice Frees the credit-code hash of a revoked participant so that the company may be
    ///         registered afresh (under a new account); regulators only. The revoked record stays.
    function releaseCreditCode(address account, bytes32 reasonHash) external {
        Layout storage s = _layout();
        Participant storage p = _existing(account);
        _checkRegulator();
        if (p.status != ParticipantStatus.Revoked) revert InvalidStatus(account, p.status);
        bytes32 creditCodeHash = p.creditCodeHash;
        if (s.accountOfCreditCode[creditCodeHash] != account) revert CreditCodeNotHeld(account, creditCodeHash);
        delete s.accountOfCreditCode[creditCodeHash];
        emit CreditCodeReleased(account, creditCodeHash, msg.sender, reasonHash);
    }

    /// @inheritdoc IParticipantRegistry
    function participant(address account) external view returns (Participant memory) {
        return _layout().participants[account];
    }

    /// @inheritdoc IParticipantRegistry
    function hasActiveRoles(address account, uint32 roles) external view returns (bool) {
        Participant storage p = _layout().participants[account];
        return p.status == ParticipantStatus.Active && p.roles & roles == roles;
    }

    /// @notice The account a credit-code hash is bound to (zero if none).
    function accountOfCreditCode(bytes32 creditCodeHash) external view returns (address) {
        return _layout().accountOfCreditCode[creditCodeHash];
    }

    /// @notice True while the account's suspension was imposed by a regulator.
    function isSuspendedByRegulator(address account) external view returns (bool) {
        return _layout().suspendedByRegulator[account];
    }

    function _existing(address account) private view returns (Participant storage p) {
        p = _layout().participants[account];
        if (p.status == ParticipantStatus.None) revert NotRegistered(account);
    }

    function _checkRoles(uint32 roles) private pure {
        if (roles == 0 || roles & ~Roles.ALL != 0) revert InvalidRoles(roles);
    }

    function _checkHomeOperator(bytes32 home) private view {
        if (!_layout().exchanges.isActiveOperator(msg.sender, home)) revert NotHomeExchange(msg.sender, home);
    }

    /// @return byRegulator True when the caller acts as a regulator.
    function _checkHomeOperatorOrRegulator(bytes32 home) private view returns (bool byRegulator) {
        IExchangeRegistry exchanges = _layout().exchanges;
        if (exchanges.isRegulator(msg.sender)) return true;
        if (!exchanges.isActiveOperator(msg.sender, home)) revert NotHomeExchange(msg.sender, home);
        return false;
    }

    function _checkRegulator() private view {
        if (!_layout().exchanges.isRegulator(msg.sender)) revert NotRegulator(msg.sender);
    }

    function _layout() private pure returns (Layout storage s) {
        assembly {
            s.slot := LAYOUT_SLOT
        }
    }
}
