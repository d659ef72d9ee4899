import pytest
import rlp
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from hypothesis import given
from hypothesis import strategies as st

from node.txpool import TxPoolError, decode_raw_transaction
from node.txpool.errors import InvalidEncoding, TxTypeNotSupported


def decode(raw: bytes, blobs_enabled: bool = False) -> object:
    return decode_raw_transaction(raw, PragueTransactionBuilder, blobs_enabled=blobs_enabled)


def blob_raw(wallet) -> bytes:
    unsigned = PragueTransactionBuilder.new_unsigned_blob_transaction(
        chain_id=1337,
        nonce=0,
        max_priority_fee_per_gas=0,
        max_fee_per_gas=0,
        gas=21_000,
        to=b"\x22" * 20,
        value=0,
        data=b"",
        access_list=[],
        max_fee_per_blob_gas=1,
        blob_versioned_hashes=[b"\x01" + b"\x00" * 31],
    )
    return unsigned.as_signed_transaction(wallet.private_key).encode()


def test_each_transaction_type_decodes_back_to_its_wire_bytes(alice):
    raws = [
        alice.raw(gasPrice=0),
        alice.raw(type=1, gasPrice=0, accessList=[]),
        alice.raw(),
        alice.raw(type=4, gas=50_000, authorizationList=[alice.authorization()]),
    ]

    assert [decode(raw).encode() for raw in raws] == raws


def test_empty_input_is_an_invalid_encoding():
    with pytest.raises(InvalidEncoding) as error:
        decode(b"")

    assert str(error.value) == "invalid transaction encoding: empty input"


def test_trailing_bytes_after_a_typed_transaction_are_an_invalid_encoding(alice):
    with pytest.raises(InvalidEncoding) as error:
        decode(alice.raw() + b"\x00")

    assert str(error.value) == (
        "invalid transaction encoding: 1 trailing bytes after the transaction"
    )


def test_trailing_bytes_after_a_legacy_transaction_are_an_invalid_encoding(alice):
    with pytest.raises(InvalidEncoding) as error:
        decode(alice.raw(gasPrice=0) + b"\x80")

    assert str(error.value) == (
        "invalid transaction encoding: 1 trailing bytes after the transaction"
    )


def test_truncated_typed_transaction_is_malformed_rlp(alice):
    with pytest.raises(InvalidEncoding) as error:
        decode(alice.raw()[:-1])

    assert str(error.value) == "invalid transaction encoding: malformed RLP"


def test_truncated_legacy_transaction_is_malformed_rlp(alice):
    with pytest.raises(InvalidEncoding) as error:
        decode(alice.raw(gasPrice=0)[:-1])

    assert str(error.value) == "invalid transaction encoding: malformed RLP"


def test_rlp_list_with_missing_fields_has_the_wrong_number_of_fields():
    with pytest.raises(InvalidEncoding) as error:
        decode(b"\x02\xc0")

    assert str(error.value) == "invalid transaction encoding: wrong number of transaction fields"


def test_legacy_list_with_an_extra_field_has_the_wrong_number_of_fields(alice):
    fields = rlp.decode(alice.raw(gasPrice=0))

    with pytest.raises(InvalidEncoding) as error:
        decode(rlp.encode([*fields, b"\x01"]))

    assert str(error.value) == "invalid transaction encoding: wrong number of transaction fields"


def test_rlp_string_in_place_of_a_legacy_list_is_an_invalid_encoding():
    with pytest.raises(InvalidEncoding) as error:
        decode(rlp.encode(b"not a transaction"))

    assert str(error.value) == (
        "invalid transaction encoding: a legacy transaction must be an RLP list"
    )


def test_integer_with_a_leading_zero_byte_is_a_malformed_field(alice):
    fields = rlp.decode(alice.raw(gasPrice=0))
    fields[2] = b"\x00" + fields[2]  # gas 21000 as 00 52 08

    with pytest.raises(InvalidEncoding) as error:
        decode(rlp.encode(fields))

    assert str(error.value) == "invalid transaction encoding: malformed field: gas"


def test_list_in_place_of_an_integer_field_is_an_invalid_encoding(alice):
    fields = rlp.decode(alice.raw(gasPrice=0))
    fields[2] = [fields[2]]

    with pytest.raises(InvalidEncoding) as error:
        decode(rlp.encode(fields))

    assert str(error.value) == "invalid transaction encoding: malformed transaction fields"


def test_address_of_the_wrong_length_is_a_malformed_field(alice):
    fields = rlp.decode(alice.raw(gasPrice=0))
    fields[3] = b"\x22" * 19

    with pytest.raises(InvalidEncoding) as error:
        decode(rlp.encode(fields))

    assert str(error.value) == "invalid transaction encoding: malformed field: to"


def test_unknown_type_byte_is_not_supported(alice):
    with pytest.raises(TxTypeNotSupported) as error:
        decode(b"\x05" + alice.raw()[1:])

    assert str(error.value) == "transaction type not supported"


def test_typed_envelope_of_type_zero_is_not_supported(alice):
    with pytest.raises(TxTypeNotSupported) as error:
        decode(b"\x00" + alice.raw()[1:])

    assert str(error.value) == "transaction type not supported"


def test_blob_transaction_is_refused_by_its_type_byte_when_blobs_are_disabled(alice):
    with pytest.raises(TxTypeNotSupported) as error:
        decode(blob_raw(alice))

    assert str(error.value) == (
        "transaction type not supported: blob transactions are disabled on this chain"
    )


def test_blob_transaction_with_a_sidecar_is_refused_when_blobs_are_disabled():
    network_form = b"\x03" + rlp.encode([[b"tx"], [b"blob"], [b"commitment"], [b"proof"]])

    with pytest.raises(TxTypeNotSupported):
        decode(network_form)


def test_blob_transaction_decodes_when_blobs_are_enabled(alice):
    raw = blob_raw(alice)

    assert decode(raw, blobs_enabled=True).encode() == raw


def test_decode_error_is_a_txpool_error_with_a_stable_code():
    with pytest.raises(TxPoolError) as error:
        decode(b"")

    assert error.value.code == "invalid_encoding"


@given(st.binary(max_size=300))
def test_arbitrary_bytes_either_decode_canonically_or_raise_a_txpool_error(raw):
    try:
        tx = decode(raw)
    except TxPoolError:
        return
    assert tx.encode() == raw


@given(data=st.data())
def test_corrupted_transactions_decode_canonically_or_raise_a_txpool_error(alice, data):
    raw = bytearray(
        data.draw(
            st.sampled_from(
                [
                    alice.raw(gasPrice=0),
                    alice.raw(type=1, gasPrice=0, accessList=[]),
                    alice.raw(data=b"payload"),
                    alice.raw(type=4, gas=50_000, authorizationList=[alice.authorization()]),
                ]
            )
        )
    )
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(0, len(raw)))]

    try:
        tx = decode(bytes(raw))
    except TxPoolError:
        return
    assert tx.encode() == raw
