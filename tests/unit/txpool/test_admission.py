"""Every refusal, with geth's exact message, and geth's order when several rules are broken."""

import dataclasses

import pytest
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth_utils import to_checksum_address

from node.chain.forks import Fork
from node.txpool import PoolRules, TxPool, TxPoolError
from node.txpool import errors as txpool_errors
from node.txpool.sender import SECP256K1_N

CHAIN_ID = 1337
TO = b"\x22" * 20
GWEI = 10**9
SECP256K1_P = 2**256 - 2**32 - 977


def rejection(pool, tx, reader) -> TxPoolError:
    with pytest.raises(TxPoolError) as error:
        pool.add(tx, reader)
    return error.value


def dynamic_fee(**overrides):
    fields = {
        "chain_id": CHAIN_ID,
        "nonce": 0,
        "max_priority_fee_per_gas": 0,
        "max_fee_per_gas": 0,
        "gas": 21_000,
        "to": TO,
        "value": 0,
        "data": b"",
        "access_list": [],
    }
    return PragueTransactionBuilder.new_unsigned_dynamic_fee_transaction(**fields | overrides)


def blob(**overrides):
    fields = {
        "chain_id": CHAIN_ID,
        "nonce": 0,
        "max_priority_fee_per_gas": 0,
        "max_fee_per_gas": 0,
        "gas": 21_000,
        "to": TO,
        "value": 0,
        "data": b"",
        "access_list": [],
        "max_fee_per_blob_gas": 1,
        "blob_versioned_hashes": [b"\x01" + b"\x00" * 31],
    }
    return PragueTransactionBuilder.new_unsigned_blob_transaction(**fields | overrides)


def set_code(wallet, **overrides):
    auth = wallet.authorization()
    fields = {
        "chain_id": CHAIN_ID,
        "nonce": 0,
        "max_priority_fee_per_gas": 0,
        "max_fee_per_gas": 0,
        "gas": 50_000,
        "to": TO,
        "value": 0,
        "data": b"",
        "access_list": [],
        "authorization_list": [
            {
                "chain_id": auth.chain_id,
                "address": auth.address,
                "nonce": auth.nonce,
                "y_parity": auth.y_parity,
                "r": auth.r,
                "s": auth.s,
            }
        ],
    }
    return PragueTransactionBuilder.new_unsigned_set_code_transaction(**fields | overrides)


def with_rules(**changes) -> TxPool:
    return TxPool(PoolRules(chain_id=CHAIN_ID, block_gas_limit=30_000_000, **changes))


def test_every_rule_has_its_own_stable_code():
    codes = [cls.code for cls in TxPoolError.__subclasses__()]

    assert len(codes) == len(set(codes))


def test_zero_fee_transactions_from_a_zero_balance_account_are_accepted(pool, reader, alice):
    txs = [
        alice.tx(0),
        alice.tx(1, gasPrice=0),
        alice.tx(2, type=1, gasPrice=0, accessList=[]),
        alice.tx(3, type=4, gas=50_000, authorizationList=[alice.authorization(4)]),
    ]

    hashes = [pool.add(tx, reader) for tx in txs]

    assert hashes == [tx.hash for tx in txs]
    assert pool.stats() == (4, 0)


def test_unprotected_legacy_transaction_is_rejected(pool, reader, alice):
    tx = alice.tx(gasPrice=0, chainId=None)

    assert str(rejection(pool, tx, reader)) == (
        "only replay-protected (EIP-155) transactions allowed over RPC"
    )


def test_unprotected_legacy_transaction_is_accepted_when_the_rules_allow_it(reader, alice):
    pool = with_rules(allow_unprotected=True)

    pool.add(alice.tx(gasPrice=0, chainId=None), reader)

    assert len(pool) == 1


def test_same_transaction_twice_is_already_known(pool, reader, alice):
    tx = alice.tx()
    pool.add(tx, reader)

    assert str(rejection(pool, tx, reader)) == "already known"


def test_blob_transaction_is_rejected_when_blobs_are_disabled(pool, reader, alice):
    assert str(rejection(pool, alice.sign(blob()), reader)) == (
        "transaction type not supported: blob transactions are disabled on this chain"
    )


def test_blob_transaction_is_accepted_when_blobs_are_enabled_and_blob_gas_is_paid(reader, alice):
    pool = with_rules(blobs_enabled=True)
    reader.balances[alice.address] = 131_072

    pool.add(alice.sign(blob()), reader)

    assert pool.stats() == (1, 0)


def test_blob_gas_is_never_free_so_a_zero_balance_cannot_pay_it(reader, alice):
    pool = with_rules(blobs_enabled=True)

    assert str(rejection(pool, alice.sign(blob()), reader)) == (
        "insufficient funds for gas * price + value: balance 0, tx cost 131072, overshot 131072"
    )


def test_blob_transaction_without_recipient_is_a_blob_create(reader, alice):
    pool = with_rules(blobs_enabled=True)

    assert str(rejection(pool, alice.sign(blob(to=b"")), reader)) == (
        "blob transaction of type create"
    )


def test_blob_fee_cap_of_zero_is_below_the_minimum_blob_price(reader, alice):
    pool = with_rules(blobs_enabled=True)

    assert str(rejection(pool, alice.sign(blob(max_fee_per_blob_gas=0)), reader)) == (
        "transaction gas price below minimum: blob fee cap 0, minimum needed 1"
    )


def test_blob_transaction_without_blob_hashes_is_rejected(reader, alice):
    pool = with_rules(blobs_enabled=True)

    assert str(rejection(pool, alice.sign(blob(blob_versioned_hashes=[])), reader)) == (
        "blob transaction missing blob hashes"
    )


def test_blob_transaction_with_more_blobs_than_a_block_holds_is_rejected(reader, alice):
    pool = with_rules(blobs_enabled=True)
    hashes = [b"\x01" + bytes([i]) * 31 for i in range(10)]

    assert str(rejection(pool, alice.sign(blob(blob_versioned_hashes=hashes)), reader)) == (
        "transaction blob limit exceeded: blob count 10, limit 9"
    )


def test_set_code_transaction_without_recipient_cannot_create_a_contract(pool, reader, alice):
    assert str(rejection(pool, alice.sign(set_code(alice, to=b"")), reader)) == (
        "EIP-7702 transaction cannot be used to create contract"
    )


def test_set_code_transaction_without_authorizations_is_rejected(pool, reader, alice):
    tx = alice.sign(set_code(alice, authorization_list=[]))

    assert str(rejection(pool, tx, reader)) == (
        "set code tx must have at least one authorization tuple"
    )


def test_transaction_over_128_kib_is_oversized_data(pool, reader, alice):
    tx = alice.tx(data=bytes(128 * 1024), gas=10_000_000)

    assert str(rejection(pool, tx, reader)) == (
        f"oversized data: transaction size {len(tx.encode())}, limit 131072"
    )


def test_contract_creation_with_init_code_over_49152_bytes_is_rejected(pool, reader, alice):
    tx = alice.tx(to=None, data=b"\x60" * 49_153, gas=5_000_000)

    assert str(rejection(pool, tx, reader)) == (
        "max initcode size exceeded: code size 49153 limit 49152"
    )


def test_gas_above_the_block_gas_limit_is_rejected(pool, reader, alice):
    assert str(rejection(pool, alice.tx(gas=30_000_001), reader)) == "exceeds block gas limit"


def test_fee_cap_above_256_bits_is_rejected(pool, reader, alice):
    tx = alice.sign(dynamic_fee(max_fee_per_gas=2**256))

    assert str(rejection(pool, tx, reader)) == "max fee per gas higher than 2^256-1"


def test_tip_above_256_bits_is_rejected(pool, reader, alice):
    tx = alice.sign(dynamic_fee(max_fee_per_gas=2**256 - 1, max_priority_fee_per_gas=2**256))

    assert str(rejection(pool, tx, reader)) == "max priority fee per gas higher than 2^256-1"


def test_tip_above_fee_cap_is_rejected(pool, reader, alice):
    tx = alice.tx(maxFeePerGas=1, maxPriorityFeePerGas=2)

    assert str(rejection(pool, tx, reader)) == (
        "max priority fee per gas higher than max fee per gas"
    )


def test_typed_transaction_signed_for_another_chain_has_an_invalid_sender(pool, reader, alice):
    assert str(rejection(pool, alice.tx(chainId=5), reader)) == (
        "invalid sender: invalid chain id for signer: have 5 want 1337"
    )


def test_legacy_transaction_signed_for_another_chain_has_an_invalid_sender(pool, reader, alice):
    assert str(rejection(pool, alice.tx(gasPrice=0, chainId=5), reader)) == (
        "invalid sender: invalid chain id for signer: have 5 want 1337"
    )


def test_high_s_signature_is_rejected_per_eip_2(pool, reader, alice):
    tx = alice.tx()
    malleated = tx.copy(s=SECP256K1_N - tx.s, y_parity=1 - tx.y_parity)

    assert str(rejection(pool, malleated, reader)) == (
        "invalid sender: invalid transaction v, r, s values"
    )


def test_y_parity_other_than_0_or_1_is_rejected(pool, reader, alice):
    tx = alice.tx().copy(y_parity=2)

    assert str(rejection(pool, tx, reader)) == (
        "invalid sender: invalid transaction v, r, s values"
    )


def test_signature_whose_r_is_not_on_the_curve_cannot_be_recovered(pool, reader, alice):
    r = next(x for x in range(1, 100) if pow(x**3 + 7, (SECP256K1_P - 1) // 2, SECP256K1_P) != 1)

    assert str(rejection(pool, alice.tx().copy(r=r), reader)) == "invalid sender: recovery failed"


def test_nonce_at_2_to_the_64_minus_1_has_max_value(pool, reader, alice):
    assert str(rejection(pool, alice.tx(2**64 - 1), reader)) == "nonce has max value"


def test_value_above_256_bits_is_insufficient_funds(pool, reader, alice):
    assert str(rejection(pool, alice.tx(value=2**256), reader)) == (
        "insufficient funds for gas * price + value"
    )


def test_gas_below_the_intrinsic_cost_is_rejected(pool, reader, alice):
    assert str(rejection(pool, alice.tx(gas=20_999), reader)) == (
        "intrinsic gas too low: gas 20999, minimum needed 21000"
    )


def test_intrinsic_cost_of_a_creation_counts_eip_3860_init_code_words(pool, reader, alice):
    # 21000 + 32000 creation + 64 non-zero bytes * 16 + 2 words * 2
    tx = alice.tx(to=None, data=b"\x60" * 64, gas=54_027)

    assert str(rejection(pool, tx, reader)) == (
        "intrinsic gas too low: gas 54027, minimum needed 54028"
    )


def test_intrinsic_cost_counts_access_list_entries(pool, reader, alice):
    access_list = [{"address": "0x" + "44" * 20, "storageKeys": ["0x" + "00" * 32]}]
    tx = alice.tx(type=1, gasPrice=0, accessList=access_list, gas=25_299)

    assert str(rejection(pool, tx, reader)) == (
        "intrinsic gas too low: gas 25299, minimum needed 25300"
    )


def test_intrinsic_cost_counts_each_authorization(pool, reader, alice):
    tx = alice.tx(type=4, gas=45_999, authorizationList=[alice.authorization()])

    assert str(rejection(pool, tx, reader)) == (
        "intrinsic gas too low: gas 45999, minimum needed 46000"
    )


def test_gas_below_the_eip_7623_calldata_floor_is_rejected(pool, reader, alice):
    # intrinsic 21000 + 1000 * 16 = 37000 is covered; floor is 21000 + 10 * 4 * 1000
    tx = alice.tx(data=b"\x01" * 1000, gas=40_000)

    assert str(rejection(pool, tx, reader)) == (
        "insufficient gas for floor data gas cost: gas 40000, minimum needed 61000"
    )


def test_tip_below_a_configured_minimum_is_rejected(reader, alice):
    pool = with_rules(min_tip=1)

    assert str(rejection(pool, alice.tx(), reader)) == (
        "transaction gas price below minimum: gas tip cap 0, minimum needed 1"
    )


def test_fee_cap_below_a_non_zero_base_fee_is_rejected(reader, alice):
    pool = with_rules(base_fee=7)

    assert str(rejection(pool, alice.tx(), reader)) == (
        "max fee per gas less than block base fee: "
        f"address {to_checksum_address(alice.address)}, maxFeePerGas: 0, baseFee: 7"
    )


def test_nonce_below_the_account_nonce_is_rejected_with_nonce_too_low(pool, reader, alice):
    reader.nonces[alice.address] = 3

    assert str(rejection(pool, alice.tx(1), reader)) == "nonce too low: next nonce 3, tx nonce 1"


def test_non_zero_tip_from_a_zero_balance_account_is_insufficient_funds(pool, reader, alice):
    tx = alice.tx(maxFeePerGas=GWEI, maxPriorityFeePerGas=GWEI)

    assert str(rejection(pool, tx, reader)) == (
        "insufficient funds for gas * price + value: "
        "balance 0, tx cost 21000000000000, overshot 21000000000000"
    )


def test_non_zero_gas_price_from_a_zero_balance_account_is_insufficient_funds(pool, reader, alice):
    assert str(rejection(pool, alice.tx(gasPrice=1), reader)) == (
        "insufficient funds for gas * price + value: balance 0, tx cost 21000, overshot 21000"
    )


def test_fee_cap_without_tip_is_charged_in_full_by_the_balance_check(pool, reader, alice):
    tx = alice.tx(maxFeePerGas=2, maxPriorityFeePerGas=0)

    assert str(rejection(pool, tx, reader)) == (
        "insufficient funds for gas * price + value: balance 0, tx cost 42000, overshot 42000"
    )


def test_pending_spending_counts_against_the_balance(pool, reader, alice):
    reader.balances[alice.address] = 30
    pool.add(alice.tx(0, value=20), reader)

    assert str(rejection(pool, alice.tx(1, value=20), reader)) == (
        "insufficient funds for gas * price + value: "
        "balance 30, queued cost 20, tx cost 20, overshot 10"
    )


def test_replacement_whose_extra_cost_exceeds_the_balance_is_rejected(pool, reader, alice):
    reader.balances[alice.address] = 21_050
    pool.add(alice.tx(0, value=100), reader)
    pool.add(alice.tx(1), reader)
    bumped = alice.tx(1, maxFeePerGas=1, maxPriorityFeePerGas=1)

    assert str(rejection(pool, bumped, reader)) == (
        "insufficient funds for gas * price + value: "
        "balance 21050, queued cost 100, tx bumped 21000, overshot 50"
    )


def test_new_nonce_beyond_the_per_sender_quota_is_rejected(reader, alice):
    pool = with_rules(max_per_sender=2)
    pool.add(alice.tx(0), reader)
    pool.add(alice.tx(5), reader)

    assert str(rejection(pool, alice.tx(1), reader)) == (
        "account limit exceeded: pooled 2 txs, the most one sender may hold"
    )


def test_replacement_is_allowed_at_the_per_sender_quota(reader, alice):
    pool = with_rules(max_per_sender=1)
    reader.balances[alice.address] = 10**18
    pool.add(alice.tx(0), reader)

    pool.add(alice.tx(0, maxFeePerGas=1, maxPriorityFeePerGas=1), reader)

    assert len(pool) == 1


def test_oversized_is_reported_before_a_wrong_chain_id(pool, reader, alice):
    tx = alice.tx(chainId=5, data=bytes(128 * 1024), gas=10_000_000)

    assert isinstance(rejection(pool, tx, reader), txpool_errors.OversizedData)


def test_block_gas_limit_is_reported_before_a_tip_above_the_fee_cap(pool, reader, alice):
    tx = alice.tx(gas=30_000_001, maxFeePerGas=1, maxPriorityFeePerGas=2)

    assert isinstance(rejection(pool, tx, reader), txpool_errors.GasLimitExceeded)


def test_invalid_sender_is_reported_before_low_intrinsic_gas(pool, reader, alice):
    tx = alice.tx(chainId=5, gas=20_000)

    assert isinstance(rejection(pool, tx, reader), txpool_errors.InvalidSender)


def test_stateless_rules_are_reported_before_a_low_nonce(pool, reader, alice):
    reader.nonces[alice.address] = 3

    assert isinstance(
        rejection(pool, alice.tx(1, gas=20_000), reader), txpool_errors.IntrinsicGasTooLow
    )


def test_low_nonce_is_reported_before_insufficient_funds(pool, reader, alice):
    reader.nonces[alice.address] = 3
    tx = alice.tx(1, maxFeePerGas=GWEI, maxPriorityFeePerGas=GWEI)

    assert isinstance(rejection(pool, tx, reader), txpool_errors.NonceTooLow)


def test_rejected_transaction_leaves_the_pool_unchanged(pool, reader, alice):
    pool.add(alice.tx(0), reader)

    rejection(pool, alice.tx(1, gas=20_000), reader)

    assert (len(pool), pool.stats()) == (1, (1, 0))


def test_error_code_names_the_rule(pool, reader, alice):
    reader.nonces[alice.address] = 1

    assert rejection(pool, alice.tx(0), reader).code == "nonce_too_low"


def test_rules_are_a_frozen_value(rules):
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.chain_id = 1


def test_before_prague_there_is_no_calldata_floor(reader, alice):
    pool = with_rules(fork=Fork.CANCUN)

    pool.add(alice.tx(data=b"\x01" * 1000, gas=40_000), reader)

    assert pool.stats() == (1, 0)


def test_a_cancun_pool_holds_at_most_six_blobs_per_transaction(reader, alice):
    pool = with_rules(blobs_enabled=True, fork=Fork.CANCUN)
    hashes = [b"\x01" + bytes([i]) * 31 for i in range(7)]

    assert str(rejection(pool, alice.sign(blob(blob_versioned_hashes=hashes)), reader)) == (
        "transaction blob limit exceeded: blob count 7, limit 6"
    )


def test_before_shanghai_init_code_is_neither_limited_nor_charged_per_word(reader, alice):
    pool = with_rules(fork=Fork.LONDON)
    # 49153 bytes of init code exceed Shanghai's limit; London charges only calldata for them
    tx = alice.tx(to=None, data=b"\x01" * 49_153, gas=21_000 + 32_000 + 16 * 49_153)

    pool.add(tx, reader)

    assert pool.stats() == (1, 0)
