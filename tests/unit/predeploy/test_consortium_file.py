"""Consortium files: the shipped sample and the errors a malformed file gets."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from client.contracts import Parameters
from genesis.consortium import ConsortiumError, load_consortium, parse_consortium
from genesis.dev_keys import dev_operator_key, dev_regulator_key, dev_regulator_root_key
from node.chain.seals import address_of

SAMPLE = Path(__file__).resolve().parents[3] / "genesis" / "consortium.toml"


def sample_document() -> dict[str, Any]:
    return tomllib.loads(SAMPLE.read_text())


def test_the_sample_has_24_exchanges_with_distinct_codes() -> None:
    consortium = load_consortium(SAMPLE)
    codes = [e.code for e in consortium.exchanges]
    assert len(codes) == len(set(codes)) == 24
    assert codes[:4] == ["SHDE", "SZDE", "BJIDE", "GYGBDE"]
    assert consortium.exchanges[0].name == "Shanghai Data Exchange"
    assert consortium.exchanges[3].city == "Guiyang"


def test_the_sample_is_marked_dev_only_and_uses_the_public_dev_keys() -> None:
    consortium = load_consortium(SAMPLE)
    assert consortium.dev_only is True
    assert "DEV ONLY" in SAMPLE.read_text()
    assert [e.operators for e in consortium.exchanges] == [
        (address_of(dev_operator_key(e.code)),) for e in consortium.exchanges
    ]
    assert consortium.regulator_root == address_of(dev_regulator_root_key())
    assert consortium.regulators == (
        address_of(dev_regulator_key(1)),
        address_of(dev_regulator_key(2)),
    )


def test_the_sample_parameters_and_governance_times() -> None:
    consortium = load_consortium(SAMPLE)
    assert consortium.parameters == Parameters(300, 200, 604_800, 2_592_000, 1_209_600)
    assert (consortium.proposal_lifetime, consortium.upgrade_delay) == (604_800, 172_800)


def test_the_code_is_stored_left_aligned_in_32_bytes() -> None:
    assert load_consortium(SAMPLE).exchanges[0].code_bytes == b"SHDE" + bytes(28)


def test_a_missing_regulator_root_is_named() -> None:
    document = sample_document()
    del document["regulation"]["root"]
    with pytest.raises(ConsortiumError, match=r"regulation\.root is not an address: None"):
        parse_consortium(document)


def test_a_bad_operator_address_is_named() -> None:
    document = sample_document()
    document["exchanges"][2]["operators"] = ["0x1234"]
    with pytest.raises(ConsortiumError, match=r"exchanges\[2\]\.operators\[0\] is not an address"):
        parse_consortium(document)


def test_an_exchange_without_operators_is_refused() -> None:
    document = sample_document()
    document["exchanges"][1]["operators"] = []
    with pytest.raises(ConsortiumError, match=r"exchanges\[1\]\.operators must name at least one"):
        parse_consortium(document)


def test_a_lower_case_code_is_refused() -> None:
    document = sample_document()
    document["exchanges"][0]["code"] = "shde"
    with pytest.raises(ConsortiumError, match="'shde' must be 1-32 upper-case letters or digits"):
        parse_consortium(document)


def test_two_exchanges_with_one_code_are_refused() -> None:
    document = sample_document()
    document["exchanges"][1]["code"] = "SHDE"
    with pytest.raises(ConsortiumError, match="two exchanges share a code"):
        parse_consortium(document)


def test_one_operator_for_two_exchanges_is_refused() -> None:
    document = sample_document()
    document["exchanges"][1]["operators"] = document["exchanges"][0]["operators"]
    with pytest.raises(ConsortiumError, match="an account operates for two exchanges"):
        parse_consortium(document)


def test_a_fee_cap_outside_uint16_is_refused() -> None:
    document = sample_document()
    document["parameters"]["listing_fee_cap_bps"] = 70_000
    with pytest.raises(ConsortiumError, match=r"parameters.listing_fee_cap_bps must be an integer"):
        parse_consortium(document)


def test_a_zero_upgrade_delay_is_refused() -> None:
    document = sample_document()
    document["governance"]["upgrade_delay"] = 0
    with pytest.raises(
        ConsortiumError, match=r"governance.upgrade_delay must be an integer in \[1,"
    ):
        parse_consortium(document)


def test_a_proposal_lifetime_over_ten_years_is_refused() -> None:
    document = sample_document()
    document["governance"]["proposal_lifetime"] = 10 * 365 * 86_400 + 1
    with pytest.raises(
        ConsortiumError,
        match=r"governance.proposal_lifetime must be an integer in \[1, 315360001\)",
    ):
        parse_consortium(document)


def test_a_proposal_lifetime_of_ten_years_is_accepted() -> None:
    document = sample_document()
    document["governance"]["proposal_lifetime"] = 10 * 365 * 86_400
    assert parse_consortium(document).proposal_lifetime == 315_360_000


def test_an_unreadable_file_is_a_consortium_error(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[regulation\n")
    with pytest.raises(ConsortiumError, match="cannot read consortium"):
        load_consortium(tmp_path / "bad.toml")
