// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Rights, Roles} from "./interfaces/DomainTypes.sol";
import {IDataProductRegistry} from "./interfaces/IDataProductRegistry.sol";
import {IExchangeRegistry} from "./interfaces/IExchangeRegistry.sol";
import {IExportBasisRegistry} from "./interfaces/IExportBasisRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IsoCodes} from "./libraries/IsoCodes.sol";
import {DataProductRegistry} from "./DataProductRegistry.sol";
import {OrderRules} from "./OrderRules.sol";
import {TradeSettlement} from "./TradeSettlement.sol";

/// @title DemandBoard (需求一地提出，全国响应)
/// @notice A buyer posts a data need at one exchange; suppliers registered at any exchange
///         answer it with sealed offers; the buyer awards one, which becomes an order in
///         TradeSettlement.
/// @dev Runs behind an UpgradeProxy. Offers are sealed: until the response deadline an offer is
///      only a commitment, keccak256(abi.encode(demandId, supplier, terms, salt)), so no
///      supplier can read a competitor's product or price. After the deadline each supplier
///      reveals its terms (a listed product version, or the hash of a proposal for a product to
///      be made; price; delivery days), checked against the demand: the product must be Listed,
///      the supplier's, of the wanted type, offer the wanted rights, stay within the
///      classification ceiling and pass the export rule for the buyer; the price may not exceed
///      the budget. A reveal that fails is refused and the offer stays sealed. Demand lifecycle:
///      Open → Awarded | Withdrawn (buyer) | TakenDown (regulator; an Awarded one too). Offer
///      lifecycle: Sealed → Revealed → Shortlisted → Awarded, and Closed when the demand is
///      awarded to another offer, withdrawn or taken down. At most MAX_OFFERS_PER_DEMAND offers
///      per demand (one per supplier), which bounds the loop that closes them.
contract DemandBoard {
    uint256 public constant MAX_OFFERS_PER_DEMAND = 64;
    uint256 public constant MAX_TITLE_BYTES = 256;
    uint256 public constant MAX_URI_BYTES = 512;
    /// @notice The latest response deadline a demand may set, from its posting.
    uint64 public constant MAX_RESPONSE_WINDOW = 366 days;

    /// @dev keccak256(abi.encode(uint256(keccak256("dcl.DemandBoard")) - 1)) & ~0xff (ERC-7201).
    bytes32 internal constant LAYOUT_SLOT =
        keccak256(abi.encode(uint256(keccak256("dcl.DemandBoard")) - 1)) & ~bytes32(uint256(0xff));

    enum DemandStatus {
        None,
        Open,
        Awarded,
        Withdrawn,
        TakenDown
    }

    enum OfferStatus {
        None,
        Sealed,
        Revealed,
        Shortlisted,
        Awarded,
        Closed
    }

    /// @notice Everything the buyer states in a demand (all of it public).
    /// @dev The enum fields are uint8, so an out-of-range value is refused by name.
    struct DemandTerms {
        string title;
        /// @notice Category code of the exchanges' shared catalogue.
        bytes32 category;
        /// @notice The wanted `IDataProductRegistry.ProductType`.
        uint8 productType;
        /// @notice Non-empty bit set of `Rights` the product must offer.
        uint8 rights;
        /// @notice The highest `IDataProductRegistry.Classification` accepted: General or Important.
        uint8 classificationCeiling;
        /// @notice Budget in the currency's ISO 4217 minor unit (fen for CNY); an offer's price
        ///         may not exceed `budgetMax`.
        uint128 budgetMin;
        uint128 budgetMax;
        /// @notice ISO 4217 alphabetic code.
        bytes3 currency;
        /// @notice Offers are sealed until this time (inclusive) and revealed after it.
        uint64 responseDeadline;
        bytes32 descriptionHash;
        string descriptionUri;
        /// @notice The exchange the demand is posted at: the buyer's exchange of its order.
        bytes32 homeExchange;
    }

    struct Demand {
        address buyer;
        DemandStatus status;
        uint32 offerCount;
        uint64 postedAt;
        /// @notice The awarded offer and the order it created; 0 until awarded.
        uint256 awardedOffer;
        uint256 orderId;
        DemandTerms terms;
    }

    /// @notice What a sealed offer commits to and its reveal discloses.
    struct OfferTerms {
        /// @notice A listed product of the supplier; 0 for a product to be made.
        uint256 productId;
        /// @notice The listed version offered (0 with a proposal).
        uint32 version;
        /// @notice Hash of the proposal for a product to be made (0 with a listed product).
        bytes32 proposalHash;
        /// @notice Total price in the demand's currency's minor unit.
        uint128 price;
        uint32 deliveryDays;
    }

    struct Offer {
        uint256 demandId;
        address supplier;
        OfferStatus status;
        uint64 sealedAt;
        uint64 revealedAt;
        /// @notice The supplier's home exchange when it offered.
        bytes32 supplierExchange;
        bytes32 commitment;
        /// @notice Zero until revealed.
        OfferTerms terms;
    }

    /// @notice The order terms the buyer adds when it awards (as in `TradeSettlement.createOrder`).
    struct AwardTerms {
        /// @notice A `TradeSettlement.ContractType`; FusionDevelopment or EntrustedProcessing for a
        ///         product to be made.
        uint8 contractType;
        bytes32 contractHash;
        uint16 listingFeeBps;
        uint16 buyerExchangeFeeBps;
        /// @notice The grant asked for on a listed product; empty for a product to be made.
        TradeSettlement.GrantRequest grant;
    }

    /// @custom:storage-location erc7201:dcl.DemandBoard
    struct Layout {
        bool initialized;
        IExchangeRegistry exchanges;
        IParticipantRegistry participants;
        DataProductRegistry products;
        TradeSettlement trade;
        IExportBasisRegistry exportBases;
        uint256 demandCount;
        mapping(uint256 demandId => Demand) demands;
        uint256 offerCount;
        mapping(uint256 offerId => Offer) offers;
        mapping(uint256 demandId => uint256[]) offerIds;
        mapping(uint256 demandId => mapping(address supplier => uint256 offerId)) offerOf;
    }

    event Initialized(
        address exchangeRegistry,
        address participantRegistry,
        address productRegistry,
        address tradeSettlement,
        address exportBasisRegistry
    );
    event DemandPosted(
        uint256 indexed demandId, address indexed buyer, bytes32 indexed homeExchange, DemandTerms terms, uint64 postedAt
    );
    event OfferSealed(
        uint256 indexed demandId,
        uint256 indexed offerId,
        address indexed supplier,
        bytes32 supplierExchange,
        bytes32 commitment,
        uint64 sealedAt
    );
    event OfferRevealed(
        uint256 indexed demandId, uint256 indexed offerId, address indexed supplier, OfferTerms terms, uint64 revealedAt
    );
    event OfferShortlisted(uint256 indexed demandId, uint256 indexed offerId, address indexed supplier, address buyer);
    event DemandAwarded(
        uint256 indexed demandId,
        uint256 indexed offerId,
        uint256 indexed orderId,
        address buyer,
        address supplier,
        bytes32 supplierExchange,
        OfferTerms terms,
        uint8 contractType,
        bytes32 contractHash,
        uint64 awardedAt
    );
    /// @notice An offer that can no longer be awarded: `demandStatus` says why (Awarded to
    ///         another offer, Withdrawn, TakenDown); `previous` is the offer's status before.
    event OfferClosed(
        uint256 indexed demandId,
        uint256 indexed offerId,
        address indexed supplier,
        OfferStatus previous,
        DemandStatus demandStatus
    );
    event DemandWithdrawn(uint256 indexed demandId, address buyer, uint64 withdrawnAt);
    event DemandTakenDown(
        uint256 indexed demandId, address regulator, bytes32 reasonHash, DemandStatus previous, uint64 takenDownAt
    );

    error AlreadyInitialized();
    error ZeroAddress();
    error NotActiveBuyer(address account);
    error ExchangeNotActive(bytes32 exchange);
    error InvalidProductType(uint8 productType);
    error InvalidRights(uint8 rights);
    /// @notice Not General or Important (Core data is never traded).
    error InvalidClassification(uint8 classification);
    error InvalidBudget(uint128 budgetMin, uint128 budgetMax);
    error InvalidCurrency(bytes3 currency);
    /// @notice Not after the posting, or more than MAX_RESPONSE_WINDOW after it.
    error InvalidDeadline(uint64 deadline);
    error InvalidTitleLength(uint256 length);
    error InvalidDescriptionUriLength(uint256 length);
    error MissingHash();
    error UnknownDemand(uint256 demandId);
    error UnknownOffer(uint256 offerId);
    error DemandNotOpen(uint256 demandId, DemandStatus status);
    error AlreadyAwarded(uint256 demandId, uint256 awardedOffer);
    error DeadlinePassed(uint256 demandId, uint64 deadline);
    error DeadlineNotPassed(uint256 demandId, uint64 deadline);
    /// @notice The account is not a registered, Active participant.
    error ParticipantNotActive(address account, IParticipantRegistry.ParticipantStatus status);
    error NotSupplier(address account);
    error OwnDemand(uint256 demandId, address account);
    error AlreadyOffered(uint256 demandId, address supplier, uint256 offerId);
    error TooManyOffers(uint256 demandId, uint256 max);
    error OfferNotInStatus(uint256 offerId, OfferStatus status);
    error NotOfferSupplier(uint256 offerId, address account);
    error NotDemandBuyer(uint256 demandId, address account);
    error NotRegulator(address account);
    error CommitmentMismatch(uint256 offerId, bytes32 commitment, bytes32 revealed);
    /// @notice Exactly one of a listed product (with its version) and a proposal hash.
    error InvalidOfferSubject(uint256 productId, uint32 version, bytes32 proposalHash);
    error ZeroDeliveryDays();
    error PriceAboveBudget(uint128 price, uint128 budgetMax);
    error ProductNotListed(uint256 productId, IDataProductRegistry.ProductStatus status);
    error VersionMismatch(uint256 productId, uint32 listedVersion, uint32 offeredVersion);
    error NotProductSupplier(uint256 productId, address account);
    error ProductTypeMismatch(uint256 productId, uint8 productType, uint8 wanted);
    error RightsNotOffered(uint256 productId, uint8 offered, uint8 wanted);
    error ClassificationAboveCeiling(uint256 productId, uint8 classification, uint8 ceiling);
    error InvalidContractType(uint8 contractType);
    /// @notice A product to be made has no listing to grant rights on: the award names no grant.
    error GrantNotApplicable(uint256 offerId);

    /// @notice Locks the implementation: only a proxy's storage is ever initialized.
    constructor() {
        _layout().initialized = true;
    }

    /// @notice Runs once, in the proxy's storage, with the other system contracts' proxies.
    function initialize(
        address exchangeRegistry,
        address participantRegistry,
        address productRegistry,
        address tradeSettlement,
        address exportBasisRegistry
    ) external {
        Layout storage s = _layout();
        if (s.initialized) revert AlreadyInitialized();
        if (
            exchangeRegistry == address(0) || participantRegistry == address(0) || productRegistry == address(0)
                || tradeSettlement == address(0) || exportBasisRegistry == address(0)
        ) revert ZeroAddress();
        s.initialized = true;
        s.exchanges = IExchangeRegistry(exchangeRegistry);
        s.participants = IParticipantRegistry(participantRegistry);
        s.products = DataProductRegistry(productRegistry);
        s.trade = TradeSettlement(tradeSettlement);
        s.exportBases = IExportBasisRegistry(exportBasisRegistry);
        emit Initialized(exchangeRegistry, participantRegistry, productRegistry, tradeSettlement, exportBasisRegistry);
    }

    // ----- buyer -----

    /// @notice An Active buyer posts a demand at an Active exchange.
    function post(DemandTerms calldata terms) external returns (uint256 demandId) {
        Layout storage s = _layout();
        if (!s.participants.hasActiveRoles(msg.sender, Roles.BUYER)) revert NotActiveBuyer(msg.sender);
        if (s.exchanges.exchangeStatus(terms.homeExchange) != IExchangeRegistry.ExchangeStatus.Active) {
            revert ExchangeNotActive(terms.homeExchange);
        }
        _checkTerms(terms);
        demandId = ++s.demandCount;
        Demand storage d = s.demands[demandId];
        d.buyer = msg.sender;
        d.status = DemandStatus.Open;
        d.postedAt = uint64(block.timestamp);
        d.terms = terms;
        emit DemandPosted(demandId, msg.sender, terms.homeExchange, terms, uint64(block.timestamp));
    }

    /// @notice The buyer shortlists a revealed offer (a public signal; any revealed offer may be
    ///         awarded).
    function shortlist(uint256 offerId) external {
        Layout storage s = _layout();
        Offer storage o = _offer(s, offerId);
        uint256 demandId = o.demandId;
        Demand storage d = s.demands[demandId];
        _requireBuyer(demandId, d);
        _requireOpen(demandId, d);
        _requireOfferStatus(offerId, o, OfferStatus.Revealed);
        o.status = OfferStatus.Shortlisted;
        emit OfferShortlisted(demandId, offerId, o.supplier, msg.sender);
    }

    /// @notice The buyer awards a revealed (or shortlisted) offer: TradeSettlement creates the
    ///         order for the buyer at the offer's price, through the demand's home exchange, and
    ///         every other offer is closed.
    function award(uint256 offerId, AwardTerms calldata terms) external returns (uint256 orderId) {
        Layout storage s = _layout();
        Offer storage o = _offer(s, offerId);
        uint256 demandId = o.demandId;
        Demand storage d = s.demands[demandId];
        _checkAward(demandId, offerId, d, o, terms);
        d.status = DemandStatus.Awarded;
        d.awardedOffer = offerId;
        o.status = OfferStatus.Awarded;
        orderId = s.trade.createOrderFor(d.buyer, o.supplier, o.supplierExchange, offerId, _orderRequest(d, o, terms));
        d.orderId = orderId;
        _emitAwarded(demandId, offerId, orderId, d, o, terms);
        _closeOffers(s, demandId, DemandStatus.Awarded);
    }

    /// @notice The buyer withdraws an Open demand; its offers are closed.
    function withdraw(uint256 demandId) external {
        Layout storage s = _layout();
        Demand storage d = _demand(s, demandId);
        _requireBuyer(demandId, d);
        if (d.status == DemandStatus.Awarded) revert AlreadyAwarded(demandId, d.awardedOffer);
        _requireOpen(demandId, d);
        d.status = DemandStatus.Withdrawn;
        emit DemandWithdrawn(demandId, msg.sender, uint64(block.timestamp));
        _closeOffers(s, demandId, DemandStatus.Withdrawn);
    }

    // ----- suppliers -----

    /// @notice An Active supplier registered at any exchange makes a sealed offer before the
    ///         deadline: `commitment` is `commitmentOf(demandId, supplier, terms, salt)`.
    function offer(uint256 demandId, bytes32 commitment) external returns (uint256 offerId) {
        Layout storage s = _layout();
        Demand storage d = _demand(s, demandId);
        _requireOpen(demandId, d);
        uint64 deadline = d.terms.responseDeadline;
        if (block.timestamp > deadline) revert DeadlinePassed(demandId, deadline);
        bytes32 home = _requireSupplier(s, msg.sender);
        if (msg.sender == d.buyer) revert OwnDemand(demandId, msg.sender);
        uint256 previous = s.offerOf[demandId][msg.sender];
        if (previous != 0) revert AlreadyOffered(demandId, msg.sender, previous);
        if (d.offerCount >= MAX_OFFERS_PER_DEMAND) revert TooManyOffers(demandId, MAX_OFFERS_PER_DEMAND);
        if (commitment == bytes32(0)) revert MissingHash();
        offerId = ++s.offerCount;
        Offer storage o = s.offers[offerId];
        o.demandId = demandId;
        o.supplier = msg.sender;
        o.status = OfferStatus.Sealed;
        o.sealedAt = uint64(block.timestamp);
        o.supplierExchange = home;
        o.commitment = commitment;
        d.offerCount += 1;
        s.offerIds[demandId].push(offerId);
        s.offerOf[demandId][msg.sender] = offerId;
        emit OfferSealed(demandId, offerId, msg.sender, home, commitment, uint64(block.timestamp));
    }

    /// @notice After the deadline the supplier reveals its offer; the terms must match the
    ///         commitment and answer the demand.
    function reveal(uint256 offerId, OfferTerms calldata terms, bytes32 salt) external {
        Layout storage s = _layout();
        Offer storage o = _offer(s, offerId);
        if (msg.sender != o.supplier) revert NotOfferSupplier(offerId, msg.sender);
        uint256 demandId = o.demandId;
        Demand storage d = s.demands[demandId];
        _requireOpen(demandId, d);
        uint64 deadline = d.terms.responseDeadline;
        if (block.timestamp <= deadline) revert DeadlineNotPassed(demandId, deadline);
        _requireOfferStatus(offerId, o, OfferStatus.Sealed);
        bytes32 revealed = commitmentOf(demandId, msg.sender, terms, salt);
        if (revealed != o.commitment) revert CommitmentMismatch(offerId, o.commitment, revealed);
        _requireSupplier(s, msg.sender);
        _checkOffer(s, d, terms);
        o.status = OfferStatus.Revealed;
        o.revealedAt = uint64(block.timestamp);
        o.terms = terms;
        emit OfferRevealed(demandId, offerId, msg.sender, terms, uint64(block.timestamp));
    }

    // ----- regulator -----

    /// @notice A regulator takes down an Open or Awarded demand (an order it created is not
    ///         affected: the regulator freezes that in TradeSettlement).
    function takeDown(uint256 demandId, bytes32 reasonHash) external {
        Layout storage s = _layout();
        if (!s.exchanges.isRegulator(msg.sender)) revert NotRegulator(msg.sender);
        Demand storage d = _demand(s, demandId);
        DemandStatus previous = d.status;
        if (previous != DemandStatus.Open && previous != DemandStatus.Awarded) revert DemandNotOpen(demandId, previous);
        if (reasonHash == bytes32(0)) revert MissingHash();
        d.status = DemandStatus.TakenDown;
        emit DemandTakenDown(demandId, msg.sender, reasonHash, previous, uint64(block.timestamp));
        if (previous == DemandStatus.Open) _closeOffers(s, demandId, DemandStatus.TakenDown);
    }

    // ----- views -----

    /// @notice The commitment a sealed offer carries: binding the demand and the supplier, so no
    ///         one can copy another supplier's commitment and reveal it as its own.
    function commitmentOf(uint256 demandId, address supplier, OfferTerms calldata terms, bytes32 salt)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(demandId, supplier, terms, salt));
    }

    function demand(uint256 demandId) external view returns (Demand memory) {
        return _layout().demands[demandId];
    }

    function offerRecord(uint256 offerId) external view returns (Offer memory) {
        return _layout().offers[offerId];
    }

    /// @notice The ids of a demand's offers, in the order they were made.
    function offerIds(uint256 demandId) external view returns (uint256[] memory) {
        return _layout().offerIds[demandId];
    }

    function demandCount() external view returns (uint256) {
        return _layout().demandCount;
    }

    function offerCount() external view returns (uint256) {
        return _layout().offerCount;
    }

    // ----- internals -----

    function _layout() internal pure returns (Layout storage s) {
        bytes32 slot = LAYOUT_SLOT;
        assembly {
            s.slot := slot
        }
    }

    function _checkTerms(DemandTerms calldata terms) internal view {
        if (terms.productType > uint8(type(IDataProductRegistry.ProductType).max)) {
            revert InvalidProductType(terms.productType);
        }
        if (terms.rights == 0 || terms.rights & ~Rights.ALL != 0) revert InvalidRights(terms.rights);
        if (terms.classificationCeiling >= uint8(IDataProductRegistry.Classification.Core)) {
            revert InvalidClassification(terms.classificationCeiling);
        }
        if (terms.budgetMax == 0 || terms.budgetMin > terms.budgetMax) revert InvalidBudget(terms.budgetMin, terms.budgetMax);
        if (!IsoCodes.isAlpha3(terms.currency)) revert InvalidCurrency(terms.currency);
        if (terms.responseDeadline <= block.timestamp || terms.responseDeadline > block.timestamp + MAX_RESPONSE_WINDOW) {
            revert InvalidDeadline(terms.responseDeadline);
        }
        uint256 titleLength = bytes(terms.title).length;
        if (titleLength == 0 || titleLength > MAX_TITLE_BYTES) revert InvalidTitleLength(titleLength);
        uint256 uriLength = bytes(terms.descriptionUri).length;
        if (uriLength == 0 || uriLength > MAX_URI_BYTES) revert InvalidDescriptionUriLength(uriLength);
        if (terms.descriptionHash == bytes32(0)) revert MissingHash();
    }

    /// @dev A revealed offer answers the demand: a listed product of the supplier's of the
    ///      wanted type, rights and classification, or a proposal; the price within the budget;
    ///      and the export rule for the buyer (a product to be made has no listing allowing
    ///      export, so it is refused to a buyer outside the mainland).
    function _checkOffer(Layout storage s, Demand storage d, OfferTerms calldata terms) internal view {
        uint256 productId = terms.productId;
        if ((productId == 0) == (terms.proposalHash == bytes32(0)) || (productId == 0 && terms.version != 0)) {
            revert InvalidOfferSubject(productId, terms.version, terms.proposalHash);
        }
        if (terms.deliveryDays == 0) revert ZeroDeliveryDays();
        DemandTerms storage wanted = d.terms;
        if (terms.price > wanted.budgetMax) revert PriceAboveBudget(terms.price, wanted.budgetMax);
        if (productId == 0) {
            OrderRules.exportRule(
                s.participants, s.exportBases, 0, IDataProductRegistry.Classification.General, false, false, d.buyer, 0
            );
            return;
        }
        DataProductRegistry.Product memory p = s.products.product(productId);
        if (p.status != IDataProductRegistry.ProductStatus.Listed) revert ProductNotListed(productId, p.status);
        if (p.version != terms.version) revert VersionMismatch(productId, p.version, terms.version);
        if (p.supplier != msg.sender) revert NotProductSupplier(productId, msg.sender);
        DataProductRegistry.ListingTerms memory listing = p.terms;
        if (listing.productType != wanted.productType) {
            revert ProductTypeMismatch(productId, listing.productType, wanted.productType);
        }
        if (listing.rights & wanted.rights != wanted.rights) {
            revert RightsNotOffered(productId, listing.rights, wanted.rights);
        }
        if (listing.classification > wanted.classificationCeiling) {
            revert ClassificationAboveCeiling(productId, listing.classification, wanted.classificationCeiling);
        }
        OrderRules.exportRule(
            s.participants,
            s.exportBases,
            productId,
            IDataProductRegistry.Classification(listing.classification),
            listing.personalInformation,
            listing.exportAllowed,
            d.buyer,
            0
        );
    }

    function _checkAward(uint256 demandId, uint256 offerId, Demand storage d, Offer storage o, AwardTerms calldata terms)
        internal
        view
    {
        _requireBuyer(demandId, d);
        if (d.status == DemandStatus.Awarded) revert AlreadyAwarded(demandId, d.awardedOffer);
        _requireOpen(demandId, d);
        OfferStatus status = o.status;
        if (status != OfferStatus.Revealed && status != OfferStatus.Shortlisted) revert OfferNotInStatus(offerId, status);
        if (o.terms.productId != 0) return;
        uint8 kind = terms.contractType;
        if (
            kind != uint8(TradeSettlement.ContractType.FusionDevelopment)
                && kind != uint8(TradeSettlement.ContractType.EntrustedProcessing)
        ) revert InvalidContractType(kind);
        if (terms.grant.right != 0 || terms.grant.destinations.length != 0) revert GrantNotApplicable(offerId);
    }

    function _emitAwarded(
        uint256 demandId,
        uint256 offerId,
        uint256 orderId,
        Demand storage d,
        Offer storage o,
        AwardTerms calldata terms
    ) internal {
        emit DemandAwarded(
            demandId,
            offerId,
            orderId,
            d.buyer,
            o.supplier,
            o.supplierExchange,
            o.terms,
            terms.contractType,
            terms.contractHash,
            uint64(block.timestamp)
        );
    }

    function _orderRequest(Demand storage d, Offer storage o, AwardTerms calldata terms)
        internal
        view
        returns (TradeSettlement.OrderRequest memory request)
    {
        OfferTerms storage offered = o.terms;
        request.productId = offered.productId;
        request.version = offered.version;
        request.buyerExchange = d.terms.homeExchange;
        request.quantity = 1;
        request.unitPrice = offered.price;
        request.currency = d.terms.currency;
        request.contractType = terms.contractType;
        request.contractHash = terms.contractHash;
        request.listingFeeBps = terms.listingFeeBps;
        request.buyerExchangeFeeBps = terms.buyerExchangeFeeBps;
        request.grant = terms.grant;
    }

    /// @dev Bounded by MAX_OFFERS_PER_DEMAND.
    function _closeOffers(Layout storage s, uint256 demandId, DemandStatus reason) internal {
        uint256[] storage ids = s.offerIds[demandId];
        uint256 count = ids.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 offerId = ids[i];
            Offer storage o = s.offers[offerId];
            OfferStatus previous = o.status;
            if (previous == OfferStatus.Awarded || previous == OfferStatus.Closed) continue;
            o.status = OfferStatus.Closed;
            emit OfferClosed(demandId, offerId, o.supplier, previous, reason);
        }
    }

    /// @return home The supplier's home exchange.
    function _requireSupplier(Layout storage s, address account) internal view returns (bytes32 home) {
        IParticipantRegistry.Participant memory p = s.participants.participant(account);
        if (p.status != IParticipantRegistry.ParticipantStatus.Active) revert ParticipantNotActive(account, p.status);
        if (p.roles & Roles.SUPPLIER == 0) revert NotSupplier(account);
        return p.homeExchange;
    }

    function _demand(Layout storage s, uint256 demandId) internal view returns (Demand storage d) {
        d = s.demands[demandId];
        if (d.status == DemandStatus.None) revert UnknownDemand(demandId);
    }

    function _offer(Layout storage s, uint256 offerId) internal view returns (Offer storage o) {
        o = s.offers[offerId];
        if (o.status == OfferStatus.None) revert UnknownOffer(offerId);
    }

    function _requireBuyer(uint256 demandId, Demand storage d) internal view {
        if (msg.sender != d.buyer) revert NotDemandBuyer(demandId, msg.sender);
    }

    function _requireOpen(uint256 demandId, Demand storage d) internal view {
        if (d.status != DemandStatus.Open) revert DemandNotOpen(demandId, d.status);
    }

    function _requireOfferStatus(uint256 offerId, Offer storage o, OfferStatus status) internal view {
        if (o.status != status) revert OfferNotInStatus(offerId, o.status);
    }
}
