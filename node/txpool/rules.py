"""What the pool accepts and how much it holds: one frozen value per node configuration."""

import dataclasses
from dataclasses import dataclass

from eth.abc import BlockHeaderAPI

from node.chain.chain_reader import ChainReader
from node.chain.fees import blob_params
from node.chain.forks import Fork

TX_SLOT_SIZE = 32 * 1024
"""Pool capacity is counted in 32 KiB slots (as geth), so large transactions cost more room."""


@dataclass(frozen=True)
class PoolRules:
    """Admission and capacity rules; defaults follow geth's legacy pool where one applies.

    - `base_fee`: the least fee cap admitted; 0 on a QBFT chain, so fee caps of 0 are valid.
    - `min_tip`: geth's `--txpool.pricelimit` (1 wei there); 0 on QBFT, since gas is free and
      a zero-balance account must be able to transact.
    - `blobs_enabled`: type-3 transactions are refused unless set (no blob market on QBFT).
    - `allow_unprotected`: pre-EIP-155 legacy transactions are replayable on any chain; refused
      like geth's RPC does unless `--rpc.allow-unprotected-txs` is set.
    - `max_slots`: total capacity in `TX_SLOT_SIZE` slots; geth's GlobalSlots + GlobalQueue is
      5120, larger here because validators build blocks of hundreds of transactions.
    - `max_per_sender`: pending + queued transactions per account. geth only guarantees 16
      pending slots and bounds the queue at 64, but lets an account hold more pending ones while
      the pool has room; a fixed cap that a benchmark or a busy gateway account does not hit
      in one block keeps that behaviour predictable (``dcl run --txpool-max-per-sender``).
    - `sender_rate`, `sender_burst`: gas is free, so nothing prices a sender's flood; each
      sender has a token bucket refilled at `sender_rate` transactions a second and holding
      at most `sender_burst` (``--txpool-sender-rate``, ``--txpool-sender-burst``). Every
      transaction the pool takes, a replacement too, spends one; a refused one spends none.
    - `max_tx_bytes`: geth's txMaxSize, 128 KiB of encoded transaction.
    - `price_bump_percent`: geth's `--txpool.pricebump`; with zero fees a replacement must
      still raise both fee cap and tip, so 0 -> 0 is "replacement transaction underpriced".
    - `fork`: the rules of the next block (Prague on QBFT): EIP-3860's init-code limits apply
      from Shanghai, EIP-7623's calldata floor from Prague, and the blob limit is the fork's.
    - `full_refresh_interval`: a new head rereads the nonces of the senders it included (and
      of those whose transaction the builder dropped); every this many heads it rereads them
      all, since a nonce also moves without a transaction of the sender's own: an EIP-7702
      authorization, or a CREATE run by code delegated to the account.
    """

    chain_id: int
    block_gas_limit: int
    base_fee: int = 0
    min_tip: int = 0
    blobs_enabled: bool = False
    allow_unprotected: bool = False
    max_slots: int = 8192
    max_per_sender: int = 1024
    sender_rate: float = 50.0
    sender_burst: int = 500
    max_tx_bytes: int = 4 * TX_SLOT_SIZE
    price_bump_percent: int = 10
    full_refresh_interval: int = 64
    fork: Fork = Fork.PRAGUE


@dataclass(frozen=True)
class SenderQuotas:
    """The per-sender limits an operator sets (``dcl run --txpool-*``)."""

    max_per_sender: int = PoolRules.max_per_sender
    sender_rate: float = PoolRules.sender_rate
    sender_burst: int = PoolRules.sender_burst


GETH_MIN_TIP = 1
"""geth's default ``--txpool.pricelimit``, in wei."""


def rules_for_chain(
    reader: ChainReader, head: BlockHeaderAPI, quotas: SenderQuotas | None = None
) -> PoolRules:
    """A QBFT chain's pool takes free transactions and no blobs. An imported chain's follows
    geth's defaults: a tip of at least 1 wei, a fee cap below the base fee waits in the pool
    rather than being refused (geth prices it out, it does not reject it), and blob
    transactions once the next block's fork has a blob market."""
    limits = dataclasses.asdict(quotas or SenderQuotas())
    if reader.is_qbft:
        return PoolRules(
            chain_id=reader.chain_id, block_gas_limit=reader.genesis.gas_limit, **limits
        )
    fork = reader.next_fork(head)
    return PoolRules(
        chain_id=reader.chain_id,
        block_gas_limit=head.gas_limit,
        min_tip=GETH_MIN_TIP,
        blobs_enabled=blob_params(fork) is not None,
        fork=fork,
        **limits,
    )
