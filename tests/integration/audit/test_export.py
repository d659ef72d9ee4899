"""`dcl audit export` on the market scenario's stopped node: the export read back (with the
csv module, with pyarrow, as JSON lines) equals the events the gateway serves a regulator and
those the node's own eth_getLogs served, decoded through EventDecoder; a second run adds
exactly the events of the new blocks; and every refusal leaves the export directory as it
was."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from client.contracts import encode_exchange_code
from node.chain.genesis import load_genesis
from node.chain.ledger import Ledger
from node.datadir import DataDir
from node.storage.leveldb import LevelDB
from tests.integration.audit.conftest import FORMATS, AuditChain, audit_export, snapshot
from tests.support.gateway import GatewayClient, gateway_url, replayed_events
from tests.support.market_node import regulator
from tests.support.node_process import make_network, running_node

COMMON = ("block_number", "block_timestamp", "transaction_hash", "log_index", "contract")


def read_jsonl(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]


def read_csv(out: Path) -> list[dict[str, Any]]:
    with (out / "events.csv").open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    return [
        {
            **row,
            "block_number": int(row["block_number"]),
            "block_timestamp": int(row["block_timestamp"]),
            "log_index": int(row["log_index"]),
            "exchanges": row["exchanges"].split(";") if row["exchanges"] else [],
            "parties": row["parties"].split(";") if row["parties"] else [],
            "fields": json.loads(row["fields"]),
        }
        for row in rows
    ]


def parquet_parts(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.parquet"))


def read_parquet(out: Path) -> list[dict[str, Any]]:
    rows = [
        row for part in parquet_parts(out / "events") for row in pq.read_table(part).to_pylist()
    ]
    return [
        {
            **row,
            "block_timestamp": int(row["block_timestamp"].timestamp()),
            "fields": json.loads(row["fields"]),
        }
        for row in rows
    ]


READERS = {"jsonl": read_jsonl, "csv": read_csv, "parquet": read_parquet}


def records(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The expected rows: everything but the decoded values themselves."""
    return [{key: value for key, value in e.items() if key != "args"} for e in events]


@pytest.fixture(scope="module")
def second(audit_chain: AuditChain, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each format's first export, copied, then brought up to date by a second run."""
    root = tmp_path_factory.mktemp("second")
    done = {}
    for chosen in FORMATS:
        out = root / chosen
        shutil.copytree(audit_chain.exports / f"{chosen}-first", out)
        done[chosen] = (out, audit_export(audit_chain.datadir, out, chosen))
    return done


@pytest.fixture(scope="module")
def served(audit_chain: AuditChain, tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """Every event the gateway serves a regulator (``GET /v1/events``), from a node run on a
    copy of the scenario's data directory after both stages."""
    copy = tmp_path_factory.mktemp("served") / "node"
    shutil.copytree(audit_chain.datadir, copy)
    with running_node(copy, "--no-empty-blocks", "--gateway", "127.0.0.1:0") as node:
        client = GatewayClient(gateway_url(node))
        frames = replayed_events(client, client.sign_in(regulator()), fromBlock="1")
    return [frame["data"] for frame in frames]


def as_served(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Exported rows as the gateway's events say the same things."""
    return [
        (r["block_number"], r["log_index"], r["transaction_hash"], r["contract"], r["event"],
         r["exchanges"], r["parties"], r["fields"])
        for r in rows
    ]  # fmt: skip


def gateway_rows(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (e["block"], e["logIndex"], e["transactionHash"], e["contract"], e["event"],
         e["exchanges"], e["parties"], e["args"])
        for e in events
    ]  # fmt: skip


@pytest.mark.parametrize("chosen", FORMATS)
def test_the_first_export_equals_the_events_the_gateway_serves_a_regulator(
    audit_chain: AuditChain, served: list[dict[str, Any]], chosen: str
) -> None:
    exported = READERS[chosen](audit_chain.exports / f"{chosen}-first")
    first = [e for e in served if e["block"] <= audit_chain.first_head]
    assert as_served(exported) == gateway_rows(first)
    assert len(first) == len(audit_chain.first_events)


@pytest.mark.parametrize("chosen", FORMATS)
def test_a_second_export_adds_exactly_the_events_the_gateway_serves_for_the_new_blocks(
    audit_chain: AuditChain, served: list[dict[str, Any]], second: dict[str, Any], chosen: str
) -> None:
    out, done = second[chosen]
    assert done.returncode == 0, done.stderr
    previous = len(READERS[chosen](audit_chain.exports / f"{chosen}-first"))
    added = READERS[chosen](out)[previous:]
    new = [e for e in served if e["block"] > audit_chain.first_head]
    assert as_served(added) == gateway_rows(new)
    assert len(new) == len(audit_chain.new_events) > 0


@pytest.mark.parametrize("chosen", FORMATS)
def test_the_first_export_equals_the_events_eth_getlogs_served(
    audit_chain: AuditChain, chosen: str
) -> None:
    exported = READERS[chosen](audit_chain.exports / f"{chosen}-first")
    assert exported == records(audit_chain.first_events)


def test_the_scenario_exports_every_kind_of_market_record(audit_chain: AuditChain) -> None:
    kinds = Counter((e["contract"], e["event"]) for e in audit_chain.first_events)
    assert kinds[("DataProductRegistry", "ProductApproved")] == 2
    assert kinds[("TradeSettlement", "TradeSettled")] == 2
    assert kinds[("TradeSettlement", "DisputeResolved")] == 1
    assert kinds[("AuthorizationRegistry", "UseRecorded")] == 2
    assert kinds[("ExportBasisRegistry", "ExportBasisRegistered")] == 1


def test_an_order_event_names_both_exchanges_and_both_parties(audit_chain: AuditChain) -> None:
    exported = read_jsonl(audit_chain.exports / "jsonl-first")
    paid = [e for e in exported if e["event"] == "BillPaid"]
    assert [(e["exchanges"], len(e["parties"])) for e in paid] == [(["SHDE", "SZDE"], 2)] * 2


def test_the_parquet_table_of_an_event_type_holds_its_fields_in_typed_columns(
    audit_chain: AuditChain,
) -> None:
    folder = audit_chain.exports / "parquet-first" / "by_event" / "TradeSettlement.TradeSettled"
    table = pa.concat_tables(pq.read_table(part) for part in parquet_parts(folder))
    assert table.schema.field("certificate.amount").type == pa.decimal256(39, 0)
    assert table.schema.field("certificate.legs.supplier").type == pa.decimal256(39, 0)
    settled = [e["args"] for e in audit_chain.first_events if e["event"] == "TradeSettled"]
    columns = [
        "orderId",
        "billNo",
        "certificate.amount",
        "certificate.currency",
        "certificate.buyerExchange",
        "certificate.legs.buyerRefund",
        "certificate.legs.listingFee",
        "certificate.legs.buyerExchangeFee",
        "certificate.legs.supplier",
    ]
    assert table.select(columns).to_pylist() == [
        {
            "orderId": Decimal(a["orderId"]),
            "billNo": a["billNo"],
            "certificate.amount": Decimal(a["certificate"]["amount"]),
            "certificate.currency": "0x" + a["certificate"]["currency"].hex(),
            "certificate.buyerExchange": "0x" + encode_exchange_code("SZDE").hex(),
            **{
                f"certificate.legs.{leg}": Decimal(value)
                for leg, value in a["certificate"]["legs"].items()
            },
        }
        for a in settled
    ]
    assert [row["certificate.legs.buyerRefund"] for row in table.to_pylist()] == [
        Decimal(0),
        Decimal(400_000),
    ]


def test_each_event_type_table_has_one_row_per_event_of_that_type(
    audit_chain: AuditChain,
) -> None:
    by_event = audit_chain.exports / "parquet-first" / "by_event"
    counted = {
        folder.name: sum(pq.read_table(part).num_rows for part in parquet_parts(folder))
        for folder in by_event.iterdir()
    }
    expected = Counter(f"{e['contract']}.{e['event']}" for e in audit_chain.first_events)
    assert counted == dict(expected)


@pytest.mark.parametrize("chosen", FORMATS)
def test_a_second_export_adds_exactly_the_events_of_the_new_blocks(
    audit_chain: AuditChain, second: dict[str, Any], chosen: str
) -> None:
    out, done = second[chosen]
    assert done.returncode == 0, done.stderr
    assert READERS[chosen](out) == records(audit_chain.first_events + audit_chain.new_events)
    assert len(audit_chain.new_events) > 0
    assert all(e["block_number"] > audit_chain.first_head for e in audit_chain.new_events)


@pytest.mark.parametrize("chosen", FORMATS)
def test_a_second_export_leaves_the_first_runs_bytes_untouched(
    audit_chain: AuditChain, second: dict[str, Any], chosen: str
) -> None:
    before = snapshot(audit_chain.exports / f"{chosen}-first")
    after = snapshot(second[chosen][0])
    for name, content in before.items():
        if name != "manifest.json":
            assert after[name][: len(content)] == content


def test_a_second_parquet_export_adds_a_part_file_per_directory(second: dict[str, Any]) -> None:
    out = second["parquet"][0]
    assert [p.name for p in parquet_parts(out / "events")] == [
        "part-000001-0001.parquet",
        "part-000002-0001.parquet",
    ]


def test_the_manifest_records_the_format_chain_and_last_block(
    audit_chain: AuditChain, second: dict[str, Any]
) -> None:
    manifest = json.loads((second["csv"][0] / "manifest.json").read_text())
    last = audit_chain.new_events[-1]["block_number"]
    assert (manifest["format"], manifest["last_block"], manifest["runs"]) == ("csv", last, 2)
    genesis = load_genesis(audit_chain.datadir / "genesis.json")
    with closing(LevelDB(DataDir(audit_chain.datadir).chaindata)) as db:
        ledger = Ledger(db, genesis)
        assert manifest["genesis_hash"] == "0x" + ledger.genesis_hash.hex()
        assert manifest["last_hash"] == "0x" + ledger.head().hash.hex()


def test_an_export_with_no_new_block_changes_nothing(
    audit_chain: AuditChain, second: dict[str, Any]
) -> None:
    out = second["jsonl"][0]
    before = snapshot(out)
    done = audit_export(audit_chain.datadir, out, "jsonl")
    assert (done.returncode, snapshot(out) == before) == (0, True)
    assert "nothing new" in done.stdout


def test_the_first_export_says_how_many_events_of_which_blocks(
    audit_chain: AuditChain, tmp_path: Path
) -> None:
    done = audit_export(audit_chain.datadir, tmp_path / "out", "jsonl")
    total = len(audit_chain.first_events) + len(audit_chain.new_events)
    last = audit_chain.new_events[-1]["block_number"]
    assert f"exported {total} events of blocks 1..{last}" in done.stdout


def assert_refused(out: Path, done: Any, message: str, before: dict[str, bytes]) -> None:
    assert done.returncode == 1
    assert f"dcl: error: {message}" in done.stderr
    assert snapshot(out) == before


def test_a_data_directory_in_use_is_refused(audit_chain: AuditChain) -> None:
    assert audit_chain.in_use.returncode == 1
    assert "is in use by another process" in audit_chain.in_use.stderr
    assert audit_chain.in_use_after == audit_chain.in_use_before


def test_a_format_change_is_refused(audit_chain: AuditChain, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    shutil.copytree(audit_chain.exports / "csv-first", out)
    before = snapshot(out)
    done = audit_export(audit_chain.datadir, out, "parquet")
    message = "the export holds csv, not parquet: export parquet to another directory"
    assert_refused(out, done, message, before)


def test_an_export_of_another_chain_is_refused(audit_chain: AuditChain, tmp_path: Path) -> None:
    other = make_network(tmp_path / "other")
    genesis = load_genesis(other / "genesis.json")
    with closing(LevelDB(DataDir(other).chaindata)) as db:
        other_hash = Ledger(db, genesis).genesis_hash
    out = tmp_path / "jsonl"
    shutil.copytree(audit_chain.exports / "jsonl-first", out)
    before = snapshot(out)
    ours = json.loads(before["manifest.json"])["genesis_hash"]
    done = audit_export(other, out, "jsonl")
    message = (
        f"the export is of the chain with genesis {ours}, this data directory holds the chain"
        f" with genesis 0x{other_hash.hex()}"
    )
    assert_refused(out, done, message, before)


def test_an_export_of_a_chain_reorganised_under_it_is_refused(
    audit_chain: AuditChain, tmp_path: Path
) -> None:
    out = tmp_path / "fork-export"
    assert audit_export(audit_chain.fork, out, "jsonl").returncode == 0
    before = snapshot(out)
    manifest = json.loads(before["manifest.json"])
    last = manifest["last_block"]
    genesis = load_genesis(audit_chain.datadir / "genesis.json")
    with closing(LevelDB(DataDir(audit_chain.datadir).chaindata)) as db:
        header = Ledger(db, genesis).header_by_number(last)
        assert header is not None
        ours = "0x" + header.hash.hex()
    done = audit_export(audit_chain.datadir, out, "jsonl")
    message = (
        f"block {last} is {ours} in this chain but {manifest['last_hash']} in the export:"
        " the chain was reorganised under it"
    )
    assert_refused(out, done, message, before)


def test_an_export_beyond_the_head_of_the_chain_is_refused(
    audit_chain: AuditChain, tmp_path: Path
) -> None:
    out = tmp_path / "jsonl"
    shutil.copytree(audit_chain.exports / "jsonl-first", out)
    before = snapshot(out)
    genesis = load_genesis(audit_chain.fork / "genesis.json")
    with closing(LevelDB(DataDir(audit_chain.fork).chaindata)) as db:
        fork_head = Ledger(db, genesis).head().block_number
    done = audit_export(audit_chain.fork, out, "jsonl")
    message = (
        f"the chain ends at block {fork_head}, before the export's last block"
        f" {audit_chain.first_head}"
    )
    assert_refused(out, done, message, before)


def test_a_directory_that_is_not_initialised_is_refused(tmp_path: Path) -> None:
    done = audit_export(tmp_path / "nothing", tmp_path / "out", "jsonl")
    assert done.returncode == 1
    assert "is not initialised: run `dcl init` first" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_data_directory_whose_node_never_ran_is_refused(tmp_path: Path) -> None:
    datadir = make_network(tmp_path / "fresh")
    done = audit_export(datadir, tmp_path / "out", "jsonl")
    assert done.returncode == 1
    assert f"dcl: error: {datadir} holds no chain yet (run the node once)" in done.stderr
    assert not (tmp_path / "out").exists()
