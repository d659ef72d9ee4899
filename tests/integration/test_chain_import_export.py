"""``dcl import-chain``, ``dcl export-chain`` and ``dcl run`` on a chain without QBFT, as
operators run them: real processes, real LevelDB, the execution-apis test chain."""

from __future__ import annotations

import json
from pathlib import Path

import rlp
from eth.vm.forks.cancun.blocks import CancunBlock

from tests.support.node_process import make_network, run_dcl, running_node, wait_for
from tests.support.rpc import rpc
from tests.support.rpc_compat import FIXTURES

GENESIS = FIXTURES / "genesis.json"
CHAIN = FIXTURES / "chain.rlp"
HEAD_HASH = "0x8f64c4436f7213cfdf02cfb9f45d012f1774dfb329b8803de5e7479b11586902"
HEAD_STATE_ROOT = "0x5ecd3199a7bbfd931736b92d5447d80610c6eaff932819eb3e2379d1d931f972"
HEAD_LINE = f"head #20 {HEAD_HASH} state root {HEAD_STATE_ROOT}"


def import_chain(datadir: Path, chain: Path = CHAIN) -> str:
    result = run_dcl("import-chain", "--genesis", GENESIS, "--datadir", datadir, chain)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def fixture_blocks() -> list[bytes]:
    data = CHAIN.read_bytes()
    blocks, offset = [], 0
    while offset < len(data):
        _, _, end = rlp.codec.consume_item(data, offset)
        blocks.append(data[offset:end])
        offset = end
    return blocks


def test_importing_the_test_chain_reaches_its_recorded_head(tmp_path: Path) -> None:
    assert import_chain(tmp_path / "node") == f"imported 20 blocks (0 already held); {HEAD_LINE}"


def test_importing_the_same_file_again_imports_nothing(tmp_path: Path) -> None:
    import_chain(tmp_path / "node")
    assert import_chain(tmp_path / "node") == f"imported 0 blocks (20 already held); {HEAD_LINE}"


def test_export_then_import_reproduces_the_head_hash_and_state_root(tmp_path: Path) -> None:
    import_chain(tmp_path / "first")
    exported = run_dcl("export-chain", "--datadir", tmp_path / "first", tmp_path / "all.rlp")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("exported blocks 0..20 (")
    reimported = import_chain(tmp_path / "second", tmp_path / "all.rlp")
    assert reimported == f"imported 20 blocks (1 already held); {HEAD_LINE}"


def test_an_export_of_blocks_1_to_20_is_the_imported_file_byte_for_byte(tmp_path: Path) -> None:
    import_chain(tmp_path / "node")
    out = tmp_path / "part.rlp"
    result = run_dcl(
        "export-chain", "--datadir", tmp_path / "node", out, "--from", "1", "--to", "20"
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == CHAIN.read_bytes()


def test_an_export_beyond_the_head_is_refused_and_writes_no_file(tmp_path: Path) -> None:
    import_chain(tmp_path / "node")
    out = tmp_path / "out.rlp"
    result = run_dcl("export-chain", "--datadir", tmp_path / "node", out, "--to", "21")
    assert result.returncode == 1
    assert result.stderr == (
        "dcl: error: cannot export blocks 0..21: the chain holds blocks 0..20\n"
    )
    assert not out.exists()


def test_a_block_failing_validation_is_named_and_nothing_of_it_is_imported(
    tmp_path: Path,
) -> None:
    blocks = fixture_blocks()
    bad = rlp.decode(blocks[2], sedes=CancunBlock)
    forged_root = b"\x11" * 32
    forged = bad.copy(header=bad.header.copy(state_root=forged_root))
    chain = tmp_path / "forged.rlp"
    chain.write_bytes(blocks[0] + blocks[1] + rlp.encode(forged) + blocks[3])

    result = run_dcl("import-chain", "--genesis", GENESIS, "--datadir", tmp_path / "node", chain)

    assert result.returncode == 1
    executed = "0x" + bad.header.state_root.hex()
    assert result.stderr.splitlines()[-1] == (
        f"dcl: error: block #3 is invalid: state_root is 0x{forged_root.hex()},"
        f" executing the block gives {executed}"
    )
    exported = run_dcl("export-chain", "--datadir", tmp_path / "node", tmp_path / "out.rlp")
    assert exported.stdout.startswith("exported blocks 0..2 (")


def test_a_truncated_chain_file_is_refused_with_the_offset_of_the_bad_block(
    tmp_path: Path,
) -> None:
    blocks = fixture_blocks()
    chain = tmp_path / "truncated.rlp"
    chain.write_bytes(blocks[0] + blocks[1][:-5])

    result = run_dcl("import-chain", "--genesis", GENESIS, "--datadir", tmp_path / "node", chain)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"dcl: error: chain file byte {len(blocks[0])}: truncated block: 5 bytes missing"
    )


def test_export_refuses_the_data_directory_of_a_running_node(tmp_path: Path) -> None:
    import_chain(tmp_path / "node")
    with running_node(tmp_path / "node"):
        result = run_dcl("export-chain", "--datadir", tmp_path / "node", tmp_path / "out.rlp")
    assert result.returncode == 1
    assert "is in use by another process" in result.stderr
    assert not (tmp_path / "out.rlp").exists()


def test_a_node_without_qbft_serves_the_imported_head_as_safe_and_finalized(
    tmp_path: Path,
) -> None:
    import_chain(tmp_path / "node")
    with running_node(tmp_path / "node") as node:
        tags = {tag: rpc(node.rpc_url, "eth_getBlockByNumber", tag, False) for tag in
                ("latest", "safe", "finalized")}  # fmt: skip
    assert {tag: block["hash"] for tag, block in tags.items()} == {  # type: ignore[index]
        "latest": HEAD_HASH,
        "safe": HEAD_HASH,
        "finalized": HEAD_HASH,
    }


def test_a_node_without_qbft_pools_transactions_but_produces_no_blocks(tmp_path: Path) -> None:
    import_chain(tmp_path / "node")
    send = json.loads(
        (FIXTURES / "eth_sendRawTransaction" / "send-legacy-transaction.io")
        .read_text()
        .splitlines()[1][3:]
    )
    with running_node(tmp_path / "node") as node:
        tx_hash = rpc(node.rpc_url, "eth_sendRawTransaction", *send["params"])
        wait_for(lambda: rpc(node.rpc_url, "txpool_status") == {"pending": "0x1", "queued": "0x0"})
        assert node.process.poll() is None
        assert rpc(node.rpc_url, "eth_blockNumber") == "0x14"
        assert rpc(node.rpc_url, "eth_getTransactionReceipt", tx_hash) is None
    assert not any("producing" in line or "sealed" in line for line in node.log_lines)


def test_a_qbft_chain_exported_from_a_validator_reimports_with_its_seals(tmp_path: Path) -> None:
    """A regulator's copy: the sealed blocks of a stopped validator, imported onto the same
    genesis with every commit seal checked, export back to the same bytes."""
    validator = make_network(tmp_path)
    with running_node(validator) as node:
        wait_for(lambda: int(str(rpc(node.rpc_url, "eth_blockNumber")), 16) >= 3)
    exported = run_dcl("export-chain", "--datadir", validator, tmp_path / "qbft.rlp")
    assert exported.returncode == 0, exported.stderr
    genesis = tmp_path / "network" / "genesis.json"
    imported = run_dcl(
        "import-chain", "--genesis", genesis, "--datadir", tmp_path / "copy", tmp_path / "qbft.rlp"
    )
    assert imported.returncode == 0, imported.stderr
    again = run_dcl("export-chain", "--datadir", tmp_path / "copy", tmp_path / "again.rlp")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again.rlp").read_bytes() == (tmp_path / "qbft.rlp").read_bytes()


def test_fee_suggestions_on_an_imported_chain_meet_its_pools_minimum_tip(tmp_path: Path) -> None:
    import_chain(tmp_path / "node")
    with running_node(tmp_path / "node") as node:
        tip = rpc(node.rpc_url, "eth_maxPriorityFeePerGas")
        price = rpc(node.rpc_url, "eth_gasPrice")
    assert (tip, price) == ("0x1", hex(0x44103F2 + 1))


def test_a_missing_chain_file_is_refused_before_the_data_directory_is_created(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "missing.rlp"
    result = run_dcl("import-chain", "--genesis", GENESIS, "--datadir", tmp_path / "node", missing)
    assert result.returncode == 1
    assert result.stderr == f"dcl: error: [Errno 2] No such file or directory: '{missing}'\n"
    assert not (tmp_path / "node").exists()
