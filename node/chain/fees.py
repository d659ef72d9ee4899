"""Fee rules that differ by fork: the next block's base fee and the blob market's parameters.

A QBFT chain runs Prague with a base fee fixed at 0; an imported chain follows EIP-1559 from
London and EIP-4844 from Cancun, with Prague's larger blob target (EIP-7691).
"""

from __future__ import annotations

from dataclasses import dataclass

from eth._utils.calculations import fake_exponential
from eth.abc import BlockHeaderAPI
from eth.vm.forks.cancun import constants as cancun
from eth.vm.forks.london.headers import calculate_expected_base_fee_per_gas
from eth.vm.forks.prague import constants as prague

from node.chain.forks import Fork


@dataclass(frozen=True)
class BlobParams:
    target_gas: int
    max_gas: int
    update_fraction: int

    def base_fee(self, excess_blob_gas: int) -> int:
        return fake_exponential(cancun.MIN_BLOB_BASE_FEE, excess_blob_gas, self.update_fraction)

    def next_excess(self, header: BlockHeaderAPI) -> int:
        return max(0, header.excess_blob_gas + header.blob_gas_used - self.target_gas)


CANCUN_BLOBS = BlobParams(
    cancun.TARGET_BLOB_GAS_PER_BLOCK,
    cancun.MAX_BLOB_GAS_PER_BLOCK,
    cancun.BLOB_BASE_FEE_UPDATE_FRACTION,
)
PRAGUE_BLOBS = BlobParams(
    prague.TARGET_BLOB_GAS_PER_BLOCK,
    prague.MAX_BLOB_GAS_PER_BLOCK,
    prague.BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE,
)


def blob_params(fork: Fork) -> BlobParams | None:
    """The blob market of ``fork``; None before Cancun (no blob transactions)."""
    if fork >= Fork.PRAGUE:
        return PRAGUE_BLOBS
    if fork >= Fork.CANCUN:
        return CANCUN_BLOBS
    return None


def next_base_fee(parent: BlockHeaderAPI, next_fork: Fork, fixed_zero: bool) -> int:
    """EIP-1559's base fee of the block after ``parent``; 0 before London and on QBFT."""
    if fixed_zero or next_fork < Fork.LONDON:
        return 0
    return calculate_expected_base_fee_per_gas(parent)
