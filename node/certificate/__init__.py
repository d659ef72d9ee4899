"""Trade certificates built from the node's chain (the verifier is ``client.certificate``)."""

from node.certificate.builder import build_trade_certificate
from node.certificate.errors import (
    CertificateError,
    InconsistentValidatorSet,
    MissingChainData,
    NotAQbftChain,
    OrderNotSettled,
    UnknownOrder,
)
from node.certificate.validator_changes import ValidatorSetHistory, history_of

__all__ = [
    "CertificateError",
    "InconsistentValidatorSet",
    "MissingChainData",
    "NotAQbftChain",
    "OrderNotSettled",
    "UnknownOrder",
    "ValidatorSetHistory",
    "build_trade_certificate",
    "history_of",
]
