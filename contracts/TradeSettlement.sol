// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Roles} from "./interfaces/DomainTypes.sol";
import {IAuthorizationRegistry} from "./interfaces/IAuthorizationRegistry.sol";
import {IDataProductRegistry} from "./interfaces/IDataProductRegistry.sol";
import {IExchangeRegistry} from "./interfaces/IExchangeRegistry.sol";
import {IExportBasisRegistry} from "./interfaces/IExportBasisRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {FeeSplit} from "./lib/FeeSplit.sol";
import {OrderRules} from "./OrderRules.sol";

/// @title TradeSettlement (交易结算)
/// @notice Orders on listed data products, their payment, delivery and settlement, disputes,
///         regulator freezes, the export rule and the clearing instructions off-chain payers act on.
/// @dev Money is recorded, never held: payment moves off chain and the chain records evidence.
///      What is paid for is a *bill*: a fixed-price order has one (number 0, opened when the
///      seller accepts), a per-call or subscription order one per usage statement (numbers 1..,
///      recorded by the delivering exchange). Every bill runs the same machine:
///      Due -> Paid -> Delivered -> Settled (a statement's usage is already delivered, so paying
///      it moves Due -> Delivered), with disputes from Paid until the dispute window after
///      settlement closes, and a Refunded end. The clearing instruction of a bill is final, and
///      emitted once, when its dispute window has closed (`finalizeClearing`) or when a dispute or
///      non-delivery has been resolved (those outcomes cannot be disputed again).
///      A regulator's freeze stops the order's clocks: each bill's running deadline (delivery,
///      inspection, dispute window) ends later by the time the order spent frozen since that
///      clock started, so no party gains or loses a right because of a freeze.
contract TradeSettlement {
    uint8 internal constant BUYER_CONSENT = 1;
    uint8 internal constant SELLER_CONSENT = 2;
    uint8 internal constant BOTH_CONSENTS = 3;

    /// @dev keccak256(abi.encode(uint256(keccak256("dcl.TradeSettlement")) - 1)) & ~0xff (ERC-7201).
    bytes32 internal constant LAYOUT_SLOT =
        keccak256(abi.encode(uint256(keccak256("dcl.TradeSettlement")) - 1)) & ~bytes32(uint256(0xff));

    /// @notice The four national model contracts for data trading.
    enum ContractType {
        DataProvision,
        EntrustedProcessing,
        FusionDevelopment,
        IntermediaryService
    }

    enum OrderStatus {
        None,
        Created,
        Accepted,
        Cancelled
    }

    enum BillStatus {
        None,
        Due,
        Paid,
        Delivered,
        Settled,
        Refunded
    }

    enum DisputeStatus {
        None,
        Open,
        Resolved
    }

    enum Outcome {
        None,
        /// @notice The whole amount goes back to the buyer.
        Refund,
        /// @notice Part goes back to the buyer; the rest is split like a settled amount.
        Partial,
        /// @notice The seller is paid as if no dispute had been raised.
        Release
    }

    enum Resolution {
        Mediation,
        ArbitralAward,
        CourtJudgment,
        /// @notice The seller missed the delivery deadline and the buyer claimed a refund.
        NonDelivery
    }

    /// @notice The usage terms the buyer asks for; the grant issued for the order carries them.
    /// @dev Field order packs right, onwardTransfer and the three limits into one slot.
    struct GrantRequest {
        uint8 right;
        bool onwardTransfer;
        uint64 validFrom;
        uint64 validUntil;
        /// @notice 0 means unlimited.
        uint64 maxUses;
        bytes32 purposeCode;
        bytes32 purposeHash;
        /// @notice Destinations outside the mainland (ISO 3166-1 alpha-2); empty = domestic only.
        bytes2[] destinations;
    }

    struct OrderRequest {
        uint256 productId;
        /// @notice The listed version the buyer read; the order fails if the listing moved on.
        uint32 version;
        bytes32 buyerExchange;
        uint64 quantity;
        uint128 unitPrice;
        bytes3 currency;
        /// @notice A `ContractType`.
        uint8 contractType;
        bytes32 contractHash;
        /// @notice Must equal the exchanges' published fee schedules, so a buyer never pays a
        ///         rate changed after it read them.
        uint16 listingFeeBps;
        uint16 buyerExchangeFeeBps;
        GrantRequest grant;
    }

    /// @dev Field order packs the order into 9 slots plus its grant terms; the freeze times,
    ///      appended later, take one more.
    struct Order {
        address buyer;
        uint32 version;
        uint64 quantity;
        address seller;
        uint16 listingFeeBps;
        uint16 buyerExchangeFeeBps;
        /// @notice Consortium parameters when the order was created; later changes do not apply.
        uint32 inspectionPeriod;
        uint32 disputeWindow;
        uint256 productId;
        bytes32 buyerExchange;
        /// @notice The product's listing exchange, which is the seller's and the delivering one.
        bytes32 sellerExchange;
        uint128 unitPrice;
        bytes3 currency;
        ContractType contractType;
        uint32 deliveryDeadline;
        uint64 createdAt;
        bytes32 contractHash;
        uint64 billedUnits;
        uint32 statementCount;
        /// @notice Per-call or subscription product: settled by usage statements.
        bool metered;
        /// @notice Cross-border trade of important data or personal information, as at order time
        ///         (accept and payment apply the export rule again to the current listing).
        bool needsExportBasis;
        OrderStatus status;
        uint8 cancelConsents;
        bool frozen;
        bool grantRevoked;
        uint256 grantId;
        GrantRequest grant;
        /// @notice When the current freeze began; 0 while the order is not frozen.
        uint64 frozenAt;
        /// @notice Seconds the order has spent frozen, every lifted freeze together.
        uint64 frozenFor;
        /// @notice The DemandBoard offer this order was awarded from; 0 for an order placed
        ///         directly. With productId 0 the offer proposed a product to be made.
        uint256 offerId;
    }

    /// @dev Field order packs the bill's state and money into 3 slots.
    struct Bill {
        BillStatus status;
        DisputeStatus dispute;
        /// @notice True once the clearing instruction has been emitted; nothing changes after.
        bool cleared;
        uint128 amount;
        /// @notice Units billed: the order's quantity, or a statement's usage.
        uint64 units;
        uint128 refund;
        uint64 paidAt;
        uint64 deliveredAt;
        uint64 settledAt;
        Outcome proposedOutcome;
        uint8 mediationAcceptances;
        /// @notice Proposals made so far on this bill; the current one's number is in its hash.
        uint32 mediationRound;
        uint128 proposedRefund;
        bytes32 paymentEvidence;
        bytes32 deliveryEvidence;
        bytes32 invoiceHash;
        /// @notice keccak256(abi.encode(orderId, billNo, outcome, refund, documentHash, round)) of
        ///         the current mediation proposal: accepting it accepts exactly those terms.
        bytes32 proposalHash;
        /// @notice The order's `frozenFor` when this bill's running clock started (the delivery
        ///         deadline at payment, the inspection period at delivery or statement, the
        ///         dispute window at settlement): the clock ends later by the order's frozen time
        ///         since then.
        uint64 frozenForAtStart;
    }

    struct FeeSchedule {
        /// @notice What the exchange charges on trades of products it listed.
        uint16 listingFeeBps;
        /// @notice What the exchange charges on trades its buyers place through it.
        uint16 buyerExchangeFeeBps;
    }

    /// @notice Every field of a settled bill: the anchor a trade certificate proves.
    struct Certificate {
        uint256 orderId;
        uint32 billNo;
        uint256 productId;
        uint32 version;
        address buyer;
        address seller;
        bytes32 buyerExchange;
        bytes32 sellerExchange;
        ContractType contractType;
        bytes32 contractHash;
        bytes32 invoiceHash;
        uint64 units;
        uint128 unitPrice;
        bytes3 currency;
        uint128 amount;
        uint16 listingFeeBps;
        uint16 buyerExchangeFeeBps;
        bytes32 paymentEvidence;
        bytes32 deliveryEvidence;
        uint256 grantId;
        uint64 paidAt;
        uint64 deliveredAt;
        uint64 settledAt;
        FeeSplit.Legs legs;
        /// @notice The awarded DemandBoard offer (0 for a direct order).
        uint256 offerId;
    }

    /// @custom:storage-location erc7201:dcl.TradeSettlement
    struct Layout {
        bool initialized;
        IExchangeRegistry exchanges;
        IParticipantRegistry participants;
        IDataProductRegistry products;
        IAuthorizationRegistry authorizations;
        uint256 orderCount;
        mapping(uint256 orderId => Order) orders;
        mapping(uint256 orderId => mapping(uint32 billNo => Bill)) bills;
        mapping(bytes32 exchange => FeeSchedule) feeSchedules;
        /// @notice The ExportBasisRegistry's proxy, which holds the export bases.
        IExportBasisRegistry exportBases;
        /// @notice The DemandBoard's proxy, the only caller of `createOrderFor`.
        address demandBoard;
    }

    event Initialized(
        address exchangeRegistry,
        address participantRegistry,
        address productRegistry,
        address authorizationRegistry,
        address exportBasisRegistry,
        address demandBoard
    );
    event FeeScheduleSet(bytes32 indexed exchange, uint16 listingFeeBps, uint16 buyerExchangeFeeBps, address operator);
    event OrderCreated(uint256 indexed orderId, Order order);
    event OrderAccepted(uint256 indexed orderId, uint128 billAmount, uint64 acceptedAt);
    event CancellationConsented(uint256 indexed orderId, address party, uint8 consents);
    event OrderCancelled(uint256 indexed orderId, address by);
    event AuthorizationIssued(uint256 indexed orderId, uint256 grantId);
    event AuthorizationRevoked(uint256 indexed orderId, uint256 grantId);
    event StatementRecorded(
        uint256 indexed orderId,
        uint32 indexed billNo,
        uint64 units,
        uint128 amount,
        uint64 periodStart,
        uint64 periodEnd,
        bytes32 deliveryEvidence,
        address operator,
        uint64 recordedAt
    );
    event BillPaid(
        uint256 indexed orderId, uint32 indexed billNo, BillStatus status, bytes32 paymentEvidence, address operator, uint64 paidAt
    );
    event Delivered(uint256 indexed orderId, bytes32 deliveryEvidence, uint64 deliveredAt);
    event InvoiceRecorded(uint256 indexed orderId, uint32 indexed billNo, bytes32 invoiceHash);
    /// @notice The trade certificate's anchor: every field of the settled bill.
    event TradeSettled(uint256 indexed orderId, uint32 indexed billNo, Certificate certificate, address by);
    event DisputeRaised(uint256 indexed orderId, uint32 indexed billNo, address party, bytes32 reasonHash, uint64 raisedAt);
    event MediationProposed(
        uint256 indexed orderId,
        uint32 indexed billNo,
        Outcome outcome,
        uint128 refund,
        bytes32 documentHash,
        uint32 round,
        bytes32 proposalHash,
        address operator
    );
    event MediationAccepted(uint256 indexed orderId, uint32 indexed billNo, address party, bytes32 proposalHash);
    event DisputeResolved(
        uint256 indexed orderId,
        uint32 indexed billNo,
        Resolution resolution,
        Outcome outcome,
        uint128 refund,
        bytes32 documentHash,
        BillStatus status,
        address by
    );
    /// @notice Who is paid what for one bill (`certificate.legs`), final: the one event an
    ///         off-chain payer acts on.
    event ClearingInstruction(uint256 indexed orderId, uint32 indexed billNo, Certificate certificate);
    /// @notice A freeze began at `frozenAt`, or the one that began at `frozenAt` was lifted;
    ///         `frozenFor` is the order's frozen time so far, every lifted freeze together. On a
    ///         lift, `deadline` is the extended deadline of a fixed-price order's running clock
    ///         (0 when none runs). A metered order's statements are not listed (they are
    ///         unbounded): each one's running clock ends at its start + its period + `frozenFor`
    ///         − the bill's `frozenForAtStart`, as for every bill.
    event FreezeChanged(
        uint256 indexed orderId,
        bool frozen,
        address regulator,
        bytes32 reasonHash,
        uint64 frozenAt,
        uint64 frozenFor,
        uint64 deadline
    );
    error AlreadyInitialized();
    error ZeroAddress();
    error NotExchangeOperator(address account);
    error FeeAboveCap(uint16 feeBps, uint16 capBps);
    error FeeRateMismatch(bytes32 exchange, uint16 scheduledBps, uint16 requestedBps);
    error NotActiveBuyer(address account);
    error SupplierNotActive(address supplier);
    error SelfTrade(address account);
    error ProductNotListed(uint256 productId, IDataProductRegistry.ProductStatus status);
    error VersionMismatch(uint256 productId, uint32 listedVersion, uint32 requestedVersion);
    error ExchangeNotActive(bytes32 exchange);
    error NotRecognised(uint256 productId, bytes32 exchange);
    error UnitPriceMismatch(uint128 listedUnitPrice, uint128 requestedUnitPrice);
    error CurrencyMismatch(bytes3 listedCurrency, bytes3 requestedCurrency);
    error ZeroQuantity();
    error AmountOverflow(uint64 quantity, uint128 unitPrice);
    error InvalidContractType(uint8 contractType);
    error MissingHash();
    error ExportNotAllowed(uint256 productId);
    error ExportBasisRequired(uint256 productId, address recipient);
    error UnknownOrder(uint256 orderId);
    error OrderNotInStatus(uint256 orderId, OrderStatus status);
    error BillNotInStatus(uint256 orderId, uint32 billNo, BillStatus status);
    error OrderIsFrozen(uint256 orderId);
    error FreezeUnchanged(uint256 orderId, bool frozen);
    error NotBuyer(address account);
    error NotSeller(address account);
    error NotParty(address account);
    error NotBuyerExchangeOperator(address account, bytes32 exchange);
    error NotListingExchangeOperator(address account, bytes32 exchange);
    error NotRegulator(address account);
    error NotDemandBoard(address account);
    error CancellationAlreadyConsented(uint256 orderId, address party);
    error StatementsAlreadyRecorded(uint256 orderId, uint32 statementCount);
    error GrantNotActive(uint256 orderId, uint256 grantId);
    error NotFixedPrice(uint256 orderId);
    error NotMetered(uint256 orderId);
    error UnitsExceedOrder(uint256 orderId, uint64 remaining, uint64 units);
    error InvalidPeriod(uint64 periodStart, uint64 periodEnd);
    error DeliveryDeadlinePassed(uint256 orderId, uint64 deadline);
    error DeliveryDeadlineNotPassed(uint256 orderId, uint64 deadline);
    error InspectionNotOver(uint256 orderId, uint32 billNo, uint64 endsAt);
    error DisputeIsOpen(uint256 orderId, uint32 billNo);
    error DisputeAlreadyRaised(uint256 orderId, uint32 billNo);
    error NoOpenDispute(uint256 orderId, uint32 billNo);
    error DisputeWindowClosed(uint256 orderId, uint32 billNo, uint64 closedAt);
    error DisputeWindowOpen(uint256 orderId, uint32 billNo, uint64 closesAt);
    error ClearingAlreadyFinal(uint256 orderId, uint32 billNo);
    /// @notice Not an `Outcome` that fits the refund (out of range included).
    error InvalidOutcome(uint8 outcome, uint128 refund, uint128 amount);
    /// @notice Not ArbitralAward or CourtJudgment (out of range included).
    error InvalidResolution(uint8 resolution);
    error NoProposal(uint256 orderId, uint32 billNo);
    error ProposalMismatch(bytes32 proposalHash, bytes32 givenHash);
    error MediationAlreadyAccepted(uint256 orderId, uint32 billNo, address party);

    /// @notice Locks the implementation: only a proxy's storage is ever initialized.
    constructor() {
        _layout().initialized = true;
    }

    /// @notice Runs once, in the proxy's storage, with the other system contracts' proxies.
    function initialize(
        address exchangeRegistry,
        address participantRegistry,
        address productRegistry,
        address authorizationRegistry,
        address exportBasisRegistry,
        address demandBoard
    ) external {
        Layout storage s = _layout();
        if (s.initialized) revert AlreadyInitialized();
        if (
            exchangeRegistry == address(0) || participantRegistry == address(0) || productRegistry == address(0)
                || authorizationRegistry == address(0) || exportBasisRegistry == address(0)
                || demandBoard == address(0)
        ) revert ZeroAddress();
        s.initialized = true;
        s.exchanges = IExchangeRegistry(exchangeRegistry);
        s.participants = IParticipantRegistry(participantRegistry);
        s.products = IDataProductRegistry(productRegistry);
        s.authorizations = IAuthorizationRegistry(authorizationRegistry);
        s.exportBases = IExportBasisRegistry(exportBasisRegistry);
        s.demandBoard = demandBoard;
        emit Initialized(
            exchangeRegistry, participantRegistry, productRegistry, authorizationRegistry, exportBasisRegistry, demandBoard
        );
    }

    // ----- fee schedules -----

    /// @notice An operator publishes its exchange's two fee rates, each within the consortium cap.
    function setFeeSchedule(uint16 listingFeeBps, uint16 buyerExchangeFeeBps) external {
        Layout storage s = _layout();
        bytes32 exchange = s.exchanges.operatorExchange(msg.sender);
        if (exchange == bytes32(0) || !_isOperator(s, exchange)) {
            revert NotExchangeOperator(msg.sender);
        }
        _checkCaps(_parameters(s), listingFeeBps, buyerExchangeFeeBps);
        s.feeSchedules[exchange] = FeeSchedule(listingFeeBps, buyerExchangeFeeBps);
        emit FeeScheduleSet(exchange, listingFeeBps, buyerExchangeFeeBps, msg.sender);
    }

    // ----- orders -----

    /// @notice The buyer orders a listed product version through `request.buyerExchange`.
    function createOrder(OrderRequest calldata request) external returns (uint256 orderId) {
        Layout storage s = _layout();
        return _createOrder(s, msg.sender, request, _productTerms(s, request.productId), 0);
    }

    /// @notice Only the DemandBoard: the order of the awarded offer `offerId`, placed for
    ///         `buyer` at the offer's price (fixed-price: quantity 1, `unitPrice` the offer's
    ///         price, in the demand's currency). A listed product (`request.productId` not 0)
    ///         passes every check of `createOrder` but the listed price. A product to be made
    ///         (`productId` 0, version 0) is sold by `supplier` through its home exchange (as
    ///         the listing exchange of the fee split); it has no listing, so no grant is issued
    ///         and it cannot leave the mainland (`ExportNotAllowed(0)`).
    function createOrderFor(
        address buyer,
        address supplier,
        bytes32 supplierExchange,
        uint256 offerId,
        OrderRequest calldata request
    )
        external
        returns (uint256 orderId)
    {
        Layout storage s = _layout();
        if (msg.sender != s.demandBoard) revert NotDemandBoard(msg.sender);
        IDataProductRegistry.ProductTerms memory terms;
        if (request.productId == 0) {
            terms.supplier = supplier;
            terms.listingExchange = supplierExchange;
            terms.status = IDataProductRegistry.ProductStatus.Listed;
        } else {
            terms = _productTerms(s, request.productId);
        }
        terms.unitPrice = request.unitPrice;
        terms.currency = request.currency;
        terms.priceModel = IDataProductRegistry.PriceModel.Fixed;
        return _createOrder(s, buyer, request, terms, offerId);
    }

    function _createOrder(
        Layout storage s,
        address buyer,
        OrderRequest calldata request,
        IDataProductRegistry.ProductTerms memory terms,
        uint256 offerId
    ) internal returns (uint256 orderId) {
        _checkListing(s, request, terms);
        _checkParties(s, buyer, terms.supplier);
        IExchangeRegistry.Parameters memory p = _parameters(s);
        _checkCommercialTerms(s, p, request, terms);
        bool needsBasis = _exportRule(s, request.productId, terms, buyer, request.grant.destinations.length);
        orderId = ++s.orderCount;
        Order storage o = s.orders[orderId];
        _storeOrder(o, p, buyer, request, terms);
        o.needsExportBasis = needsBasis;
        o.offerId = offerId;
        Order memory created = o;
        emit OrderCreated(orderId, created);
    }

    /// @notice The seller accepts. A fixed-price order opens its bill; a metered order, whose
    ///         uses precede its statements, gets its authorization now.
    function accept(uint256 orderId) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        if (msg.sender != o.seller) revert NotSeller(msg.sender);
        _requireOrderStatus(orderId, o, OrderStatus.Created);
        _requireInGoodStanding(s, o);
        o.status = OrderStatus.Accepted;
        uint128 billAmount;
        if (o.metered) {
            _issueAuthorization(s, orderId, o);
        } else {
            billAmount = o.quantity * o.unitPrice;
            Bill storage b = s.bills[orderId][0];
            b.status = BillStatus.Due;
            b.amount = billAmount;
            b.units = o.quantity;
        }
        emit OrderAccepted(orderId, billAmount, uint64(block.timestamp));
    }

    /// @notice Either party cancels a Created order alone; an Accepted one needs both, and only
    ///         before anything was paid (a metered order: before its first statement) — or
    ///         either alone once the requested grant's window has closed, since the grant
    ///         could then never be issued (or used) and the bill would be stranded.
    function cancel(uint256 orderId) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        uint8 party;
        if (msg.sender == o.buyer) party = BUYER_CONSENT;
        else if (msg.sender == o.seller) party = SELLER_CONSENT;
        else revert NotParty(msg.sender);
        if (o.status == OrderStatus.Created) {
            o.status = OrderStatus.Cancelled;
            emit OrderCancelled(orderId, msg.sender);
            return;
        }
        _requireOrderStatus(orderId, o, OrderStatus.Accepted);
        if (o.metered) {
            if (o.statementCount != 0) revert StatementsAlreadyRecorded(orderId, o.statementCount);
        } else {
            _requireBillStatus(orderId, 0, s.bills[orderId][0], BillStatus.Due);
        }
        if (o.cancelConsents & party != 0) revert CancellationAlreadyConsented(orderId, msg.sender);
        uint8 consents = o.cancelConsents | party;
        o.cancelConsents = consents;
        emit CancellationConsented(orderId, msg.sender, consents);
        if (consents == BOTH_CONSENTS || o.grant.validUntil < block.timestamp) {
            o.status = OrderStatus.Cancelled;
            emit OrderCancelled(orderId, msg.sender);
            if (o.metered) _revokeAuthorization(s, orderId, o);
        }
    }

    /// @notice The delivering (listing) exchange records the usage of a metered order as a bill.
    function recordStatement(uint256 orderId, uint64 units, uint64 periodStart, uint64 periodEnd, bytes32 evidence)
        external
        returns (uint32 billNo)
    {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        _requireListingOperator(s, o);
        if (!o.metered) revert NotMetered(orderId);
        _requireOrderStatus(orderId, o, OrderStatus.Accepted);
        // No usage is billed under a grant a refund or a regulator has revoked.
        if (s.authorizations.grantStatus(o.grantId) != IAuthorizationRegistry.GrantStatus.Active) {
            revert GrantNotActive(orderId, o.grantId);
        }
        if (units == 0) revert ZeroQuantity();
        uint64 remaining = o.quantity - o.billedUnits;
        if (units > remaining) revert UnitsExceedOrder(orderId, remaining, units);
        if (periodEnd < periodStart) revert InvalidPeriod(periodStart, periodEnd);
        if (evidence == bytes32(0)) revert MissingHash();
        o.billedUnits += units;
        billNo = ++o.statementCount;
        Bill storage b = s.bills[orderId][billNo];
        uint128 amount = units * o.unitPrice;
        b.status = BillStatus.Due;
        b.amount = amount;
        b.units = units;
        b.deliveredAt = uint64(block.timestamp);
        b.deliveryEvidence = evidence;
        _startClock(o, b);
        emit StatementRecorded(
            orderId, billNo, units, amount, periodStart, periodEnd, evidence, msg.sender, uint64(block.timestamp)
        );
    }

    /// @notice The buyer's exchange records the payment evidence of a bill. Paying a fixed-price
    ///         order issues the buyer's authorization: the money is then committed and the buyer
    ///         needs the grant to receive and inspect the delivery; a refund revokes it.
    function pay(uint256 orderId, uint32 billNo, bytes32 paymentEvidence) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        if (!_isOperator(s, o.buyerExchange)) {
            revert NotBuyerExchangeOperator(msg.sender, o.buyerExchange);
        }
        _requireOrderStatus(orderId, o, OrderStatus.Accepted);
        Bill storage b = s.bills[orderId][billNo];
        _requireBillStatus(orderId, billNo, b, BillStatus.Due);
        if (paymentEvidence == bytes32(0)) revert MissingHash();
        BillStatus next = o.metered ? BillStatus.Delivered : BillStatus.Paid;
        b.status = next;
        b.paidAt = uint64(block.timestamp);
        b.paymentEvidence = paymentEvidence;
        emit BillPaid(orderId, billNo, next, paymentEvidence, msg.sender, uint64(block.timestamp));
        if (!o.metered) {
            _startClock(o, b);
            _requireInGoodStanding(s, o);
            _issueAuthorization(s, orderId, o);
        }
    }

    /// @notice The seller records delivery of a paid fixed-price order before its deadline.
    function deliver(uint256 orderId, bytes32 deliveryEvidence) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        if (msg.sender != o.seller) revert NotSeller(msg.sender);
        _requireSupplier(s, o.seller);
        Bill storage b = _fixedBill(s, orderId, o);
        _requireBillStatus(orderId, 0, b, BillStatus.Paid);
        _requireNoOpenDispute(orderId, 0, b);
        uint64 deadline = _clockEnd(o, b, b.paidAt, o.deliveryDeadline);
        if (block.timestamp > deadline) revert DeliveryDeadlinePassed(orderId, deadline);
        if (deliveryEvidence == bytes32(0)) revert MissingHash();
        b.status = BillStatus.Delivered;
        b.deliveredAt = uint64(block.timestamp);
        b.deliveryEvidence = deliveryEvidence;
        _startClock(o, b);
        emit Delivered(orderId, deliveryEvidence, uint64(block.timestamp));
    }

    /// @notice After the delivery deadline of an undelivered order the buyer is refunded in full.
    function claimNonDelivery(uint256 orderId) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        if (msg.sender != o.buyer) revert NotBuyer(msg.sender);
        Bill storage b = _fixedBill(s, orderId, o);
        _requireBillStatus(orderId, 0, b, BillStatus.Paid);
        _requireNoOpenDispute(orderId, 0, b);
        uint64 deadline = _clockEnd(o, b, b.paidAt, o.deliveryDeadline);
        if (block.timestamp <= deadline) revert DeliveryDeadlineNotPassed(orderId, deadline);
        _resolve(s, orderId, 0, Resolution.NonDelivery, Outcome.Refund, b.amount, bytes32(0));
    }

    /// @notice The seller records the VAT invoice reference of a bill (issued after payment).
    function recordInvoice(uint256 orderId, uint32 billNo, bytes32 invoiceHash) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        if (msg.sender != o.seller) revert NotSeller(msg.sender);
        Bill storage b = s.bills[orderId][billNo];
        if (b.status == BillStatus.None || b.status == BillStatus.Refunded || b.cleared) {
            revert BillNotInStatus(orderId, billNo, b.status);
        }
        if (invoiceHash == bytes32(0)) revert MissingHash();
        b.invoiceHash = invoiceHash;
        emit InvoiceRecorded(orderId, billNo, invoiceHash);
    }

    /// @notice The buyer accepts a delivered bill.
    function confirm(uint256 orderId, uint32 billNo) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        if (msg.sender != o.buyer) revert NotBuyer(msg.sender);
        Bill storage b = s.bills[orderId][billNo];
        _requireBillStatus(orderId, billNo, b, BillStatus.Delivered);
        _requireNoOpenDispute(orderId, billNo, b);
        _settle(orderId, billNo, o, b);
    }

    /// @notice Anyone settles a delivered bill once its inspection period has elapsed.
    function finalize(uint256 orderId, uint32 billNo) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        Bill storage b = s.bills[orderId][billNo];
        _requireBillStatus(orderId, billNo, b, BillStatus.Delivered);
        _requireNoOpenDispute(orderId, billNo, b);
        uint64 endsAt = _clockEnd(o, b, b.deliveredAt, o.inspectionPeriod);
        if (block.timestamp < endsAt) revert InspectionNotOver(orderId, billNo, endsAt);
        _settle(orderId, billNo, o, b);
    }

    /// @notice Anyone makes a settled bill's clearing instruction final once its dispute window
    ///         has closed: the one event the payer acts on.
    function finalizeClearing(uint256 orderId, uint32 billNo) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        Bill storage b = s.bills[orderId][billNo];
        if (b.cleared) revert ClearingAlreadyFinal(orderId, billNo);
        _requireBillStatus(orderId, billNo, b, BillStatus.Settled);
        _requireNoOpenDispute(orderId, billNo, b);
        uint64 closesAt = _clockEnd(o, b, b.settledAt, o.disputeWindow);
        if (block.timestamp < closesAt) revert DisputeWindowOpen(orderId, billNo, closesAt);
        b.cleared = true;
        _emitClearing(orderId, billNo, o, b);
    }

    // ----- disputes -----

    /// @notice Buyer or seller disputes a bill once it is paid, until its dispute window closes.
    function raiseDispute(uint256 orderId, uint32 billNo, bytes32 reasonHash) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        if (msg.sender != o.buyer && msg.sender != o.seller) revert NotParty(msg.sender);
        Bill storage b = s.bills[orderId][billNo];
        BillStatus status = b.status;
        if (status != BillStatus.Paid && status != BillStatus.Delivered && status != BillStatus.Settled) {
            revert BillNotInStatus(orderId, billNo, status);
        }
        if (b.dispute != DisputeStatus.None) revert DisputeAlreadyRaised(orderId, billNo);
        if (status == BillStatus.Settled) {
            uint64 closedAt = _clockEnd(o, b, b.settledAt, o.disputeWindow);
            if (block.timestamp >= closedAt) revert DisputeWindowClosed(orderId, billNo, closedAt);
        }
        if (reasonHash == bytes32(0)) revert MissingHash();
        b.dispute = DisputeStatus.Open;
        emit DisputeRaised(orderId, billNo, msg.sender, reasonHash, uint64(block.timestamp));
    }

    /// @notice The listing exchange proposes a mediated outcome with the hash of its mediation
    ///         document; a new proposal replaces the previous one and its acceptances. The
    ///         proposal's hash is computed here over the order, bill, outcome, refund, document
    ///         and round, so a party's acceptance binds exactly those terms and no later proposal
    ///         can reuse it.
    function proposeMediation(uint256 orderId, uint32 billNo, uint8 outcome, uint128 refund, bytes32 documentHash)
        external
    {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        _requireListingOperator(s, o);
        Bill storage b = s.bills[orderId][billNo];
        _requireOpenDispute(orderId, billNo, b);
        _checkOutcome(outcome, refund, b.amount);
        if (documentHash == bytes32(0)) revert MissingHash();
        uint32 round = b.mediationRound + 1;
        bytes32 proposalHash = keccak256(abi.encode(orderId, billNo, outcome, refund, documentHash, round));
        b.proposedOutcome = Outcome(outcome);
        b.proposedRefund = refund;
        b.proposalHash = proposalHash;
        b.mediationAcceptances = 0;
        b.mediationRound = round;
        emit MediationProposed(orderId, billNo, Outcome(outcome), refund, documentHash, round, proposalHash, msg.sender);
    }

    /// @notice Buyer or seller accepts the current proposal, named by its hash; the second
    ///         acceptance resolves the dispute.
    function acceptMediation(uint256 orderId, uint32 billNo, bytes32 proposalHash) external {
        Layout storage s = _layout();
        Order storage o = _order(s, orderId);
        uint8 party;
        if (msg.sender == o.buyer) party = BUYER_CONSENT;
        else if (msg.sender == o.seller) party = SELLER_CONSENT;
        else revert NotParty(msg.sender);
        Bill storage b = s.bills[orderId][billNo];
        _requireOpenDispute(orderId, billNo, b);
        if (b.proposedOutcome == Outcome.None) revert NoProposal(orderId, billNo);
        if (proposalHash != b.proposalHash) revert ProposalMismatch(b.proposalHash, proposalHash);
        if (b.mediationAcceptances & party != 0) revert MediationAlreadyAccepted(orderId, billNo, msg.sender);
        uint8 acceptances = b.mediationAcceptances | party;
        b.mediationAcceptances = acceptances;
        emit MediationAccepted(orderId, billNo, msg.sender, proposalHash);
        if (acceptances == BOTH_CONSENTS) {
            _resolve(s, orderId, billNo, Resolution.Mediation, b.proposedOutcome, b.proposedRefund, proposalHash);
        }
    }

    /// @notice A regulator, as the public authority, records an arbitral award or a court
    ///         judgment (its document hash) that decides the dispute. Not the listing exchange:
    ///         it earns the listing fee, so it is an interested party.
    function recordAward(
        uint256 orderId,
        uint32 billNo,
        uint8 resolution,
        uint8 outcome,
        uint128 refund,
        bytes32 documentHash
    ) external {
        Layout storage s = _layout();
        _order(s, orderId);
        _requireRegulator(s);
        Bill storage b = s.bills[orderId][billNo];
        _requireOpenDispute(orderId, billNo, b);
        if (resolution != uint8(Resolution.ArbitralAward) && resolution != uint8(Resolution.CourtJudgment)) {
            revert InvalidResolution(resolution);
        }
        _checkOutcome(outcome, refund, b.amount);
        if (documentHash == bytes32(0)) revert MissingHash();
        _resolve(s, orderId, billNo, Resolution(resolution), Outcome(outcome), refund, documentHash);
    }

    // ----- regulator -----

    /// @notice A regulator freezes an order, halting every step of it and its bills, or lifts
    ///         the freeze. The freeze stops the clocks: lifting it extends every running deadline
    ///         of the order's bills by the time it lasted.
    function setFrozen(uint256 orderId, bool frozen, bytes32 reasonHash) external {
        Layout storage s = _layout();
        _requireRegulator(s);
        Order storage o = _existingOrder(s, orderId);
        if (o.frozen == frozen) revert FreezeUnchanged(orderId, frozen);
        if (reasonHash == bytes32(0)) revert MissingHash();
        o.frozen = frozen;
        uint64 frozenAt = o.frozenAt;
        uint64 deadline;
        if (frozen) {
            frozenAt = uint64(block.timestamp);
            o.frozenAt = frozenAt;
        } else {
            o.frozenAt = 0;
            o.frozenFor += uint64(block.timestamp) - frozenAt;
            deadline = _runningDeadline(o, s.bills[orderId][0]);
        }
        emit FreezeChanged(orderId, frozen, msg.sender, reasonHash, frozenAt, o.frozenFor, deadline);
    }

    // ----- views -----

    function order(uint256 orderId) external view returns (Order memory o) {
        o = _layout().orders[orderId];
    }

    function bill(uint256 orderId, uint32 billNo) external view returns (Bill memory) {
        return _layout().bills[orderId][billNo];
    }

    function orderCount() external view returns (uint256) {
        return _layout().orderCount;
    }

    function feeSchedule(bytes32 exchange) external view returns (FeeSchedule memory) {
        return _layout().feeSchedules[exchange];
    }

    // ----- internals -----

    function _layout() internal pure returns (Layout storage s) {
        bytes32 slot = LAYOUT_SLOT;
        assembly {
            s.slot := slot
        }
    }

    function _checkCaps(IExchangeRegistry.Parameters memory p, uint16 listingFeeBps, uint16 buyerExchangeFeeBps)
        internal
        pure
    {
        if (listingFeeBps > p.listingFeeCapBps) revert FeeAboveCap(listingFeeBps, p.listingFeeCapBps);
        if (buyerExchangeFeeBps > p.buyerExchangeFeeCapBps) {
            revert FeeAboveCap(buyerExchangeFeeBps, p.buyerExchangeFeeCapBps);
        }
        FeeSplit.checkRates(listingFeeBps, buyerExchangeFeeBps);
    }

    function _checkParties(Layout storage s, address buyer, address supplier) internal view {
        _requireBuyer(s, buyer);
        _requireSupplier(s, supplier);
        if (supplier == buyer) revert SelfTrade(buyer);
    }

    /// @dev A new obligation (acceptance, or the grant a payment issues) needs the product still
    ///      Listed and both parties still active in their roles; winding down an existing one
    ///      (confirm, finalize, disputes, non-delivery claims, invoices, statements) does not.
    ///      The export rule is applied again with the product's current terms, so a listing
    ///      reclassified or closed to export since the order cannot be exported on old terms.
    ///      A product to be made has no listing: only the parties' standing is checked.
    function _requireInGoodStanding(Layout storage s, Order storage o) internal view {
        uint256 productId = o.productId;
        address buyer = o.buyer;
        IDataProductRegistry.ProductTerms memory terms;
        if (productId != 0) {
            terms = _productTerms(s, productId);
            if (terms.status != IDataProductRegistry.ProductStatus.Listed) revert ProductNotListed(productId, terms.status);
        }
        _requireSupplier(s, o.seller);
        _requireBuyer(s, buyer);
        if (productId != 0) _exportRule(s, productId, terms, buyer, o.grant.destinations.length);
    }

    function _checkListing(
        Layout storage s,
        OrderRequest calldata request,
        IDataProductRegistry.ProductTerms memory terms
    ) internal view {
        if (terms.status != IDataProductRegistry.ProductStatus.Listed) {
            revert ProductNotListed(request.productId, terms.status);
        }
        if (request.version != terms.version) revert VersionMismatch(request.productId, terms.version, request.version);
        _requireActiveExchange(s, terms.listingExchange);
        _requireActiveExchange(s, request.buyerExchange);
        if (!s.products.isRecognisedBy(request.productId, request.buyerExchange)) {
            revert NotRecognised(request.productId, request.buyerExchange);
        }
    }

    function _checkCommercialTerms(
        Layout storage s,
        IExchangeRegistry.Parameters memory p,
        OrderRequest calldata request,
        IDataProductRegistry.ProductTerms memory terms
    ) internal view {
        if (request.unitPrice != terms.unitPrice) revert UnitPriceMismatch(terms.unitPrice, request.unitPrice);
        if (request.currency != terms.currency) revert CurrencyMismatch(terms.currency, request.currency);
        if (request.quantity == 0) revert ZeroQuantity();
        if (uint256(request.quantity) * request.unitPrice > type(uint128).max) {
            revert AmountOverflow(request.quantity, request.unitPrice);
        }
        if (request.contractType > uint8(type(ContractType).max)) revert InvalidContractType(request.contractType);
        if (request.contractHash == bytes32(0)) revert MissingHash();
        uint16 listingBps = s.feeSchedules[terms.listingExchange].listingFeeBps;
        if (request.listingFeeBps != listingBps) {
            revert FeeRateMismatch(terms.listingExchange, listingBps, request.listingFeeBps);
        }
        uint16 buyerBps = s.feeSchedules[request.buyerExchange].buyerExchangeFeeBps;
        if (request.buyerExchangeFeeBps != buyerBps) {
            revert FeeRateMismatch(request.buyerExchange, buyerBps, request.buyerExchangeFeeBps);
        }
        _checkCaps(p, listingBps, buyerBps);
        // A product to be made has no listing to grant rights on (the DemandBoard passes no grant).
        if (request.productId == 0) return;
        GrantRequest calldata grant = request.grant;
        OrderRules.checkGrant(
            request.productId,
            terms.rights,
            grant.right,
            grant.purposeCode,
            grant.validFrom,
            grant.validUntil,
            grant.destinations
        );
    }

    /// @dev The export rule (`OrderRules.exportRule`) with this order's parties and registries.
    /// @return needsBasis The trade is cross-border and the data important or personal.
    function _exportRule(
        Layout storage s,
        uint256 productId,
        IDataProductRegistry.ProductTerms memory terms,
        address buyer,
        uint256 destinationCount
    ) internal view returns (bool needsBasis) {
        return OrderRules.exportRule(
            s.participants,
            s.exportBases,
            productId,
            terms.classification,
            terms.personalInformation,
            terms.exportAllowed,
            buyer,
            destinationCount
        );
    }

    function _storeOrder(
        Order storage o,
        IExchangeRegistry.Parameters memory p,
        address buyer,
        OrderRequest calldata request,
        IDataProductRegistry.ProductTerms memory terms
    ) internal {
        o.buyer = buyer;
        o.seller = terms.supplier;
        o.productId = request.productId;
        o.version = request.version;
        o.buyerExchange = request.buyerExchange;
        o.sellerExchange = terms.listingExchange;
        o.quantity = request.quantity;
        o.unitPrice = request.unitPrice;
        o.currency = request.currency;
        o.contractType = ContractType(request.contractType);
        o.contractHash = request.contractHash;
        o.listingFeeBps = request.listingFeeBps;
        o.buyerExchangeFeeBps = request.buyerExchangeFeeBps;
        o.inspectionPeriod = p.inspectionPeriod;
        o.disputeWindow = p.disputeWindow;
        o.deliveryDeadline = p.deliveryDeadline;
        o.metered = terms.priceModel != IDataProductRegistry.PriceModel.Fixed;
        o.status = OrderStatus.Created;
        o.createdAt = uint64(block.timestamp);
        o.grant = request.grant;
    }

    /// @dev Only after `_requireInGoodStanding`, which applies the export rule. A product to be
    ///      made has no listing to grant rights on: its order carries none.
    function _issueAuthorization(Layout storage s, uint256 orderId, Order storage o) internal {
        if (o.productId == 0) return;
        GrantRequest storage g = o.grant;
        uint256 grantId = s.authorizations.issueForOrder(
            orderId,
            IAuthorizationRegistry.GrantTerms({
                productId: o.productId,
                grantee: o.buyer,
                right: g.right,
                purposeCode: g.purposeCode,
                purposeHash: g.purposeHash,
                validFrom: g.validFrom,
                validUntil: g.validUntil,
                maxUses: g.maxUses,
                destinations: g.destinations,
                onwardTransfer: g.onwardTransfer
            })
        );
        o.grantId = grantId;
        emit AuthorizationIssued(orderId, grantId);
    }

    function _revokeAuthorization(Layout storage s, uint256 orderId, Order storage o) internal {
        if (o.grantId == 0 || o.grantRevoked) return;
        o.grantRevoked = true;
        s.authorizations.revokeForRefund(o.grantId);
        emit AuthorizationRevoked(orderId, o.grantId);
    }

    function _settle(uint256 orderId, uint32 billNo, Order storage o, Bill storage b) internal {
        b.status = BillStatus.Settled;
        b.settledAt = uint64(block.timestamp);
        _startClock(o, b);
        emit TradeSettled(orderId, billNo, _certificate(orderId, billNo, o, b), msg.sender);
    }

    /// @dev Outcomes are final: the clearing instruction is emitted at once.
    function _resolve(
        Layout storage s,
        uint256 orderId,
        uint32 billNo,
        Resolution resolution,
        Outcome outcome,
        uint128 refund,
        bytes32 documentHash
    ) internal {
        Order storage o = s.orders[orderId];
        Bill storage b = s.bills[orderId][billNo];
        if (resolution != Resolution.NonDelivery) b.dispute = DisputeStatus.Resolved;
        b.refund = refund;
        b.cleared = true;
        BillStatus status = outcome == Outcome.Refund ? BillStatus.Refunded : BillStatus.Settled;
        if (status == BillStatus.Settled && b.settledAt == 0) b.settledAt = uint64(block.timestamp);
        b.status = status;
        emit DisputeResolved(orderId, billNo, resolution, outcome, refund, documentHash, status, msg.sender);
        if (refund != 0) _revokeAuthorization(s, orderId, o);
        if (status == BillStatus.Settled) {
            emit TradeSettled(orderId, billNo, _certificate(orderId, billNo, o, b), msg.sender);
        }
        _emitClearing(orderId, billNo, o, b);
    }

    function _certificate(uint256 orderId, uint32 billNo, Order storage o, Bill storage b)
        internal
        view
        returns (Certificate memory c)
    {
        c.orderId = orderId;
        c.billNo = billNo;
        c.productId = o.productId;
        c.version = o.version;
        c.buyer = o.buyer;
        c.seller = o.seller;
        c.buyerExchange = o.buyerExchange;
        c.sellerExchange = o.sellerExchange;
        c.contractType = o.contractType;
        c.contractHash = o.contractHash;
        c.invoiceHash = b.invoiceHash;
        c.units = b.units;
        c.unitPrice = o.unitPrice;
        c.currency = o.currency;
        c.amount = b.amount;
        c.listingFeeBps = o.listingFeeBps;
        c.buyerExchangeFeeBps = o.buyerExchangeFeeBps;
        c.paymentEvidence = b.paymentEvidence;
        c.deliveryEvidence = b.deliveryEvidence;
        c.grantId = o.grantId;
        c.paidAt = b.paidAt;
        c.deliveredAt = b.deliveredAt;
        c.settledAt = b.settledAt;
        c.legs = FeeSplit.split(b.amount, b.refund, o.listingFeeBps, o.buyerExchangeFeeBps);
        c.offerId = o.offerId;
    }

    function _emitClearing(uint256 orderId, uint32 billNo, Order storage o, Bill storage b) internal {
        emit ClearingInstruction(orderId, billNo, _certificate(orderId, billNo, o, b));
    }

    /// @dev Takes the outcome as a uint8, so an out-of-range value gets this error too.
    function _checkOutcome(uint8 outcome, uint128 refund, uint128 amount) internal pure {
        bool valid = (outcome == uint8(Outcome.Refund) && refund == amount)
            || (outcome == uint8(Outcome.Release) && refund == 0)
            || (outcome == uint8(Outcome.Partial) && refund > 0 && refund < amount);
        if (!valid) revert InvalidOutcome(outcome, refund, amount);
    }

    /// @dev A bill's clock ends `period` seconds after `startedAt`, later by the time the order
    ///      spent frozen since the clock started (it stood still meanwhile).
    function _clockEnd(Order storage o, Bill storage b, uint64 startedAt, uint32 period)
        internal
        view
        returns (uint64)
    {
        return startedAt + period + o.frozenFor - b.frozenForAtStart;
    }

    /// @dev Written only once the order has been frozen: until then it is 0 already.
    function _startClock(Order storage o, Bill storage b) internal {
        uint64 frozenFor = o.frozenFor;
        if (frozenFor != 0) b.frozenForAtStart = frozenFor;
    }

    /// @dev The deadline of the clock a bill is running: delivery while Paid, inspection while
    ///      Delivered, the dispute window while Settled and not yet cleared; 0 otherwise (a
    ///      metered order has no bill 0, so 0 for it).
    function _runningDeadline(Order storage o, Bill storage b) internal view returns (uint64) {
        BillStatus status = b.status;
        if (status == BillStatus.Paid) return _clockEnd(o, b, b.paidAt, o.deliveryDeadline);
        if (status == BillStatus.Delivered) return _clockEnd(o, b, b.deliveredAt, o.inspectionPeriod);
        if (status != BillStatus.Settled || b.cleared) return 0;
        return _clockEnd(o, b, b.settledAt, o.disputeWindow);
    }

    function _existingOrder(Layout storage s, uint256 orderId) internal view returns (Order storage o) {
        o = s.orders[orderId];
        if (o.status == OrderStatus.None) revert UnknownOrder(orderId);
    }

    /// @dev An existing order that is not frozen: the guard of every party's step.
    function _order(Layout storage s, uint256 orderId) internal view returns (Order storage o) {
        o = _existingOrder(s, orderId);
        if (o.frozen) revert OrderIsFrozen(orderId);
    }

    function _fixedBill(Layout storage s, uint256 orderId, Order storage o) internal view returns (Bill storage) {
        if (o.metered) revert NotFixedPrice(orderId);
        return s.bills[orderId][0];
    }

    function _requireOrderStatus(uint256 orderId, Order storage o, OrderStatus status) internal view {
        if (o.status != status) revert OrderNotInStatus(orderId, o.status);
    }

    function _requireBillStatus(uint256 orderId, uint32 billNo, Bill storage b, BillStatus status) internal view {
        if (b.status != status) revert BillNotInStatus(orderId, billNo, b.status);
    }

    function _requireNoOpenDispute(uint256 orderId, uint32 billNo, Bill storage b) internal view {
        if (b.dispute == DisputeStatus.Open) revert DisputeIsOpen(orderId, billNo);
    }

    function _requireOpenDispute(uint256 orderId, uint32 billNo, Bill storage b) internal view {
        if (b.dispute != DisputeStatus.Open) revert NoOpenDispute(orderId, billNo);
    }

    function _requireListingOperator(Layout storage s, Order storage o) internal view {
        if (!_isOperator(s, o.sellerExchange)) {
            revert NotListingExchangeOperator(msg.sender, o.sellerExchange);
        }
    }

    function _requireRegulator(Layout storage s) internal view {
        if (!_isRegulator(s)) revert NotRegulator(msg.sender);
    }

    function _isOperator(Layout storage s, bytes32 exchange) internal view returns (bool) {
        return s.exchanges.isActiveOperator(msg.sender, exchange);
    }

    function _isRegulator(Layout storage s) internal view returns (bool) {
        return s.exchanges.isRegulator(msg.sender);
    }

    // One call site per external read: each site costs code, and the runtime is near EIP-170.

    function _requireSupplier(Layout storage s, address account) internal view {
        if (!s.participants.hasActiveRoles(account, Roles.SUPPLIER)) revert SupplierNotActive(account);
    }

    function _requireBuyer(Layout storage s, address account) internal view {
        if (!s.participants.hasActiveRoles(account, Roles.BUYER)) revert NotActiveBuyer(account);
    }

    function _productTerms(Layout storage s, uint256 productId)
        internal
        view
        returns (IDataProductRegistry.ProductTerms memory)
    {
        return s.products.productTerms(productId);
    }

    function _parameters(Layout storage s) internal view returns (IExchangeRegistry.Parameters memory) {
        return s.exchanges.parameters();
    }

    function _requireActiveExchange(Layout storage s, bytes32 exchange) internal view {
        if (s.exchanges.exchangeStatus(exchange) != IExchangeRegistry.ExchangeStatus.Active) {
            revert ExchangeNotActive(exchange);
        }
    }
}
