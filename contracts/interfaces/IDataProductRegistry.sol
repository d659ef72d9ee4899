// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title What other system contracts read from the DataProductRegistry (挂牌)
interface IDataProductRegistry {
    enum ProductStatus {
        None,
        Submitted,
        Listed,
        Rejected,
        Suspended,
        Revoked,
        Delisted
    }

    enum ProductType {
        Dataset,
        Api,
        Report,
        Model,
        ComputeService
    }

    /// @notice Per GB/T 43697; core data can never be listed.
    enum Classification {
        General,
        Important,
        Core
    }

    enum DataSource {
        PublicAuthorized,
        Enterprise,
        Personal
    }

    enum PriceModel {
        Fixed,
        PerCall,
        Subscription
    }

    /// @notice The commercial terms of the current version that an order relies on.
    struct ProductTerms {
        address supplier;
        /// @notice Code of the exchange that reviewed and listed it (the seller's exchange).
        bytes32 listingExchange;
        /// @notice Bumped by every update; an order names the version it buys.
        uint32 version;
        ProductStatus status;
        Classification classification;
        bool personalInformation;
        /// @notice Bit set of `Rights` offered.
        uint8 rights;
        PriceModel priceModel;
        /// @notice Price per unit in the currency's ISO 4217 minor unit (fen for CNY).
        uint128 unitPrice;
        /// @notice ISO 4217 alphabetic code, e.g. "CNY".
        bytes3 currency;
        bool exportAllowed;
        /// @notice Account of the supplier that delivers and may record uses of grants.
        address deliveryAccount;
    }

    function productTerms(uint256 productId) external view returns (ProductTerms memory);

    /// @notice False only while `exchange` has a recorded, unwithdrawn non-recognition.
    function isRecognisedBy(uint256 productId, bytes32 exchange) external view returns (bool);
}
