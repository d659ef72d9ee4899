// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Jurisdictions, Rights, Roles} from "./interfaces/DomainTypes.sol";
import {IAuthorizationRegistry} from "./interfaces/IAuthorizationRegistry.sol";
import {IDataProductRegistry} from "./interfaces/IDataProductRegistry.sol";
import {IExchangeRegistry} from "./interfaces/IExchangeRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {GrantRules} from "./libraries/GrantRules.sol";

/// @title AuthorizationRegistry (授权)
/// @notice Usage grants of listed data products, and the uses made of them. Uses are recorded by
///         the delivering side (an operator of the product's listing exchange, or the product's
///         delivery account), never self-reported by the grantee, and the time window and use
///         count are enforced here.
/// @dev Runs behind an UpgradeProxy. A grant is Active from issue until revoked: by its grantor
///      if it was granted directly (not bought through an order), by a regulator at any time, or
///      by TradeSettlement when the order that bought it is refunded. A grant is usable while
///      validFrom <= block.timestamp <= validUntil (both ends inclusive). A direct grant may not
///      send important data or personal information abroad: that needs a registered export
///      basis, which only the order path (TradeSettlement's export rule) checks.
contract AuthorizationRegistry is IAuthorizationRegistry {
    enum RevocationReason {
        Grantor,
        Regulator,
        Refund
    }

    /// @notice A grant as the `grant` view returns it.
    struct Grant {
        GrantTerms terms;
        /// @notice The product's supplier when the grant was issued.
        address grantor;
        /// @notice The TradeSettlement order that bought it; 0 for a direct grant.
        uint256 orderId;
        GrantStatus status;
        /// @notice Uses recorded so far.
        uint64 uses;
    }

    /// @dev A grant as stored: packed into seven slots (five for a direct domestic grant), since
    ///      issuing one is on TradeSettlement's path. `recordUse` reads two and writes one.
    struct StoredGrant {
        address grantee;
        uint8 right;
        bool onwardTransfer;
        GrantStatus status;
        uint64 uses;
        bytes32 purposeCode;
        bytes32 purposeHash;
        /// @dev Product ids are sequential, far below 2^64.
        uint64 productId;
        uint64 validFrom;
        uint64 validUntil;
        uint64 maxUses;
        address grantor;
        uint256 orderId;
        /// @dev Up to 16 two-letter codes packed from the high-order bytes; zero after the last.
        bytes32 destinations;
    }

    /// @custom:storage-location erc7201:dcl.AuthorizationRegistry
    struct Layout {
        bool initialized;
        IExchangeRegistry exchanges;
        IParticipantRegistry participants;
        IDataProductRegistry products;
        address tradeSettlement;
        uint256 grantCount;
        mapping(uint256 grantId => StoredGrant) grants;
        mapping(uint256 orderId => uint256 grantId) grantOfOrder;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("dcl.AuthorizationRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LAYOUT_SLOT =
        0x2ac19bdffedaae67b98e6c476a561ac706e0cbbdcc4fa3f455a3db3e0f149c00;

    uint256 public constant MAX_DESTINATIONS = GrantRules.MAX_DESTINATIONS;

    event Initialized(
        address exchangeRegistry, address participantRegistry, address productRegistry, address tradeSettlement
    );
    /// @notice A new Active grant with no uses yet.
    event GrantIssued(
        uint256 indexed grantId,
        uint256 indexed productId,
        address indexed grantee,
        address grantor,
        uint256 orderId,
        GrantTerms terms
    );
    /// @notice `uses` is the running total after this record.
    event UseRecorded(uint256 indexed grantId, uint64 count, uint64 uses, bytes32 evidenceHash, address recordedBy);
    event GrantRevoked(uint256 indexed grantId, address revokedBy, RevocationReason reason, bytes32 reasonHash);

    error AlreadyInitialized();
    error ZeroAddress();
    error NotTradeSettlement(address caller);
    error NotActiveSupplier(address caller);
    error NotProductSupplier(uint256 productId, address caller);
    error UnknownProduct(uint256 productId);
    error ProductNotListed(uint256 productId, IDataProductRegistry.ProductStatus status);
    error GranteeNotActive(address grantee);
    error ExportNotAllowed(uint256 productId);
    /// @notice Important data or personal information may go abroad only through an order.
    error ExportNeedsOrder(uint256 productId);
    error ZeroOrderId();
    error OrderAlreadyGranted(uint256 orderId, uint256 grantId);
    error UnknownGrant(uint256 grantId);
    error NotAnOrderGrant(uint256 grantId);
    error GrantNotActive(uint256 grantId, GrantStatus status);
    error OrderGrantNotRevocable(uint256 grantId, uint256 orderId);
    error NotAuthorisedToRevoke(uint256 grantId, address caller);
    /// @notice Neither an operator of the product's Active listing exchange nor its delivery account.
    error NotDeliverer(uint256 grantId, address caller);
    error ZeroUseCount(uint256 grantId);
    error GrantIsRevoked(uint256 grantId);
    error GrantNotYetValid(uint256 grantId, uint64 validFrom, uint256 timestamp);
    error GrantExpired(uint256 grantId, uint64 validUntil, uint256 timestamp);
    /// @notice Recording `count` more uses would exceed `maxUses`.
    error UsesExhausted(uint256 grantId, uint64 uses, uint64 count, uint64 maxUses);

    constructor() {
        _layout().initialized = true;
    }

    function initialize(
        address exchangeRegistry,
        address participantRegistry,
        address productRegistry,
        address tradeSettlement
    ) external {
        Layout storage s = _layout();
        if (s.initialized) revert AlreadyInitialized();
        if (
            exchangeRegistry == address(0) || participantRegistry == address(0) || productRegistry == address(0)
                || tradeSettlement == address(0)
        ) revert ZeroAddress();
        s.initialized = true;
        s.exchanges = IExchangeRegistry(exchangeRegistry);
        s.participants = IParticipantRegistry(participantRegistry);
        s.products = IDataProductRegistry(productRegistry);
        s.tradeSettlement = tradeSettlement;
        emit Initialized(exchangeRegistry, participantRegistry, productRegistry, tradeSettlement);
    }

    /// @notice A supplier grants use of its Listed product directly, outside any order.
    function issue(GrantTerms calldata terms) external returns (uint256 grantId) {
        Layout storage s = _layout();
        IDataProductRegistry.ProductTerms memory product = s.products.productTerms(terms.productId);
        if (product.status == IDataProductRegistry.ProductStatus.None) revert UnknownProduct(terms.productId);
        if (msg.sender != product.supplier) revert NotProductSupplier(terms.productId, msg.sender);
        if (!s.participants.hasActiveRoles(msg.sender, Roles.SUPPLIER)) revert NotActiveSupplier(msg.sender);
        if (product.status != IDataProductRegistry.ProductStatus.Listed) {
            revert ProductNotListed(terms.productId, product.status);
        }
        if (!s.participants.hasActiveRoles(terms.grantee, 0)) revert GranteeNotActive(terms.grantee);
        bytes32 destinations = _checkTerms(terms, product);
        // A grantee outside the mainland (Hong Kong, Macao and Taiwan included) receives the data
        // abroad even with no destination listed.
        if (destinations != bytes32(0) || !Jurisdictions.isMainland(s.participants.participant(terms.grantee).jurisdiction))
        {
            if (!product.exportAllowed) revert ExportNotAllowed(terms.productId);
            if (product.classification != IDataProductRegistry.Classification.General || product.personalInformation) {
                revert ExportNeedsOrder(terms.productId);
            }
        }
        return _store(s, terms, destinations, msg.sender, 0);
    }

    /// @inheritdoc IAuthorizationRegistry
    function issueForOrder(uint256 orderId, GrantTerms calldata terms) external returns (uint256 grantId) {
        Layout storage s = _layout();
        if (msg.sender != s.tradeSettlement) revert NotTradeSettlement(msg.sender);
        if (orderId == 0) revert ZeroOrderId();
        uint256 existing = s.grantOfOrder[orderId];
        if (existing != 0) revert OrderAlreadyGranted(orderId, existing);
        IDataProductRegistry.ProductTerms memory product = s.products.productTerms(terms.productId);
        if (product.status == IDataProductRegistry.ProductStatus.None) revert UnknownProduct(terms.productId);
        if (terms.grantee == address(0)) revert ZeroAddress();
        bytes32 destinations = _checkTerms(terms, product);
        grantId = _store(s, terms, destinations, product.supplier, orderId);
        s.grantOfOrder[orderId] = grantId;
    }

    /// @inheritdoc IAuthorizationRegistry
    function revokeForRefund(uint256 grantId) external {
        Layout storage s = _layout();
        if (msg.sender != s.tradeSettlement) revert NotTradeSettlement(msg.sender);
        StoredGrant storage g = _existing(grantId);
        if (g.orderId == 0) revert NotAnOrderGrant(grantId);
        _revoke(grantId, g, RevocationReason.Refund, bytes32(0));
    }

    /// @notice Revokes a grant: a regulator any, the grantor only a direct grant.
    function revoke(uint256 grantId, bytes32 reasonHash) external {
        StoredGrant storage g = _existing(grantId);
        RevocationReason reason;
        if (_layout().exchanges.isRegulator(msg.sender)) {
            reason = RevocationReason.Regulator;
        } else if (msg.sender == g.grantor) {
            if (g.orderId != 0) revert OrderGrantNotRevocable(grantId, g.orderId);
            reason = RevocationReason.Grantor;
        } else {
            revert NotAuthorisedToRevoke(grantId, msg.sender);
        }
        _revoke(grantId, g, reason, reasonHash);
    }

    /// @notice Records `count` uses of a grant, with the hash of the delivery evidence.
    function recordUse(uint256 grantId, uint64 count, bytes32 evidenceHash) external {
        Layout storage s = _layout();
        StoredGrant storage g = _existing(grantId);
        IDataProductRegistry.ProductTerms memory product = s.products.productTerms(g.productId);
        if (msg.sender != product.deliveryAccount && !s.exchanges.isActiveOperator(msg.sender, product.listingExchange))
        {
            revert NotDeliverer(grantId, msg.sender);
        }
        if (count == 0) revert ZeroUseCount(grantId);
        if (g.status == GrantStatus.Revoked) revert GrantIsRevoked(grantId);
        uint64 validFrom = g.validFrom;
        if (block.timestamp < validFrom) revert GrantNotYetValid(grantId, validFrom, block.timestamp);
        uint64 validUntil = g.validUntil;
        if (block.timestamp > validUntil) revert GrantExpired(grantId, validUntil, block.timestamp);
        uint64 uses = g.uses;
        uint64 maxUses = g.maxUses;
        uint256 total = uint256(uses) + count;
        if ((maxUses != 0 && total > maxUses) || total > type(uint64).max) {
            revert UsesExhausted(grantId, uses, count, maxUses);
        }
        g.uses = uint64(total);
        emit UseRecorded(grantId, count, uint64(total), evidenceHash, msg.sender);
    }

    /// @notice The whole record of a grant (status None if it does not exist).
    function grant(uint256 grantId) external view returns (Grant memory result) {
        StoredGrant storage g = _layout().grants[grantId];
        GrantTerms memory terms = result.terms;
        terms.productId = g.productId;
        terms.grantee = g.grantee;
        terms.right = g.right;
        terms.purposeCode = g.purposeCode;
        terms.purposeHash = g.purposeHash;
        terms.validFrom = g.validFrom;
        terms.validUntil = g.validUntil;
        terms.maxUses = g.maxUses;
        terms.destinations = _unpack(g.destinations);
        terms.onwardTransfer = g.onwardTransfer;
        result.grantor = g.grantor;
        result.orderId = g.orderId;
        result.status = g.status;
        result.uses = g.uses;
    }

    /// @inheritdoc IAuthorizationRegistry
    function grantStatus(uint256 grantId) external view returns (GrantStatus) {
        return _layout().grants[grantId].status;
    }

    /// @notice The grant an order bought (0 if none).
    function grantOfOrder(uint256 orderId) external view returns (uint256) {
        return _layout().grantOfOrder[orderId];
    }

    /// @notice Number of grants ever issued; ids run from 1 to this.
    function grantCount() external view returns (uint256) {
        return _layout().grantCount;
    }

    /// @return packed The destinations packed as stored.
    function _checkTerms(GrantTerms calldata terms, IDataProductRegistry.ProductTerms memory product)
        private
        view
        returns (bytes32 packed)
    {
        packed = GrantRules.check(
            terms.productId,
            product.rights,
            terms.right,
            terms.purposeCode,
            terms.validFrom,
            terms.validUntil,
            terms.destinations
        );
        if (packed != bytes32(0) && !product.exportAllowed) revert ExportNotAllowed(terms.productId);
    }

    function _unpack(bytes32 packed) private pure returns (bytes2[] memory destinations) {
        uint256 count = 0;
        while (count < MAX_DESTINATIONS && bytes2(packed << (16 * count)) != bytes2(0)) ++count;
        destinations = new bytes2[](count);
        for (uint256 i = 0; i < count; ++i) {
            destinations[i] = bytes2(packed << (16 * i));
        }
    }

    function _store(Layout storage s, GrantTerms calldata terms, bytes32 destinations, address grantor, uint256 orderId)
        private
        returns (uint256 grantId)
    {
        grantId = ++s.grantCount;
        StoredGrant storage g = s.grants[grantId];
        g.grantee = terms.grantee;
        g.right = terms.right;
        g.onwardTransfer = terms.onwardTransfer;
        g.status = GrantStatus.Active;
        g.purposeCode = terms.purposeCode;
        g.purposeHash = terms.purposeHash;
        g.productId = uint64(terms.productId);
        g.validFrom = terms.validFrom;
        g.validUntil = terms.validUntil;
        g.maxUses = terms.maxUses;
        g.grantor = grantor;
        if (orderId != 0) g.orderId = orderId;
        if (destinations != bytes32(0)) g.destinations = destinations;
        emit GrantIssued(grantId, terms.productId, terms.grantee, grantor, orderId, terms);
    }

    function _revoke(uint256 grantId, StoredGrant storage g, RevocationReason reason, bytes32 reasonHash) private {
        if (g.status != GrantStatus.Active) revert GrantNotActive(grantId, g.status);
        g.status = GrantStatus.Revoked;
        emit GrantRevoked(grantId, msg.sender, reason, reasonHash);
    }

    function _existing(uint256 grantId) private view returns (StoredGrant storage g) {
        g = _layout().grants[grantId];
        if (g.status == GrantStatus.None) revert UnknownGrant(grantId);
    }

    function _layout() private pure returns (Layout storage s) {
        assembly {
            s.slot := LAYOUT_SLOT
        }
    }
}
