// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IExchangeRegistry} from "./interfaces/IExchangeRegistry.sol";
import {IUpgradeProxy} from "./interfaces/IUpgradeProxy.sol";

/// @title ExchangeRegistry
/// @notice The consortium of data exchanges: membership, operators, validator and observer
///         nodes, market parameters and system-contract upgrades, all changed only by proposals
///         that ceil(2n/3) Active exchanges approve (n counted when the proposal executes).
///         Regulator accounts are managed by the regulator root alone. The validator set of
///         block N is `validators()` in the state after block N-1.
/// @dev Runs behind an UpgradeProxy whose admin is that proxy itself; it is also the admin of
///      every other system contract's proxy, so `execute` of an Upgrade proposal can call
///      `upgradeTo` on any of them — and on nothing else: upgrades target only the system
///      proxies named at genesis (`isSystemProxy`). Observer nodes are recorded by the address of their node
///      key (the transport handshake proves possession of the key behind an address).
contract ExchangeRegistry is IExchangeRegistry {
    /// @notice Exchanges ever added, removed ones included (bounds every loop over exchanges).
    uint256 public constant MAX_EXCHANGES = 64;
    uint256 public constant MAX_OPERATORS = 8;
    uint256 public constant MAX_OBSERVERS = 8;
    uint256 internal constant BPS = 10_000;
    /// @notice Longest proposal lifetime or upgrade delay genesis may set (ten years), so
    ///         `block.timestamp` + delay + lifetime can never overflow uint64.
    uint64 public constant MAX_GOVERNANCE_DURATION = 10 * 365 days;

    enum ProposalKind {
        AddExchange,
        SuspendExchange,
        ReinstateExchange,
        RemoveExchange,
        SetOperators,
        SetNodes,
        SetParameters,
        Upgrade
    }

    /// @notice Pending → Executed or Expired; an Upgrade goes Pending → Scheduled → Executed.
    enum ProposalStatus {
        None,
        Pending,
        Scheduled,
        Executed,
        Expired,
        /// @notice Upgrades only: withdrawn by a regulator before execution.
        Cancelled
    }

    /// @notice An exchange as proposed or configured in genesis.
    struct ExchangeSpec {
        bytes32 code;
        string name;
        string city;
        address[] operators;
        /// @notice Zero when the exchange runs no validator.
        address validator;
        /// @notice Node-key addresses of its observer (read-only) nodes.
        address[] observers;
    }

    struct Exchange {
        string name;
        string city;
        address[] operators;
        address validator;
        address[] observers;
        ExchangeStatus status;
    }

    struct Proposal {
        ProposalKind kind;
        ProposalStatus status;
        uint64 deadline;
        /// @notice Upgrades only: when the scheduled upgrade may execute.
        uint64 executableAt;
        bytes32 proposerExchange;
        address proposer;
        /// @notice Upgrades only: the regulator who approved it.
        address regulatorApproval;
        bytes32[] approvers;
        /// @notice The proposal's arguments, ABI-encoded per kind (see `propose*`).
        bytes data;
    }

    /// @notice ERC-7201 namespace `dcl.ExchangeRegistry`. `validators` is the first field, so
    ///         its length is at the namespace slot itself and element i at keccak256(slot) + i:
    ///         a light verifier proves the validator list with those storage slots alone.
    /// @dev Append new fields at the end only. `parameters` (B+2) is a struct in the middle of
    ///      the layout and fills its slot's first 14 bytes: `IExchangeRegistry.Parameters` must
    ///      never be extended (a field that no longer fits would move `proposalLifetime` and
    ///      everything after it). A new consortium parameter is a new field at the end of this
    ///      Layout, with its own proposal kind.
    /// @custom:storage-location erc7201:dcl.ExchangeRegistry
    struct Layout {
        address[] validators;
        bool initialized;
        address regulatorRoot;
        Parameters parameters;
        uint64 proposalLifetime;
        uint64 upgradeDelay;
        uint256 activeCount;
        bytes32[] codes;
        mapping(bytes32 => Exchange) exchanges;
        mapping(address => bytes32) operatorOf;
        mapping(address => bytes32) validatorOf;
        mapping(address => bool) regulators;
        uint256 proposalCount;
        mapping(uint256 => Proposal) proposals;
        mapping(uint256 => mapping(bytes32 => bool)) approved;
        /// @notice Upgrades executed so far, per proxy.
        mapping(address proxy => uint256) upgradesOf;
        /// @notice Upgrade proposals: the proxy's `upgradesOf` when proposed; the proposal
        ///         executes only if it is unchanged, so it can never roll a later upgrade back.
        mapping(uint256 proposalId => uint256) upgradesAtProposal;
        /// @notice The system contracts' proxies named at genesis: the only upgrade targets.
        mapping(address proxy => bool) systemProxies;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("dcl.ExchangeRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 public constant STORAGE_SLOT =
        0xbc1e78e82ea392f3372ad4123614ab49a9de09d4b63c90ac67dd818135898800;

    event RegulatorRootSet(address indexed regulatorRoot);
    event RegulatorAdded(address indexed regulator);
    event RegulatorRemoved(address indexed regulator);
    event GovernanceTimesSet(uint64 proposalLifetime, uint64 upgradeDelay);
    /// @notice The system contracts' proxies, named once at genesis; only they, and the
    ///         registry's own proxy (this event's emitter) in any case, can be upgraded.
    event SystemProxiesSet(address[] proxies);
    event ParametersChanged(Parameters parameters, uint256 indexed proposalId);
    event ExchangeAdded(
        bytes32 indexed code,
        string name,
        string city,
        address[] operators,
        address validator,
        address[] observers,
        uint256 indexed proposalId
    );
    event ExchangeStatusChanged(bytes32 indexed code, ExchangeStatus status, uint256 indexed proposalId);
    event OperatorsChanged(bytes32 indexed code, address[] operators, uint256 indexed proposalId);
    event NodesChanged(bytes32 indexed code, address validator, address[] observers, uint256 indexed proposalId);
    /// @notice The validator list after every change, sorted ascending.
    event ValidatorsChanged(address[] validators);
    event ProposalCreated(
        uint256 indexed proposalId,
        ProposalKind kind,
        bytes32 indexed proposerExchange,
        address proposer,
        uint64 deadline,
        bytes data
    );
    event ProposalApproved(uint256 indexed proposalId, bytes32 indexed exchange, address operator);
    event UpgradeApprovedByRegulator(uint256 indexed proposalId, address indexed regulator);
    event UpgradeScheduled(uint256 indexed proposalId, uint64 executableAt);
    event ProposalExecuted(uint256 indexed proposalId, ProposalKind kind);
    event ProposalExpired(uint256 indexed proposalId);
    event UpgradeExecuted(uint256 indexed proposalId, address indexed proxy, address implementation);
    event UpgradeCancelled(uint256 indexed proposalId, address indexed regulator, bytes32 reasonHash);

    error AlreadyInitialized();
    error ZeroAddress();
    error ZeroDuration();
    error DurationTooLong(uint64 duration, uint64 max);
    /// @notice Upgrades target only the system proxies named at genesis.
    error NotASystemProxy(address proxy);
    error NotRegulatorRoot(address account);
    error NotRegulator(address account);
    error RegulatorExists(address account);
    error NotOperator(address account);
    error ExchangeStatusForbids(bytes32 code, ExchangeStatus status);
    error InvalidExchangeCode();
    error EmptyName(bytes32 code);
    error TooManyExchanges(uint256 max);
    error OperatorCount(uint256 count, uint256 max);
    error ObserverCount(uint256 count, uint256 max);
    error DuplicateAddress(address account);
    error OperatorTaken(address account, bytes32 exchange);
    error ValidatorTaken(address validator, bytes32 exchange);
    error LastActiveExchange(bytes32 code);
    error NoValidatorsLeft(bytes32 code);
    error FeeCapsExceedWhole(uint16 listingFeeCapBps, uint16 buyerExchangeFeeCapBps);
    error PeriodIsZero();
    error NotAContract(address account);
    error UnknownProposal(uint256 proposalId);
    error ProposalNotPending(uint256 proposalId, ProposalStatus status);
    error ProposalExpiredAt(uint256 proposalId, uint64 deadline);
    error ProposalNotExpired(uint256 proposalId, uint64 deadline);
    error AlreadyApproved(uint256 proposalId, bytes32 exchange);
    error QuorumNotReached(uint256 proposalId, uint256 approvals, uint256 required);
    error NotAnUpgrade(uint256 proposalId);
    error RegulatorAlreadyApproved(uint256 proposalId, address regulator);
    error RegulatorApprovalMissing(uint256 proposalId);
    error UpgradeNotScheduled(uint256 proposalId, ProposalStatus status);
    error UpgradeDelayNotElapsed(uint256 proposalId, uint64 executableAt);
    error UpgradeWindowClosed(uint256 proposalId, uint64 closedAt);
    /// @notice The proxy was upgraded after this proposal was made.
    error UpgradeSuperseded(uint256 proposalId, address proxy);
    error MissingReason();

    /// @notice Locks the implementation: `initialize` only ever runs in a proxy's storage.
    constructor() {
        _layout().initialized = true;
    }

    /// @notice Genesis state: the regulator root and regulators, the market parameters, the
    ///         proposal lifetime and upgrade delay (seconds, each at most
    ///         `MAX_GOVERNANCE_DURATION`), the founding exchanges (Active) and the proxies of
    ///         the system contracts: with the registry's own, the only upgrade targets.
    function initialize(
        address regulatorRoot_,
        address[] calldata regulators_,
        Parameters calldata parameters_,
        uint64 proposalLifetime_,
        uint64 upgradeDelay_,
        ExchangeSpec[] calldata exchanges_,
        address[] calldata systemProxies_
    ) external {
        Layout storage s = _layout();
        if (s.initialized) revert AlreadyInitialized();
        s.initialized = true;
        if (regulatorRoot_ == address(0)) revert ZeroAddress();
        if (proposalLifetime_ == 0 || upgradeDelay_ == 0) revert ZeroDuration();
        _checkDuration(proposalLifetime_);
        _checkDuration(upgradeDelay_);
        s.regulatorRoot = regulatorRoot_;
        emit RegulatorRootSet(regulatorRoot_);
        for (uint256 i = 0; i < regulators_.length; i++) {
            _addRegulator(regulators_[i]);
        }
        s.proposalLifetime = proposalLifetime_;
        s.upgradeDelay = upgradeDelay_;
        emit GovernanceTimesSet(proposalLifetime_, upgradeDelay_);
        _checkParameters(parameters_);
        _setParameters(parameters_, 0);
        for (uint256 i = 0; i < exchanges_.length; i++) {
            _checkNewExchange(exchanges_[i]);
            _addExchange(exchanges_[i], 0);
        }
        if (s.validators.length == 0) revert NoValidatorsLeft(bytes32(0));
        _setSystemProxies(systemProxies_);
    }

    // ---------------------------------------------------------------- IExchangeRegistry

    function exchangeStatus(bytes32 code) external view returns (ExchangeStatus) {
        return _layout().exchanges[code].status;
    }

    function operatorExchange(address account) external view returns (bytes32) {
        return _layout().operatorOf[account];
    }

    function isActiveOperator(address account, bytes32 code) external view returns (bool) {
        Layout storage s = _layout();
        return code != bytes32(0) && s.operatorOf[account] == code
            && s.exchanges[code].status == ExchangeStatus.Active;
    }

    function isRegulator(address account) external view returns (bool) {
        return _layout().regulators[account];
    }

    function regulatorRoot() external view returns (address) {
        return _layout().regulatorRoot;
    }

    function parameters() external view returns (Parameters memory) {
        return _layout().parameters;
    }

    function activeExchangeCount() external view returns (uint256) {
        return _layout().activeCount;
    }

    function validators() external view returns (address[] memory) {
        return _layout().validators;
    }

    /// @notice True for the proxy of a system contract named at genesis (an upgrade target).
    function isSystemProxy(address proxy) external view returns (bool) {
        return _layout().systemProxies[proxy];
    }

    // ---------------------------------------------------------------- further views

    /// @notice ceil(2n/3) of the Active exchanges now.
    function quorum() public view returns (uint256) {
        return (2 * _layout().activeCount + 2) / 3;
    }

    function exchange(bytes32 code) external view returns (Exchange memory) {
        return _layout().exchanges[code];
    }

    /// @notice Codes of every exchange ever added, in order of addition.
    function exchangeCodes() external view returns (bytes32[] memory) {
        return _layout().codes;
    }

    /// @notice The exchange whose validator this address is (bytes32(0) if none).
    function validatorExchange(address validator) external view returns (bytes32) {
        return _layout().validatorOf[validator];
    }

    function proposalLifetime() external view returns (uint64) {
        return _layout().proposalLifetime;
    }

    function upgradeDelay() external view returns (uint64) {
        return _layout().upgradeDelay;
    }

    function proposalCount() external view returns (uint256) {
        return _layout().proposalCount;
    }

    function proposal(uint256 proposalId) external view returns (Proposal memory) {
        return _layout().proposals[proposalId];
    }

    function hasApproved(uint256 proposalId, bytes32 code) external view returns (bool) {
        return _layout().approved[proposalId][code];
    }

    /// @notice Approvals of the proposal by exchanges that are Active now.
    function activeApprovals(uint256 proposalId) public view returns (uint256 count) {
        Layout storage s = _layout();
        bytes32[] storage approvers = s.proposals[proposalId].approvers;
        for (uint256 i = 0; i < approvers.length; i++) {
            if (s.exchanges[approvers[i]].status == ExchangeStatus.Active) count++;
        }
    }

    // ---------------------------------------------------------------- regulators

    function addRegulator(address account) external {
        _onlyRegulatorRoot();
        _addRegulator(account);
    }

    function removeRegulator(address account) external {
        _onlyRegulatorRoot();
        Layout storage s = _layout();
        if (!s.regulators[account]) revert NotRegulator(account);
        s.regulators[account] = false;
        emit RegulatorRemoved(account);
    }

    // ---------------------------------------------------------------- proposals

    /// @notice data = abi.encode(ExchangeSpec)
    function proposeAddExchange(ExchangeSpec calldata spec) external returns (uint256) {
        _checkNewExchange(spec);
        return _propose(ProposalKind.AddExchange, abi.encode(spec));
    }

    /// @notice data = abi.encode(code)
    function proposeSuspendExchange(bytes32 code) external returns (uint256) {
        _checkDeactivation(code, true);
        return _propose(ProposalKind.SuspendExchange, abi.encode(code));
    }

    /// @notice data = abi.encode(code)
    function proposeReinstateExchange(bytes32 code) external returns (uint256) {
        _checkReinstatement(code);
        return _propose(ProposalKind.ReinstateExchange, abi.encode(code));
    }

    /// @notice data = abi.encode(code)
    function proposeRemoveExchange(bytes32 code) external returns (uint256) {
        _checkDeactivation(code, false);
        return _propose(ProposalKind.RemoveExchange, abi.encode(code));
    }

    /// @notice data = abi.encode(code, operators)
    function proposeOperators(bytes32 code, address[] calldata operators) external returns (uint256) {
        _checkNotRemoved(code);
        _checkOperators(code, operators);
        return _propose(ProposalKind.SetOperators, abi.encode(code, operators));
    }

    /// @notice data = abi.encode(code, validator, observers)
    function proposeNodes(bytes32 code, address validator, address[] calldata observers)
        external
        returns (uint256)
    {
        _checkNotRemoved(code);
        _checkNodes(code, validator, observers);
        return _propose(ProposalKind.SetNodes, abi.encode(code, validator, observers));
    }

    /// @notice data = abi.encode(parameters)
    function proposeParameters(Parameters calldata parameters_) external returns (uint256) {
        _checkParameters(parameters_);
        return _propose(ProposalKind.SetParameters, abi.encode(parameters_));
    }

    /// @notice data = abi.encode(proxy, implementation). Needs a regulator's approval besides
    ///         the exchanges', then waits `upgradeDelay` after it is scheduled.
    function proposeUpgrade(address proxy, address implementation) external returns (uint256) {
        _checkUpgrade(proxy, implementation);
        uint256 proposalId = _propose(ProposalKind.Upgrade, abi.encode(proxy, implementation));
        Layout storage s = _layout();
        s.upgradesAtProposal[proposalId] = s.upgradesOf[proxy];
        return proposalId;
    }

    /// @notice A regulator withdraws a Pending or Scheduled upgrade before it executes, with
    ///         the hash of its reasons: the public authority's veto over code changes.
    function cancelUpgrade(uint256 proposalId, bytes32 reasonHash) external {
        if (!_layout().regulators[msg.sender]) revert NotRegulator(msg.sender);
        Proposal storage p = _proposal(proposalId);
        if (p.kind != ProposalKind.Upgrade) revert NotAnUpgrade(proposalId);
        if (p.status != ProposalStatus.Pending && p.status != ProposalStatus.Scheduled) {
            revert ProposalNotPending(proposalId, p.status);
        }
        if (reasonHash == bytes32(0)) revert MissingReason();
        p.status = ProposalStatus.Cancelled;
        emit UpgradeCancelled(proposalId, msg.sender, reasonHash);
    }

    /// @notice One vote per Active exchange, cast by any of its operators before the deadline.
    function approve(uint256 proposalId) external {
        bytes32 code = _callerExchange();
        Layout storage s = _layout();
        Proposal storage p = _pendingBeforeDeadline(proposalId);
        if (s.approved[proposalId][code]) revert AlreadyApproved(proposalId, code);
        s.approved[proposalId][code] = true;
        p.approvers.push(code);
        emit ProposalApproved(proposalId, code, msg.sender);
    }

    /// @notice A regulator's approval, which an Upgrade proposal needs besides the exchanges'.
    ///         An approval by an account the root has since removed as regulator no longer
    ///         counts, and another regulator may approve in its place.
    function approveUpgrade(uint256 proposalId) external {
        Layout storage s = _layout();
        if (!s.regulators[msg.sender]) revert NotRegulator(msg.sender);
        Proposal storage p = _pendingBeforeDeadline(proposalId);
        if (p.kind != ProposalKind.Upgrade) revert NotAnUpgrade(proposalId);
        if (s.regulators[p.regulatorApproval]) {
            revert RegulatorAlreadyApproved(proposalId, p.regulatorApproval);
        }
        p.regulatorApproval = msg.sender;
        emit UpgradeApprovedByRegulator(proposalId, msg.sender);
    }

    /// @notice Starts the delay of a fully approved Upgrade (quorum of the exchanges Active now
    ///         and a regulator, before the deadline). Anyone may call it.
    function scheduleUpgrade(uint256 proposalId) external {
        Proposal storage p = _pendingBeforeDeadline(proposalId);
        if (p.kind != ProposalKind.Upgrade) revert NotAnUpgrade(proposalId);
        _checkQuorum(proposalId);
        if (!_layout().regulators[p.regulatorApproval]) revert RegulatorApprovalMissing(proposalId);
        uint64 executableAt = uint64(block.timestamp) + _layout().upgradeDelay;
        p.status = ProposalStatus.Scheduled;
        p.executableAt = executableAt;
        emit UpgradeScheduled(proposalId, executableAt);
    }

    /// @notice Carries out an approved proposal; anyone may call it. A non-upgrade proposal
    ///         needs the quorum of the exchanges Active now, before its deadline; an Upgrade
    ///         must be scheduled, its delay elapsed, its execution window (one proposal
    ///         lifetime after `executableAt`) still open, and its approving regulator still a
    ///         regulator.
    function execute(uint256 proposalId) external {
        Proposal storage p = _proposal(proposalId);
        if (p.kind == ProposalKind.Upgrade) {
            if (p.status != ProposalStatus.Scheduled) revert UpgradeNotScheduled(proposalId, p.status);
            if (block.timestamp < p.executableAt) revert UpgradeDelayNotElapsed(proposalId, p.executableAt);
            uint64 closesAt = _upgradeWindowEnd(p);
            if (block.timestamp > closesAt) revert UpgradeWindowClosed(proposalId, closesAt);
            if (!_layout().regulators[p.regulatorApproval]) revert RegulatorApprovalMissing(proposalId);
        } else {
            _pendingBeforeDeadline(proposalId);
            _checkQuorum(proposalId);
        }
        p.status = ProposalStatus.Executed;
        emit ProposalExecuted(proposalId, p.kind);
        _apply(proposalId, p.kind, p.data);
    }

    /// @notice Closes a Pending proposal whose deadline has passed, or a Scheduled upgrade
    ///         whose execution window has closed; anyone may call it.
    function expire(uint256 proposalId) external {
        Proposal storage p = _proposal(proposalId);
        if (p.status == ProposalStatus.Scheduled) {
            uint64 closesAt = _upgradeWindowEnd(p);
            if (block.timestamp <= closesAt) revert ProposalNotExpired(proposalId, closesAt);
        } else {
            if (p.status != ProposalStatus.Pending) revert ProposalNotPending(proposalId, p.status);
            if (block.timestamp <= p.deadline) revert ProposalNotExpired(proposalId, p.deadline);
        }
        p.status = ProposalStatus.Expired;
        emit ProposalExpired(proposalId);
    }

    /// @dev A scheduled upgrade may execute for one proposal lifetime (as configured now) after
    ///      its delay; a stale approval cannot be carried out long after the fact.
    function _upgradeWindowEnd(Proposal storage p) private view returns (uint64) {
        return p.executableAt + _layout().proposalLifetime;
    }

    // ---------------------------------------------------------------- internals: proposals

    function _propose(ProposalKind kind, bytes memory data) private returns (uint256 proposalId) {
        bytes32 code = _callerExchange();
        Layout storage s = _layout();
        proposalId = ++s.proposalCount;
        uint64 deadline = uint64(block.timestamp) + s.proposalLifetime;
        Proposal storage p = s.proposals[proposalId];
        p.kind = kind;
        p.status = ProposalStatus.Pending;
        p.deadline = deadline;
        p.proposerExchange = code;
        p.proposer = msg.sender;
        p.data = data;
        emit ProposalCreated(proposalId, kind, code, msg.sender, deadline, data);
    }

    function _apply(uint256 proposalId, ProposalKind kind, bytes memory data) private {
        if (kind == ProposalKind.AddExchange) {
            ExchangeSpec memory spec = abi.decode(data, (ExchangeSpec));
            _checkNewExchange(spec);
            _addExchange(spec, proposalId);
        } else if (kind == ProposalKind.SuspendExchange) {
            bytes32 code = abi.decode(data, (bytes32));
            _checkDeactivation(code, true);
            _setStatus(code, ExchangeStatus.Suspended, proposalId);
        } else if (kind == ProposalKind.ReinstateExchange) {
            bytes32 code = abi.decode(data, (bytes32));
            _checkReinstatement(code);
            _setStatus(code, ExchangeStatus.Active, proposalId);
        } else if (kind == ProposalKind.RemoveExchange) {
            bytes32 code = abi.decode(data, (bytes32));
            _checkDeactivation(code, false);
            _setStatus(code, ExchangeStatus.Removed, proposalId);
        } else if (kind == ProposalKind.SetOperators) {
            (bytes32 code, address[] memory operators) = abi.decode(data, (bytes32, address[]));
            _checkNotRemoved(code);
            _checkOperators(code, operators);
            _setOperators(code, operators, proposalId);
        } else if (kind == ProposalKind.SetNodes) {
            (bytes32 code, address validator, address[] memory observers) =
                abi.decode(data, (bytes32, address, address[]));
            _checkNotRemoved(code);
            _checkNodes(code, validator, observers);
            _setNodes(code, validator, observers, proposalId);
        } else if (kind == ProposalKind.SetParameters) {
            _setParameters(abi.decode(data, (Parameters)), proposalId);
        } else {
            (address proxy, address implementation) = abi.decode(data, (address, address));
            _checkUpgrade(proxy, implementation);
            Layout storage s = _layout();
            uint256 upgrades = s.upgradesOf[proxy];
            if (upgrades != s.upgradesAtProposal[proposalId]) revert UpgradeSuperseded(proposalId, proxy);
            s.upgradesOf[proxy] = upgrades + 1;
            emit UpgradeExecuted(proposalId, proxy, implementation);
            IUpgradeProxy(proxy).upgradeTo(implementation);
        }
    }

    function _proposal(uint256 proposalId) private view returns (Proposal storage p) {
        p = _layout().proposals[proposalId];
        if (p.status == ProposalStatus.None) revert UnknownProposal(proposalId);
    }

    function _pendingBeforeDeadline(uint256 proposalId) private view returns (Proposal storage p) {
        p = _proposal(proposalId);
        if (p.status != ProposalStatus.Pending) revert ProposalNotPending(proposalId, p.status);
        if (block.timestamp > p.deadline) revert ProposalExpiredAt(proposalId, p.deadline);
    }

    function _checkQuorum(uint256 proposalId) private view {
        uint256 approvals = activeApprovals(proposalId);
        uint256 required = quorum();
        if (approvals < required) revert QuorumNotReached(proposalId, approvals, required);
    }

    function _callerExchange() private view returns (bytes32 code) {
        Layout storage s = _layout();
        code = s.operatorOf[msg.sender];
        if (code == bytes32(0)) revert NotOperator(msg.sender);
        ExchangeStatus status = s.exchanges[code].status;
        if (status != ExchangeStatus.Active) revert ExchangeStatusForbids(code, status);
    }

    // ---------------------------------------------------------------- internals: checks

    function _checkNewExchange(ExchangeSpec memory spec) private view {
        Layout storage s = _layout();
        if (spec.code == bytes32(0)) revert InvalidExchangeCode();
        ExchangeStatus status = s.exchanges[spec.code].status;
        if (status != ExchangeStatus.None) revert ExchangeStatusForbids(spec.code, status);
        if (bytes(spec.name).length == 0) revert EmptyName(spec.code);
        if (s.codes.length >= MAX_EXCHANGES) revert TooManyExchanges(MAX_EXCHANGES);
        _checkOperators(spec.code, spec.operators);
        _checkNodes(spec.code, spec.validator, spec.observers);
    }

    function _checkOperators(bytes32 code, address[] memory operators) private view {
        if (operators.length == 0 || operators.length > MAX_OPERATORS) {
            revert OperatorCount(operators.length, MAX_OPERATORS);
        }
        _checkDistinctNonZero(operators);
        Layout storage s = _layout();
        for (uint256 i = 0; i < operators.length; i++) {
            bytes32 holder = s.operatorOf[operators[i]];
            if (holder != bytes32(0) && holder != code) revert OperatorTaken(operators[i], holder);
        }
    }

    function _checkNodes(bytes32 code, address validator, address[] memory observers) private view {
        if (observers.length > MAX_OBSERVERS) revert ObserverCount(observers.length, MAX_OBSERVERS);
        _checkDistinctNonZero(observers);
        Layout storage s = _layout();
        if (validator != address(0)) {
            bytes32 holder = s.validatorOf[validator];
            if (holder != bytes32(0) && holder != code) revert ValidatorTaken(validator, holder);
        } else {
            Exchange storage e = s.exchanges[code];
            if (e.status == ExchangeStatus.Active && e.validator != address(0) && s.validators.length == 1) {
                revert NoValidatorsLeft(code);
            }
        }
    }

    function _checkDistinctNonZero(address[] memory accounts) private pure {
        for (uint256 i = 0; i < accounts.length; i++) {
            if (accounts[i] == address(0)) revert ZeroAddress();
            for (uint256 j = 0; j < i; j++) {
                if (accounts[j] == accounts[i]) revert DuplicateAddress(accounts[i]);
            }
        }
    }

    /// @dev Suspension needs an Active exchange; removal an Active or Suspended one. Neither
    ///      may leave the consortium without an Active exchange or the chain without validators.
    function _checkDeactivation(bytes32 code, bool suspend) private view {
        Layout storage s = _layout();
        Exchange storage e = s.exchanges[code];
        bool allowed = e.status == ExchangeStatus.Active || (!suspend && e.status == ExchangeStatus.Suspended);
        if (!allowed) revert ExchangeStatusForbids(code, e.status);
        if (e.status != ExchangeStatus.Active) return;
        if (s.activeCount == 1) revert LastActiveExchange(code);
        if (e.validator != address(0) && s.validators.length == 1) revert NoValidatorsLeft(code);
    }

    function _checkReinstatement(bytes32 code) private view {
        ExchangeStatus status = _layout().exchanges[code].status;
        if (status != ExchangeStatus.Suspended) revert ExchangeStatusForbids(code, status);
    }

    function _checkNotRemoved(bytes32 code) private view {
        ExchangeStatus status = _layout().exchanges[code].status;
        if (status == ExchangeStatus.None || status == ExchangeStatus.Removed) {
            revert ExchangeStatusForbids(code, status);
        }
    }

    /// @dev Fee caps may not together exceed the whole amount, so the supplier's leg is never
    ///      negative; every period must be positive.
    function _checkParameters(Parameters memory p) private pure {
        if (uint256(p.listingFeeCapBps) + p.buyerExchangeFeeCapBps > BPS) {
            revert FeeCapsExceedWhole(p.listingFeeCapBps, p.buyerExchangeFeeCapBps);
        }
        if (p.inspectionPeriod == 0 || p.disputeWindow == 0 || p.deliveryDeadline == 0) {
            revert PeriodIsZero();
        }
    }

    /// @dev The target must be one of the proxies named at genesis. Checking the proxy's
    ///      EIP-1967 admin slot instead would prove nothing: no contract can read another's
    ///      storage, the transparent proxy answers none of its admin's calls but `upgradeTo`,
    ///      and anyone can deploy an UpgradeProxy naming this registry as its admin.
    function _checkUpgrade(address proxy, address implementation) private view {
        if (!_layout().systemProxies[proxy]) revert NotASystemProxy(proxy);
        if (proxy.code.length == 0) revert NotAContract(proxy);
        if (implementation.code.length == 0) revert NotAContract(implementation);
    }

    function _checkDuration(uint64 duration) private pure {
        if (duration > MAX_GOVERNANCE_DURATION) revert DurationTooLong(duration, MAX_GOVERNANCE_DURATION);
    }

    function _onlyRegulatorRoot() private view {
        if (msg.sender != _layout().regulatorRoot) revert NotRegulatorRoot(msg.sender);
    }

    // ---------------------------------------------------------------- internals: effects

    function _addRegulator(address account) private {
        Layout storage s = _layout();
        if (account == address(0)) revert ZeroAddress();
        if (s.regulators[account]) revert RegulatorExists(account);
        s.regulators[account] = true;
        emit RegulatorAdded(account);
    }

    /// @dev Genesis only; the registry's own proxy is always one, so the registry can always be
    ///      upgraded. A system contract added later joins by an upgrade of this registry.
    function _setSystemProxies(address[] calldata proxies) private {
        Layout storage s = _layout();
        s.systemProxies[address(this)] = true;
        for (uint256 i = 0; i < proxies.length; i++) {
            if (proxies[i] == address(0)) revert ZeroAddress();
            s.systemProxies[proxies[i]] = true;
        }
        emit SystemProxiesSet(proxies);
    }

    function _setParameters(Parameters memory p, uint256 proposalId) private {
        _layout().parameters = p;
        emit ParametersChanged(p, proposalId);
    }

    function _addExchange(ExchangeSpec memory spec, uint256 proposalId) private {
        Layout storage s = _layout();
        Exchange storage e = s.exchanges[spec.code];
        e.name = spec.name;
        e.city = spec.city;
        e.operators = spec.operators;
        e.validator = spec.validator;
        e.observers = spec.observers;
        e.status = ExchangeStatus.Active;
        s.codes.push(spec.code);
        s.activeCount++;
        for (uint256 i = 0; i < spec.operators.length; i++) {
            s.operatorOf[spec.operators[i]] = spec.code;
        }
        emit ExchangeAdded(spec.code, spec.name, spec.city, spec.operators, spec.validator, spec.observers, proposalId);
        if (spec.validator != address(0)) {
            s.validatorOf[spec.validator] = spec.code;
            _insertValidator(spec.validator);
        }
    }

    function _setStatus(bytes32 code, ExchangeStatus status, uint256 proposalId) private {
        Layout storage s = _layout();
        Exchange storage e = s.exchanges[code];
        bool wasActive = e.status == ExchangeStatus.Active;
        e.status = status;
        emit ExchangeStatusChanged(code, status, proposalId);
        if (wasActive) {
            s.activeCount--;
            if (e.validator != address(0)) _removeValidator(e.validator);
        } else if (status == ExchangeStatus.Active) {
            s.activeCount++;
            if (e.validator != address(0)) _insertValidator(e.validator);
        }
    }

    function _setOperators(bytes32 code, address[] memory operators, uint256 proposalId) private {
        Layout storage s = _layout();
        Exchange storage e = s.exchanges[code];
        for (uint256 i = 0; i < e.operators.length; i++) {
            delete s.operatorOf[e.operators[i]];
        }
        for (uint256 i = 0; i < operators.length; i++) {
            s.operatorOf[operators[i]] = code;
        }
        e.operators = operators;
        emit OperatorsChanged(code, operators, proposalId);
    }

    function _setNodes(bytes32 code, address validator, address[] memory observers, uint256 proposalId) private {
        Layout storage s = _layout();
        Exchange storage e = s.exchanges[code];
        address previous = e.validator;
        e.validator = validator;
        e.observers = observers;
        emit NodesChanged(code, validator, observers, proposalId);
        if (previous == validator) return;
        if (previous != address(0)) delete s.validatorOf[previous];
        if (validator != address(0)) s.validatorOf[validator] = code;
        if (e.status != ExchangeStatus.Active) return;
        if (previous != address(0)) _removeValidator(previous);
        if (validator != address(0)) _insertValidator(validator);
    }

    /// @dev Keeps `validators` sorted ascending; at most MAX_EXCHANGES entries are shifted.
    function _insertValidator(address validator) private {
        address[] storage list = _layout().validators;
        list.push(validator);
        uint256 i = list.length - 1;
        while (i > 0 && list[i - 1] > validator) {
            list[i] = list[i - 1];
            i--;
        }
        list[i] = validator;
        emit ValidatorsChanged(list);
    }

    function _removeValidator(address validator) private {
        address[] storage list = _layout().validators;
        uint256 i = 0;
        while (list[i] != validator) i++;
        for (; i + 1 < list.length; i++) {
            list[i] = list[i + 1];
        }
        list.pop();
        emit ValidatorsChanged(list);
    }

    function _layout() private pure returns (Layout storage s) {
        bytes32 slot = STORAGE_SLOT;
        assembly {
            s.slot := slot
        }
    }
}
