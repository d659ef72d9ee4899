// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Rights, Roles} from "./interfaces/DomainTypes.sol";
import {IDataProductRegistry} from "./interfaces/IDataProductRegistry.sol";
import {IExchangeRegistry} from "./interfaces/IExchangeRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IsoCodes} from "./libraries/IsoCodes.sol";

/// @title DataProductRegistry (挂牌)
/// @notice A supplier lists a data product through one Active exchange of its choice (a
///         participant registered anywhere is recognised everywhere, so it is not tied to its
///         home exchange); that exchange reviews it. Once listed, every exchange recognises it
///         (一地上架，全国互认) unless it records a reasoned non-recognition.
/// @dev Runs behind an UpgradeProxy. Lifecycle:
///      Submitted → Listed | Rejected; Listed ⇄ Suspended; any → Revoked (regulator);
///      Submitted | Listed | Rejected → Delisted (supplier). Every update bumps the version.
///      A change of the unit price alone keeps a Submitted or Listed product where it is (the
///      exchange reviews the data, not the supplier's price); any other change, or any update of
///      a Rejected product, sends it (back) to review as Submitted and voids the compliance
///      attestation. Important data and personal information need a compliance report attested
///      by a registered evaluator (not the supplier) before approval; for general data the
///      report is optional. A Suspended product cannot be updated or delisted, so a supplier
///      cannot slip out of an investigation; a regulator's suspension is lifted only by a
///      regulator. Approval and reinstatement need the supplier to be an Active supplier.
contract DataProductRegistry is IDataProductRegistry {
    /// @notice Everything the supplier states in a listing (all of it is public metadata).
    /// @dev The four enum fields are uint8 (same ABI encoding and storage), so an out-of-range
    ///      value is refused with a custom error naming it, not by the ABI decoder's empty revert.
    struct ListingTerms {
        string title;
        /// @notice Category code of the exchanges' shared catalogue.
        bytes32 category;
        /// @notice A `ProductType`.
        uint8 productType;
        /// @notice A `Classification`: General or Important; Core is refused.
        uint8 classification;
        bool personalInformation;
        /// @notice A `DataSource`.
        uint8 source;
        /// @notice Non-empty bit set of `Rights` offered.
        uint8 rights;
        /// @notice A `PriceModel`.
        uint8 priceModel;
        /// @notice Price per unit in the currency's ISO 4217 minor unit; above zero.
        uint128 unitPrice;
        /// @notice ISO 4217 alphabetic code.
        bytes3 currency;
        /// @notice Hash of the compliance (legal-review) report an evaluator attests; zero only
        ///         for general data without personal information.
        bytes32 complianceReportHash;
        bytes32 metadataHash;
        string metadataUri;
        bool exportAllowed;
        /// @notice Account of the supplier that delivers and may record uses of grants.
        address deliveryAccount;
    }

    struct Product {
        address supplier;
        bytes32 listingExchange;
        uint32 version;
        ProductStatus status;
        /// @notice True while the current suspension was imposed by a regulator.
        bool suspendedByRegulator;
        /// @notice The evaluator who attested the current content's compliance report; zero if none.
        address complianceEvaluator;
        /// @notice keccak256 of the ABI-encoded terms with the unit price set to zero: what
        ///         tells a price-only update from a substantive one.
        bytes32 contentHash;
        ListingTerms terms;
    }

    /// @custom:storage-location erc7201:dcl.DataProductRegistry
    struct Layout {
        bool initialized;
        IExchangeRegistry exchanges;
        IParticipantRegistry participants;
        uint256 productCount;
        mapping(uint256 productId => Product) products;
        mapping(uint256 productId => mapping(bytes32 exchange => bool)) notRecognised;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("dcl.DataProductRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LAYOUT_SLOT =
        0x1c11ee0a1be3440befb9665dd20c6a271970ec3cb8d0fc81b067107882551900;

    uint256 public constant MAX_TITLE_BYTES = 256;
    uint256 public constant MAX_URI_BYTES = 512;

    event Initialized(address exchangeRegistry, address participantRegistry);
    event ProductSubmitted(
        uint256 indexed productId, address indexed supplier, bytes32 indexed listingExchange, uint32 version, ListingTerms terms
    );
    /// @notice A substantive update (or any update of a Rejected product); `status` is Submitted.
    event ProductUpdated(
        uint256 indexed productId, uint32 version, ProductStatus status, address complianceEvaluator, ListingTerms terms
    );
    /// @notice A price-only update: every other term and the status are unchanged.
    event ProductRepriced(uint256 indexed productId, uint32 version, uint128 unitPrice);
    event ComplianceAttested(uint256 indexed productId, uint32 version, bytes32 reportHash, address evaluator);
    event ProductApproved(uint256 indexed productId, uint32 version, bytes32 listingExchange, address approvedBy);
    event ProductRejected(
        uint256 indexed productId,
        uint32 version,
        bytes32 listingExchange,
        address rejectedBy,
        bytes32 reasonCode,
        bytes32 reasonHash
    );
    event ProductSuspended(uint256 indexed productId, address suspendedBy, bool byRegulator, bytes32 reasonHash);
    event ProductReinstated(uint256 indexed productId, address reinstatedBy);
    event ProductRevoked(uint256 indexed productId, address revokedBy, bytes32 reasonHash);
    event ProductDelisted(uint256 indexed productId, address supplier);
    event NonRecognitionRecorded(
        uint256 indexed productId, bytes32 indexed exchange, address recordedBy, bytes32 reasonCode, bytes32 reasonHash
    );
    event NonRecognitionWithdrawn(uint256 indexed productId, bytes32 indexed exchange, address withdrawnBy);

    error AlreadyInitialized();
    error ZeroAddress();
    error NotActiveSupplier(address caller);
    /// @notice The product's supplier is no longer an Active participant with the supplier role.
    error SupplierNotActive(uint256 productId, address supplier);
    error ExchangeNotActive(bytes32 exchange);
    error CoreDataCannotBeListed();
    error InvalidProductType(uint8 productType);
    error InvalidClassification(uint8 classification);
    error InvalidDataSource(uint8 source);
    error InvalidPriceModel(uint8 priceModel);
    /// @notice Rights must be a non-empty subset of `Rights.ALL`.
    error InvalidRights(uint8 rights);
    error InvalidCurrency(bytes3 currency);
    error ZeroUnitPrice();
    error InvalidTitleLength(uint256 length);
    error InvalidMetadataUriLength(uint256 length);
    error ZeroMetadataHash();
    error ZeroDeliveryAccount();
    /// @notice A personal source must carry the personal-information flag.
    error PersonalSourceNotFlagged();
    /// @notice Important data and personal information need a compliance report.
    error MissingComplianceReport();
    error UnknownProduct(uint256 productId);
    error NotSupplier(uint256 productId, address caller);
    /// @notice The caller is not an operator of the product's Active listing exchange (nor,
    ///         where allowed, a regulator).
    error NotListingExchange(address caller, bytes32 listingExchange);
    error NotRegulator(address caller);
    error NotActiveOperator(address caller);
    error InvalidStatus(uint256 productId, ProductStatus status);
    error VersionMismatch(uint256 productId, uint32 currentVersion, uint32 version);
    error NotActiveEvaluator(address caller);
    error EvaluatorIsSupplier(uint256 productId, address evaluator);
    error ReportHashMismatch(uint256 productId, bytes32 expected, bytes32 given);
    error AlreadyAttested(uint256 productId, uint32 version, address evaluator);
    error ComplianceNotAttested(uint256 productId, uint32 version);
    error NothingChanged(uint256 productId);
    error SuspendedByRegulator(uint256 productId);
    error ListingExchangeCannotDecline(uint256 productId, bytes32 exchange);
    error AlreadyNotRecognised(uint256 productId, bytes32 exchange);
    error NoNonRecognition(uint256 productId, bytes32 exchange);

    constructor() {
        _layout().initialized = true;
    }

    function initialize(address exchangeRegistry, address participantRegistry) external {
        Layout storage s = _layout();
        if (s.initialized) revert AlreadyInitialized();
        if (exchangeRegistry == address(0) || participantRegistry == address(0)) revert ZeroAddress();
        s.initialized = true;
        s.exchanges = IExchangeRegistry(exchangeRegistry);
        s.participants = IParticipantRegistry(participantRegistry);
        emit Initialized(exchangeRegistry, participantRegistry);
    }

    /// @notice Submits a product for review by `listingExchange`; the caller is the supplier.
    function submit(bytes32 listingExchange, ListingTerms calldata terms) external returns (uint256 productId) {
        Layout storage s = _layout();
        _checkActiveSupplier(s);
        if (s.exchanges.exchangeStatus(listingExchange) != IExchangeRegistry.ExchangeStatus.Active) {
            revert ExchangeNotActive(listingExchange);
        }
        _checkTerms(terms);
        productId = ++s.productCount;
        Product storage p = s.products[productId];
        p.supplier = msg.sender;
        p.listingExchange = listingExchange;
        p.version = 1;
        p.status = ProductStatus.Submitted;
        p.contentHash = _contentHash(terms);
        p.terms = terms;
        emit ProductSubmitted(productId, msg.sender, listingExchange, 1, terms);
    }

    /// @notice Replaces the terms as a new version (see the contract notes for the review rule).
    function update(uint256 productId, ListingTerms calldata terms) external {
        Layout storage s = _layout();
        Product storage p = _existing(productId);
        if (msg.sender != p.supplier) revert NotSupplier(productId, msg.sender);
        _checkActiveSupplier(s);
        ProductStatus status = p.status;
        if (status != ProductStatus.Submitted && status != ProductStatus.Listed && status != ProductStatus.Rejected) {
            revert InvalidStatus(productId, status);
        }
        _checkTerms(terms);
        bytes32 contentHash = _contentHash(terms);
        bool sameContent = contentHash == p.contentHash;
        if (sameContent && terms.unitPrice == p.terms.unitPrice) revert NothingChanged(productId);
        uint32 version = ++p.version;
        if (sameContent && status != ProductStatus.Rejected) {
            p.terms.unitPrice = terms.unitPrice;
            emit ProductRepriced(productId, version, terms.unitPrice);
            return;
        }
        p.status = ProductStatus.Submitted;
        if (!sameContent) {
            p.contentHash = contentHash;
            delete p.complianceEvaluator;
        }
        p.terms = terms;
        emit ProductUpdated(productId, version, ProductStatus.Submitted, p.complianceEvaluator, terms);
    }

    /// @notice An evaluator attests the compliance report of the current version.
    function attestCompliance(uint256 productId, uint32 version, bytes32 reportHash) external {
        Layout storage s = _layout();
        Product storage p = _existing(productId);
        if (!s.participants.hasActiveRoles(msg.sender, Roles.EVALUATOR)) revert NotActiveEvaluator(msg.sender);
        if (msg.sender == p.supplier) revert EvaluatorIsSupplier(productId, msg.sender);
        if (p.status != ProductStatus.Submitted && p.status != ProductStatus.Listed) {
            revert InvalidStatus(productId, p.status);
        }
        if (version != p.version) revert VersionMismatch(productId, p.version, version);
        bytes32 expected = p.terms.complianceReportHash;
        if (expected == bytes32(0) || reportHash != expected) revert ReportHashMismatch(productId, expected, reportHash);
        if (p.complianceEvaluator != address(0)) revert AlreadyAttested(productId, version, p.complianceEvaluator);
        p.complianceEvaluator = msg.sender;
        emit ComplianceAttested(productId, version, reportHash, msg.sender);
    }

    /// @notice The listing exchange approves the submitted version.
    function approve(uint256 productId, uint32 version) external {
        Product storage p = _existing(productId);
        _checkListingOperator(p.listingExchange);
        _checkReviewable(productId, p, version);
        _checkSupplierActive(productId, p.supplier);
        if (_needsAttestation(p.terms.classification, p.terms.personalInformation) && p.complianceEvaluator == address(0)) {
            revert ComplianceNotAttested(productId, version);
        }
        p.status = ProductStatus.Listed;
        emit ProductApproved(productId, version, p.listingExchange, msg.sender);
    }

    /// @notice The listing exchange rejects the submitted version with a reason.
    function reject(uint256 productId, uint32 version, bytes32 reasonCode, bytes32 reasonHash) external {
        Product storage p = _existing(productId);
        _checkListingOperator(p.listingExchange);
        _checkReviewable(productId, p, version);
        p.status = ProductStatus.Rejected;
        emit ProductRejected(productId, version, p.listingExchange, msg.sender, reasonCode, reasonHash);
    }

    /// @notice Suspends a Listed product: its listing exchange or a regulator. A regulator also
    ///         takes over a suspension the listing exchange imposed, which the exchange can
    ///         then no longer lift.
    function suspend(uint256 productId, bytes32 reasonHash) external {
        Product storage p = _existing(productId);
        bool byRegulator = _checkListingOperatorOrRegulator(p.listingExchange);
        bool takeover = byRegulator && p.status == ProductStatus.Suspended && !p.suspendedByRegulator;
        if (p.status != ProductStatus.Listed && !takeover) revert InvalidStatus(productId, p.status);
        p.status = ProductStatus.Suspended;
        p.suspendedByRegulator = byRegulator;
        emit ProductSuspended(productId, msg.sender, byRegulator, reasonHash);
    }

    /// @notice Lists a Suspended product again: a regulator always, the listing exchange only
    ///         when it suspended it.
    function reinstate(uint256 productId) external {
        Product storage p = _existing(productId);
        bool byRegulator = _checkListingOperatorOrRegulator(p.listingExchange);
        if (p.status != ProductStatus.Suspended) revert InvalidStatus(productId, p.status);
        if (p.suspendedByRegulator && !byRegulator) revert SuspendedByRegulator(productId);
        _checkSupplierActive(productId, p.supplier);
        p.status = ProductStatus.Listed;
        p.suspendedByRegulator = false;
        emit ProductReinstated(productId, msg.sender);
    }

    /// @notice Revokes a product for good, whatever its status; regulators only.
    function revoke(uint256 productId, bytes32 reasonHash) external {
        Product storage p = _existing(productId);
        if (!_layout().exchanges.isRegulator(msg.sender)) revert NotRegulator(msg.sender);
        if (p.status == ProductStatus.Revoked) revert InvalidStatus(productId, p.status);
        p.status = ProductStatus.Revoked;
        p.suspendedByRegulator = false;
        emit ProductRevoked(productId, msg.sender, reasonHash);
    }

    /// @notice The supplier withdraws a Submitted, Listed or Rejected product for good.
    function delist(uint256 productId) external {
        Product storage p = _existing(productId);
        if (msg.sender != p.supplier) revert NotSupplier(productId, msg.sender);
        ProductStatus status = p.status;
        if (status != ProductStatus.Submitted && status != ProductStatus.Listed && status != ProductStatus.Rejected) {
            revert InvalidStatus(productId, status);
        }
        p.status = ProductStatus.Delisted;
        emit ProductDelisted(productId, msg.sender);
    }

    /// @notice The caller's exchange declines to recognise the product, with a reason.
    function recordNonRecognition(uint256 productId, bytes32 reasonCode, bytes32 reasonHash) external {
        Layout storage s = _layout();
        Product storage p = _existing(productId);
        bytes32 exchange = _callerExchange(s);
        if (exchange == p.listingExchange) revert ListingExchangeCannotDecline(productId, exchange);
        if (s.notRecognised[productId][exchange]) revert AlreadyNotRecognised(productId, exchange);
        s.notRecognised[productId][exchange] = true;
        emit NonRecognitionRecorded(productId, exchange, msg.sender, reasonCode, reasonHash);
    }

    /// @notice The caller's exchange withdraws its non-recognition.
    function withdrawNonRecognition(uint256 productId) external {
        Layout storage s = _layout();
        _existing(productId);
        bytes32 exchange = _callerExchange(s);
        if (!s.notRecognised[productId][exchange]) revert NoNonRecognition(productId, exchange);
        delete s.notRecognised[productId][exchange];
        emit NonRecognitionWithdrawn(productId, exchange, msg.sender);
    }

    /// @inheritdoc IDataProductRegistry
    function productTerms(uint256 productId) external view returns (ProductTerms memory t) {
        Product storage p = _layout().products[productId];
        ListingTerms storage l = p.terms;
        t.supplier = p.supplier;
        t.listingExchange = p.listingExchange;
        t.version = p.version;
        t.status = p.status;
        t.classification = Classification(l.classification);
        t.personalInformation = l.personalInformation;
        t.rights = l.rights;
        t.priceModel = PriceModel(l.priceModel);
        t.unitPrice = l.unitPrice;
        t.currency = l.currency;
        t.exportAllowed = l.exportAllowed;
        t.deliveryAccount = l.deliveryAccount;
    }

    /// @inheritdoc IDataProductRegistry
    function isRecognisedBy(uint256 productId, bytes32 exchange) external view returns (bool) {
        return !_layout().notRecognised[productId][exchange];
    }

    /// @notice The whole record of a product (status None if it does not exist).
    function product(uint256 productId) external view returns (Product memory) {
        return _layout().products[productId];
    }

    /// @notice Number of products ever submitted; ids run from 1 to this.
    function productCount() external view returns (uint256) {
        return _layout().productCount;
    }

    function _checkTerms(ListingTerms calldata terms) private pure {
        if (terms.productType > uint8(type(ProductType).max)) revert InvalidProductType(terms.productType);
        if (terms.classification > uint8(type(Classification).max)) revert InvalidClassification(terms.classification);
        if (terms.source > uint8(type(DataSource).max)) revert InvalidDataSource(terms.source);
        if (terms.priceModel > uint8(type(PriceModel).max)) revert InvalidPriceModel(terms.priceModel);
        if (terms.classification == uint8(Classification.Core)) revert CoreDataCannotBeListed();
        if (terms.rights == 0 || terms.rights & ~Rights.ALL != 0) revert InvalidRights(terms.rights);
        if (!IsoCodes.isAlpha3(terms.currency)) revert InvalidCurrency(terms.currency);
        if (terms.unitPrice == 0) revert ZeroUnitPrice();
        uint256 titleLength = bytes(terms.title).length;
        if (titleLength == 0 || titleLength > MAX_TITLE_BYTES) revert InvalidTitleLength(titleLength);
        uint256 uriLength = bytes(terms.metadataUri).length;
        if (uriLength == 0 || uriLength > MAX_URI_BYTES) revert InvalidMetadataUriLength(uriLength);
        if (terms.metadataHash == bytes32(0)) revert ZeroMetadataHash();
        if (terms.deliveryAccount == address(0)) revert ZeroDeliveryAccount();
        if (terms.source == uint8(DataSource.Personal) && !terms.personalInformation) revert PersonalSourceNotFlagged();
        if (_needsAttestation(terms.classification, terms.personalInformation) && terms.complianceReportHash == bytes32(0)) revert MissingComplianceReport();
    }

    function _needsAttestation(uint8 classification, bool personalInformation) private pure returns (bool) {
        return classification == uint8(Classification.Important) || personalInformation;
    }

    function _contentHash(ListingTerms calldata terms) private pure returns (bytes32) {
        ListingTerms memory content = terms;
        content.unitPrice = 0;
        return keccak256(abi.encode(content));
    }

    function _checkReviewable(uint256 productId, Product storage p, uint32 version) private view {
        if (p.status != ProductStatus.Submitted) revert InvalidStatus(productId, p.status);
        if (version != p.version) revert VersionMismatch(productId, p.version, version);
    }

    function _checkActiveSupplier(Layout storage s) private view {
        if (!s.participants.hasActiveRoles(msg.sender, Roles.SUPPLIER)) revert NotActiveSupplier(msg.sender);
    }

    /// @dev Nothing is listed (again) for a supplier that is suspended, revoked or no longer a supplier.
    function _checkSupplierActive(uint256 productId, address supplier) private view {
        if (!_layout().participants.hasActiveRoles(supplier, Roles.SUPPLIER)) {
            revert SupplierNotActive(productId, supplier);
        }
    }

    function _checkListingOperator(bytes32 listingExchange) private view {
        if (!_layout().exchanges.isActiveOperator(msg.sender, listingExchange)) {
            revert NotListingExchange(msg.sender, listingExchange);
        }
    }

    /// @return byRegulator True when the caller acts as a regulator.
    function _checkListingOperatorOrRegulator(bytes32 listingExchange) private view returns (bool byRegulator) {
        IExchangeRegistry exchanges = _layout().exchanges;
        if (exchanges.isRegulator(msg.sender)) return true;
        if (!exchanges.isActiveOperator(msg.sender, listingExchange)) {
            revert NotListingExchange(msg.sender, listingExchange);
        }
        return false;
    }

    function _callerExchange(Layout storage s) private view returns (bytes32 exchange) {
        exchange = s.exchanges.operatorExchange(msg.sender);
        if (exchange == bytes32(0) || !s.exchanges.isActiveOperator(msg.sender, exchange)) {
            revert NotActiveOperator(msg.sender);
        }
    }

    function _existing(uint256 productId) private view returns (Product storage p) {
        p = _layout().products[productId];
        if (p.status == ProductStatus.None) revert UnknownProduct(productId);
    }

    function _layout() private pure returns (Layout storage s) {
        assembly {
            s.slot := LAYOUT_SLOT
        }
    }
}
