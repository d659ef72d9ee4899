"""Gateway figures, each with its peer from the same run.

Trade certificates (``benchmarks/certificates.py``): generation and verification rates on a
chain of settled trades with a validator-set change, against plain ``eth_getProof``-style
proofs of the same state.

Usage: ``.venv/bin/python benchmarks/gateway.py [certificate options, see certificates.py]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.certificates import main as certificate_rates

if __name__ == "__main__":
    certificate_rates()
