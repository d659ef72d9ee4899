"""py-evm's VM for each fork of an imported Ethereum chain.

Blocks before the merge are imported without checking their proof of work (hive's chains are
pre-generated, and this node never mines): those VMs use py-evm's ``NoProofConsensus``. From
Paris on, py-evm's proof-of-stake header rules apply unchanged.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from eth.abc import VirtualMachineAPI
from eth.consensus.noproof import NoProofConsensus
from eth.vm.forks import (
    ArrowGlacierVM,
    BerlinVM,
    ByzantiumVM,
    CancunVM,
    ConstantinopleVM,
    FrontierVM,
    GrayGlacierVM,
    HomesteadVM,
    IstanbulVM,
    LondonVM,
    MuirGlacierVM,
    ParisVM,
    PetersburgVM,
    PragueVM,
    ShanghaiVM,
    SpuriousDragonVM,
    TangerineWhistleVM,
)

from node.chain.forks import Fork

STOCK_VMS: dict[Fork, type[VirtualMachineAPI]] = {
    Fork.FRONTIER: FrontierVM,
    Fork.HOMESTEAD: HomesteadVM,
    Fork.TANGERINE_WHISTLE: TangerineWhistleVM,
    Fork.SPURIOUS_DRAGON: SpuriousDragonVM,
    Fork.BYZANTIUM: ByzantiumVM,
    Fork.CONSTANTINOPLE: ConstantinopleVM,
    Fork.PETERSBURG: PetersburgVM,
    Fork.ISTANBUL: IstanbulVM,
    Fork.MUIR_GLACIER: MuirGlacierVM,
    Fork.BERLIN: BerlinVM,
    Fork.LONDON: LondonVM,
    Fork.ARROW_GLACIER: ArrowGlacierVM,
    Fork.GRAY_GLACIER: GrayGlacierVM,
    Fork.PARIS: ParisVM,
    Fork.SHANGHAI: ShanghaiVM,
    Fork.CANCUN: CancunVM,
    Fork.PRAGUE: PragueVM,
}


@cache
def vm_class_for(fork: Fork, dao_fork_block: int | None = None) -> type[VirtualMachineAPI]:
    """The VM of ``fork``; the DAO fork's irregular state change happens at ``dao_fork_block``
    when the chain supports it (geth's ``daoForkSupport``)."""
    stock = STOCK_VMS[fork]
    settings: dict[str, Any] = {}
    if fork < Fork.PARIS:
        settings["consensus_class"] = NoProofConsensus
    if Fork.HOMESTEAD <= fork < Fork.PARIS:
        settings["support_dao_fork"] = dao_fork_block is not None
        settings["_dao_fork_block_number"] = dao_fork_block
    return stock.configure(__name__=stock.__name__, **settings)
