"""Trade certificates, verified offline against the genesis file alone (mutual recognition).

``verify_certificate(document, genesis) -> Verdict`` takes the parsed certificate JSON and the
parsed genesis JSON; the checks and their order are in :mod:`client.certificate.verify`.
"""

from client.certificate.document import FORMAT_VERSION
from client.certificate.genesis import GenesisFileError, TrustAnchor, trust_anchor
from client.certificate.verdict_json import VerdictFormatError, verdict_from_json, verdict_json
from client.certificate.verify import (
    CertificateCheckFailed,
    Check,
    Verdict,
    check_certificate,
    verify_certificate,
)

__all__ = [
    "FORMAT_VERSION",
    "CertificateCheckFailed",
    "Check",
    "GenesisFileError",
    "TrustAnchor",
    "Verdict",
    "VerdictFormatError",
    "check_certificate",
    "trust_anchor",
    "verdict_from_json",
    "verdict_json",
    "verify_certificate",
]
