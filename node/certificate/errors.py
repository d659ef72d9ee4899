"""Why a trade certificate cannot be built; the gateway maps each to a problem type."""

from __future__ import annotations


class CertificateError(Exception):
    """No certificate can be built for this request."""


class UnknownOrder(CertificateError):
    """TradeSettlement holds no order with this id."""


class OrderNotSettled(CertificateError):
    """The order (or the bill asked for) has no TradeSettled event: there is nothing to
    certify until it settles."""


class MissingChainData(CertificateError):
    """A header, body, receipt or trie node the certificate needs is not in the data
    directory (pruned or damaged)."""


class InconsistentValidatorSet(CertificateError):
    """The headers' validator lists and the registry's storage disagree about a set change."""


class NotAQbftChain(CertificateError):
    """Only a QBFT chain's headers carry the seals a certificate rests on."""
