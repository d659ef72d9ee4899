"""Trade certificates end to end: a real chain (the node's ledger on LevelDB, py-evm executing
the predeployed system contracts, transactions signed by eth-account, blocks sealed by real
commit seals) on which a trade settles after the registry added a fifth validator; the
certificate the node builds verifies offline against the genesis file alone, and every kind of
tampering fails at the first check the documented order names."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import rlp

from client.certificate import Check, GenesisFileError, trust_anchor, verify_certificate
from client.certificate.verify import __doc__ as VERIFY_DOC
from client.cli import main as dcl_client
from node.certificate import (
    MissingChainData,
    NotAQbftChain,
    OrderNotSettled,
    UnknownOrder,
    ValidatorSetHistory,
    build_trade_certificate,
)
from node.chain.genesis import load_genesis
from node.chain.header import QbftBlockHeader, commit_seal_digest
from node.chain.ledger import Ledger
from node.chain.seals import address_of, sign_digest
from node.storage.leveldb import LevelDB
from tests.support.certificate_chain import (
    ARBITRAL_AWARD,
    BUYER_ACCOUNT,
    PARTIAL,
    PRICE,
    REFUND,
    MarketChain,
    add_fifth_validator,
    call,
    delivered_order,
    h,
    market_genesis,
    open_chain,
    order_request,
    regulator,
    set_up_market,
    validator_key,
)

ROOT = Path(__file__).resolve().parents[2]
SETTLED_ORDER = 1
SETTLEMENT_BLOCK = 5
CHANGE_BLOCK = 4


@dataclass
class Story:
    genesis: dict[str, Any]
    chain: MarketChain
    settled: dict[str, Any]
    """Built right after the settlement (as of the settlement block)."""
    disputed: dict[str, Any]
    """Built after the buyer raised a dispute on the settled bill."""
    awarded: dict[str, Any]
    """Built after a regulator recorded an arbitral award refunding part of the amount."""


def settle_after_validator_change(chain: MarketChain) -> None:
    """Blocks 1-5: the market, order 1 delivered, validator 5 added by the registry in block 4,
    and order 1 confirmed in block 5, sealed by validators 2-5 (the new one included)."""
    set_up_market(chain)
    delivered_order(chain, SETTLED_ORDER, "first")
    add_fifth_validator(chain)
    chain.sealers = (2, 3, 4, 5)
    chain.block(call("TradeSettlement", "confirm", BUYER_ACCOUNT, SETTLED_ORDER, 0))


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    genesis = market_genesis()
    chain = open_chain(tmp_path_factory.mktemp("certificate") / "ledger", genesis)
    settle_after_validator_change(chain)
    settled = build_trade_certificate(chain.ledger, SETTLED_ORDER)
    chain.block(
        call("TradeSettlement", "createOrder", BUYER_ACCOUNT, order_request(1, chain.timestamp))
    )
    chain.block(
        call("TradeSettlement", "raiseDispute", BUYER_ACCOUNT, SETTLED_ORDER, 0, h("incomplete"))
    )
    disputed = build_trade_certificate(chain.ledger, SETTLED_ORDER)
    chain.block(
        call(
            "TradeSettlement",
            "recordAward",
            regulator(),
            SETTLED_ORDER,
            0,
            ARBITRAL_AWARD,
            PARTIAL,
            REFUND,
            h("award"),
        )
    )
    awarded = build_trade_certificate(chain.ledger, SETTLED_ORDER)
    yield Story(genesis, chain, settled, disputed, awarded)
    chain.ledger.db.close()


@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The same trade on another chain: same chain id, same DEV ONLY validator keys, a genesis
    that differs only by one more funded account."""
    genesis = market_genesis(extra_funded=[bytes.fromhex("00" * 19 + "42")])
    chain = open_chain(tmp_path_factory.mktemp("foreign") / "ledger", genesis)
    settle_after_validator_change(chain)
    yield build_trade_certificate(chain.ledger, SETTLED_ORDER)
    chain.ledger.db.close()


def verdict_of(document: dict[str, Any], story: Story) -> tuple[bool, Check | None]:
    verdict = verify_certificate(document, story.genesis)
    return verdict.valid, verdict.failed_check


# -- a valid certificate ---------------------------------------------------------------------


def test_a_fresh_certificate_verifies_against_the_genesis_file(story: Story) -> None:
    verdict = verify_certificate(story.settled, story.genesis)
    assert (verdict.valid, verdict.failed_check, verdict.detail) == (True, None, "")
    assert (verdict.block_number, verdict.as_of_block) == (SETTLEMENT_BLOCK, SETTLEMENT_BLOCK)
    assert verdict.block_hash == story.chain.ledger.header_by_number(SETTLEMENT_BLOCK).hash


def test_the_certificate_carries_the_decoded_settlement_of_the_order(story: Story) -> None:
    settlement = story.settled["settlement"]
    assert (settlement["orderId"], settlement["billNo"]) == (SETTLED_ORDER, 0)
    assert settlement["by"] == BUYER_ACCOUNT.address
    assert settlement["certificate"]["amount"] == PRICE
    assert settlement["certificate"]["currency"] == "0x" + b"CNY".hex()
    assert settlement["certificate"]["legs"] == {
        "buyerRefund": 0,
        "listingFee": 31_250,
        "buyerExchangeFee": 18_750,
        "supplier": 1_200_000,
    }


def test_the_validator_set_change_of_the_registry_is_in_the_chain_of_trust(story: Story) -> None:
    [change] = story.settled["validatorSetChanges"]
    header = rlp.decode(bytes.fromhex(change["header"][2:]))
    assert int.from_bytes(header[8], "big") == CHANGE_BLOCK
    new_set = sorted(address_of(validator_key(i)) for i in range(1, 6))
    proven = [entry["value"] for entry in change["proof"]["storageProof"]]
    assert proven == ["0x" + (5).to_bytes(32, "big").hex()] + [
        "0x" + address.rjust(32, b"\0").hex() for address in new_set
    ]


def test_without_the_set_change_the_new_validators_seal_is_not_trusted(story: Story) -> None:
    document = copy.deepcopy(story.settled)
    document["validatorSetChanges"] = []
    verdict = verify_certificate(document, story.genesis)
    assert verdict.failed_check == Check.BLOCK_SEALS
    assert "lists a set other than the one valid then" in verdict.detail


def test_the_certificate_survives_a_json_round_trip(story: Story) -> None:
    document = json.loads(json.dumps(story.settled))
    assert verdict_of(document, story) == (True, None)


# -- tampering: the first failing check in the documented order -------------------------------


def hex_leaves(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from hex_leaves(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from hex_leaves(inner, (*path, index))
    elif isinstance(value, str) and value.startswith("0x"):
        yield path


def lookup(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


def with_flipped_byte(document: dict[str, Any], path: tuple[Any, ...], position: int) -> Any:
    tampered = copy.deepcopy(document)
    data = bytearray(bytes.fromhex(lookup(tampered, path)[2:]))
    data[position] ^= 0x01
    lookup(tampered, path[:-1])[path[-1]] = "0x" + data.hex()
    return tampered


def positions(length: int) -> list[int]:
    """First, last and evenly spread bytes: a changed byte anywhere must be caught."""
    return sorted(
        {0, 1, length // 4, length // 2, 3 * length // 4, length - 1} & set(range(length))
    )


def seal_span(raw_header: str) -> range:
    """Byte positions of the commit seals inside a raw header (they end its extraData)."""
    header = bytes.fromhex(raw_header[2:])
    extra = rlp.decode(rlp.decode(header)[12])
    first = header.index(extra[4][0])
    return range(first, first + 65 * len(extra[4]))


def _all_bytes(document: dict[str, Any], path: tuple[Any, ...]) -> range:
    return range(len(bytes.fromhex(lookup(document, path)[2:])))


def _header_outside_seals(document: dict[str, Any], path: tuple[Any, ...]) -> list[int]:
    seals = seal_span(lookup(document, path))
    return [p for p in _all_bytes(document, path) if p not in seals]


def _seal_bytes(document: dict[str, Any], path: tuple[Any, ...]) -> range:
    return seal_span(lookup(document, path))


PositionsOf = Callable[[dict[str, Any], tuple[Any, ...]], Any]
TAMPERED_PARTS: dict[str, tuple[tuple[Any, ...], PositionsOf, Check]] = {
    "raw log": (("log",), _all_bytes, Check.RECEIPT_LOG),
    "transaction": (("transaction", "raw"), _all_bytes, Check.TRANSACTION_INCLUSION),
    "transaction proof": (("transaction", "proof"), _all_bytes, Check.TRANSACTION_INCLUSION),
    "receipt": (("receipt", "raw"), _all_bytes, Check.RECEIPT_PROOF),
    "receipt proof": (("receipt", "proof"), _all_bytes, Check.RECEIPT_PROOF),
    "header": (("block", "header"), _header_outside_seals, Check.BLOCK_SEALS),
    "seals": (("block", "header"), _seal_bytes, Check.BLOCK_SEALS),
    "validator-set header": (
        ("validatorSetChanges", 0, "header"),
        _all_bytes,
        Check.VALIDATOR_SET,
    ),
    "validator-set proofs": (("validatorSetChanges", 0, "proof"), _all_bytes, Check.VALIDATOR_SET),
    "as-of header": (("currentState", "header"), _all_bytes, Check.AS_OF_SEALS),
    "current-state proofs": (("currentState", "proof"), _all_bytes, Check.CURRENT_STATE),
}


@pytest.mark.parametrize("part", sorted(TAMPERED_PARTS))
def test_a_changed_byte_fails_at_the_check_of_its_part(story: Story, part: str) -> None:
    prefix, positions_of, expected = TAMPERED_PARTS[part]
    outcomes = set()
    tried = 0
    for path in hex_leaves(lookup(story.settled, prefix), prefix):
        for position in positions(len(positions_of(story.settled, path))):
            chosen = list(positions_of(story.settled, path))[position]
            outcomes.add(verdict_of(with_flipped_byte(story.settled, path, chosen), story))
            tried += 1
    assert tried >= 6
    assert outcomes == {(False, expected)}


def mutated(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value.startswith("0x"):
        last = int(value[-1], 16) ^ 1
        return value[:-1] + f"{last:x}"
    return value + "x"


def scalar_leaves(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from scalar_leaves(inner, (*path, key))
    else:
        yield path


@pytest.mark.parametrize(
    ("part", "expected"),
    [(("settlement",), Check.SETTLEMENT), (("currentState", "state"), Check.CURRENT_STATE)],
    ids=["settlement", "current state"],
)
def test_a_changed_decoded_field_fails_at_its_check(
    story: Story, part: tuple[str, ...], expected: Check
) -> None:
    outcomes = set()
    leaves = list(scalar_leaves(lookup(story.settled, part), part))
    for path in leaves:
        tampered = copy.deepcopy(story.settled)
        lookup(tampered, path[:-1])[path[-1]] = mutated(lookup(tampered, path))
        outcomes.add(verdict_of(tampered, story))
    assert len(leaves) >= 9
    assert outcomes == {(False, expected)}


def test_a_log_index_pointing_elsewhere_fails_the_receipt_log_check(story: Story) -> None:
    tampered = copy.deepcopy(story.settled)
    tampered["log"]["indexInReceipt"] += 1
    assert verdict_of(tampered, story) == (False, Check.RECEIPT_LOG)


def test_a_transaction_index_pointing_elsewhere_fails_the_inclusion_check(story: Story) -> None:
    tampered = copy.deepcopy(story.settled)
    tampered["transaction"]["index"] += 1
    assert verdict_of(tampered, story) == (False, Check.TRANSACTION_INCLUSION)


def test_another_format_version_fails_the_format_check(story: Story) -> None:
    tampered = {**story.settled, "format": "dcl-trade-certificate/2"}
    assert verdict_of(tampered, story) == (False, Check.FORMAT)


def test_a_missing_part_fails_the_format_check(story: Story) -> None:
    tampered = {key: value for key, value in story.settled.items() if key != "receipt"}
    verdict = verify_certificate(tampered, story.genesis)
    assert (verdict.failed_check, verdict.detail) == (
        Check.FORMAT,
        "certificate.receipt is missing",
    )


def test_the_checks_run_in_the_order_the_module_documents() -> None:
    documented = re.findall(r"(?m)^\d+\. ``([a-z-]+)``", VERIFY_DOC or "")
    assert documented == [check.value for check in Check]


def test_the_readme_documents_the_same_order() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Checks, in order")[1].split("\n## ")[0]
    assert re.findall(r"(?m)^\d+\. `([a-z-]+)`", section) == [check.value for check in Check]


# -- seals: quorum, membership, other chains ---------------------------------------------------


def resealed_header(
    raw_header: str, keys: list[bytes] | None = None, keep: int | None = None
) -> str:
    """The header with its seals replaced by ``keys``' seals or cut to the first ``keep``."""
    fields = rlp.decode(bytes.fromhex(raw_header[2:]))
    extra = rlp.decode(fields[12])
    if keys is not None:
        header = rlp.decode(bytes.fromhex(raw_header[2:]), sedes=QbftBlockHeader)
        digest = commit_seal_digest(header)
        extra[4] = [sign_digest(key, digest) for key in keys]
    else:
        extra[4] = extra[4][:keep]
    fields[12] = rlp.encode(extra)
    return "0x" + rlp.encode(fields).hex()


def test_too_few_seals_fail_the_block_seals_check(story: Story) -> None:
    tampered = copy.deepcopy(story.settled)
    tampered["block"]["header"] = resealed_header(tampered["block"]["header"], keep=3)
    verdict = verify_certificate(tampered, story.genesis)
    assert (verdict.failed_check, verdict.detail) == (
        Check.BLOCK_SEALS,
        "3 commit seals, quorum is 4",
    )


def test_seals_of_non_validators_fail_the_block_seals_check(story: Story) -> None:
    tampered = copy.deepcopy(story.settled)
    outsiders = [validator_key(i) for i in range(6, 10)]
    tampered["block"]["header"] = resealed_header(tampered["block"]["header"], keys=outsiders)
    verdict = verify_certificate(tampered, story.genesis)
    assert (verdict.failed_check, verdict.detail) == (
        Check.BLOCK_SEALS,
        f"seal by 0x{address_of(outsiders[0]).hex()}, which is not a validator",
    )


def test_one_validator_sealing_twice_counts_once(story: Story) -> None:
    tampered = copy.deepcopy(story.settled)
    twice = [validator_key(i) for i in (2, 2, 3, 4)]
    tampered["block"]["header"] = resealed_header(tampered["block"]["header"], keys=twice)
    verdict = verify_certificate(tampered, story.genesis)
    assert (verdict.failed_check, verdict.detail) == (
        Check.BLOCK_SEALS,
        f"0x{address_of(twice[0]).hex()} sealed twice",
    )


def test_a_certificate_of_another_genesis_fails_the_chain_check(
    story: Story, foreign: dict[str, Any]
) -> None:
    assert foreign["chainId"] == story.settled["chainId"]
    verdict = verify_certificate(foreign, story.genesis)
    assert (verdict.failed_check, verdict.detail) == (
        Check.CHAIN,
        "the genesis hash is not the genesis file's",
    )


def test_seals_of_the_same_keys_on_another_chain_are_refused_by_their_vanity(
    story: Story, foreign: dict[str, Any]
) -> None:
    relabelled = {**foreign, "genesisHash": story.settled["genesisHash"]}
    verdict = verify_certificate(relabelled, story.genesis)
    assert (verdict.failed_check, verdict.detail) == (
        Check.VALIDATOR_SET,
        "vanity is not the genesis hash (a header of another chain)",
    )


def test_the_foreign_certificate_is_valid_on_its_own_chain(foreign: dict[str, Any]) -> None:
    genesis = market_genesis(extra_funded=[bytes.fromhex("00" * 19 + "42")])
    assert verify_certificate(foreign, genesis).valid is True


# -- a later dispute or refund shows -------------------------------------------------------------


def test_the_certificate_at_settlement_shows_no_dispute(story: Story) -> None:
    assert story.settled["currentState"]["state"] == {
        "orderStatus": "Accepted",
        "frozen": False,
        "grantRevoked": False,
        "billStatus": "Settled",
        "dispute": "None",
        "cleared": False,
        "amount": PRICE,
        "refund": 0,
        "settledAt": story.settled["settlement"]["certificate"]["settledAt"],
    }


def test_a_dispute_raised_later_shows_in_a_fresh_certificate(story: Story) -> None:
    verdict = verify_certificate(story.disputed, story.genesis)
    assert (verdict.valid, verdict.block_number, verdict.as_of_block) == (True, 5, 7)
    assert verdict.state["dispute"] == "Open"
    assert verdict.state["billStatus"] == "Settled"


def test_a_partial_refund_by_award_shows_in_a_fresh_certificate(story: Story) -> None:
    verdict = verify_certificate(story.awarded, story.genesis)
    assert (verdict.valid, verdict.as_of_block) == (True, 8)
    assert verdict.state == {
        "orderStatus": "Accepted",
        "frozen": False,
        "grantRevoked": True,
        "billStatus": "Settled",
        "dispute": "Resolved",
        "cleared": True,
        "amount": PRICE,
        "refund": REFUND,
        "settledAt": story.settled["settlement"]["certificate"]["settledAt"],
    }


def test_after_the_award_the_certificate_anchors_on_the_final_settlement(story: Story) -> None:
    verdict = verify_certificate(story.awarded, story.genesis)
    assert verdict.block_number == 8
    assert verdict.settlement["certificate"]["legs"] == {
        "buyerRefund": REFUND,
        "listingFee": 21_250,
        "buyerExchangeFee": 12_750,
        "supplier": 816_000,
    }


def test_the_proven_state_equals_the_contracts_views(story: Story) -> None:
    bill = story.chain.view("TradeSettlement", "bill", SETTLED_ORDER, 0)
    order = story.chain.view("TradeSettlement", "order", SETTLED_ORDER)
    state = story.awarded["currentState"]["state"]
    assert (bill["status"], bill["dispute"], bill["cleared"]) == (4, 2, True)
    assert (bill["amount"], bill["refund"], bill["settledAt"]) == (
        state["amount"],
        state["refund"],
        state["settledAt"],
    )
    assert (order["status"], order["frozen"], order["grantRevoked"]) == (2, False, True)


def test_an_old_certificate_stays_valid_as_of_its_block(story: Story) -> None:
    verdict = verify_certificate(story.settled, story.genesis)
    assert (verdict.valid, verdict.as_of_block, verdict.state["dispute"]) == (True, 5, "None")


# -- refusals when building ----------------------------------------------------------------------


def test_an_unknown_order_has_no_certificate(story: Story) -> None:
    with pytest.raises(UnknownOrder, match="there is no order 99 \\(2 orders\\)"):
        build_trade_certificate(story.chain.ledger, 99)


def test_an_order_that_has_not_settled_has_no_certificate(story: Story) -> None:
    with pytest.raises(OrderNotSettled, match="order 2 has not settled"):
        build_trade_certificate(story.chain.ledger, 2)


def test_a_bill_that_has_not_settled_has_no_certificate(story: Story) -> None:
    with pytest.raises(OrderNotSettled, match="bill 1 of order 1 has not settled"):
        build_trade_certificate(story.chain.ledger, SETTLED_ORDER, bill_no=1)


def test_missing_state_is_reported_not_certified(tmp_path: Path) -> None:
    chain = open_chain(tmp_path / "ledger", market_genesis())
    try:
        settle_after_validator_change(chain)
        del chain.ledger.db[chain.ledger.head().state_root]
        with pytest.raises(MissingChainData, match="the state of block #5"):
            build_trade_certificate(chain.ledger, SETTLED_ORDER)
    finally:
        chain.ledger.db.close()


# -- the command -------------------------------------------------------------------------------


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path


def test_the_command_prints_valid_with_the_as_of_block_and_settlement(
    story: Story, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    certificate = write(tmp_path / "cert.json", story.disputed)
    genesis = write(tmp_path / "genesis.json", story.genesis)
    assert dcl_client(["verify-certificate", str(certificate), "--genesis", str(genesis)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "valid"
    assert lines[2] == "as of block       7"
    assert f"settlement.certificate.amount  {PRICE}" in lines
    assert "state.dispute  Open" in lines


def test_the_command_names_the_failed_check_and_exits_1(
    story: Story, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tampered = copy.deepcopy(story.settled)
    tampered["block"]["header"] = resealed_header(tampered["block"]["header"], keep=3)
    certificate = write(tmp_path / "cert.json", tampered)
    genesis = write(tmp_path / "genesis.json", story.genesis)
    assert dcl_client(["verify-certificate", str(certificate), "--genesis", str(genesis)]) == 1
    assert capsys.readouterr().out == "invalid: block-seals: 3 commit seals, quorum is 4\n"


def test_the_command_refuses_a_genesis_that_is_not_qbft_with_exit_2(
    story: Story, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    certificate = write(tmp_path / "cert.json", story.settled)
    genesis = write(tmp_path / "genesis.json", {"config": {"chainId": 1}})
    assert dcl_client(["verify-certificate", str(certificate), "--genesis", str(genesis)]) == 2
    assert capsys.readouterr().err == (
        f"dcl-client: error: {genesis} is not a QBFT genesis: genesis must have config.chainId"
        " and config.qbft (a QBFT chain)\n"
    )


def test_verify_refuses_a_genesis_without_validators(story: Story) -> None:
    genesis = copy.deepcopy(story.genesis)
    genesis["extraData"] = "0x" + rlp.encode([bytes(32), [], [], b"", []]).hex()
    with pytest.raises(GenesisFileError, match="extraData must list distinct validators"):
        verify_certificate(story.settled, genesis)


def test_a_trust_anchor_computed_once_gives_the_same_verdict(story: Story) -> None:
    anchor = trust_anchor(story.genesis)
    assert verify_certificate(story.disputed, anchor) == verify_certificate(
        story.disputed, story.genesis
    )


def shaped_paths(value: Any, path: tuple[Any, ...], depth: int) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if depth == 0:
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from shaped_paths(inner, (*path, key), depth - 1)
    elif isinstance(value, list):
        for index, inner in enumerate(value[:2]):
            yield from shaped_paths(inner, (*path, index), depth - 1)


def test_any_part_of_the_wrong_type_gives_a_verdict_not_an_exception(story: Story) -> None:
    anchor = trust_anchor(story.genesis)
    failed = set()
    paths = list(shaped_paths(story.settled, (), 4))
    for path in paths:
        for replacement in (None, -1, 2**300, "0xzz", [], {}):
            tampered = copy.deepcopy(story.settled)
            lookup(tampered, path[:-1])[path[-1]] = replacement
            verdict = verify_certificate(tampered, anchor)
            assert verdict.valid is False, (path, replacement)
            failed.add(verdict.failed_check)
    assert len(paths) >= 60
    assert {Check.FORMAT, Check.SETTLEMENT, Check.CURRENT_STATE} <= failed


def test_a_document_that_is_not_an_object_fails_the_format_check(story: Story) -> None:
    verdict = verify_certificate(["not", "a", "certificate"], story.genesis)
    assert (verdict.failed_check, verdict.detail) == (Check.FORMAT, "certificate.format is missing")


def test_the_set_change_is_found_from_the_headers_alone(story: Story) -> None:
    history = ValidatorSetHistory()
    assert history.changes_before(story.chain.ledger, CHANGE_BLOCK) == ()
    assert history.changes_before(story.chain.ledger, CHANGE_BLOCK + 1) == (CHANGE_BLOCK,)
    assert history.changes_before(story.chain.ledger, 8) == (CHANGE_BLOCK,)
    assert history.changes_before(story.chain.ledger, 2) == ()


def test_a_chain_without_qbft_seals_has_no_certificates(tmp_path: Path) -> None:
    genesis = load_genesis(ROOT / "tests" / "fixtures" / "rpc-compat" / "genesis.json")
    ledger = Ledger(LevelDB(tmp_path / "ethereum"), genesis)
    try:
        with pytest.raises(NotAQbftChain, match="this chain has no QBFT seals to certify with"):
            build_trade_certificate(ledger, 1)
    finally:
        ledger.db.close()
