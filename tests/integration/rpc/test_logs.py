"""eth_getLogs by address, topics and block hash, with geth's range rules."""

from __future__ import annotations

from eth_utils import keccak

from node.rpc.limits import RpcLimits
from node.rpc.log_filter import find_logs
from node.rpc.params import log_filter

RECORDED_TOPIC = "0x" + keccak(text="Recorded(address,bytes32,uint256)").hex()


def _topic(value: bytes) -> str:
    return "0x" + value.rjust(32, b"\x00").hex()


def _author(address: str) -> str:
    return _topic(bytes.fromhex(address[2:]))


def _keys(logs: list[dict]) -> list[tuple[str, str, str]]:
    """(block number, log index, key topic) of each log, to compare selections briefly."""
    return [(log["blockNumber"], log["logIndex"], log["topics"][2]) for log in logs]


def test_logs_by_address_are_the_contracts_logs_in_chain_order(recorded, kit) -> None:
    criteria = {"fromBlock": "earliest", "toBlock": "latest", "address": recorded.recorder}

    logs = recorded.node.rpc.result("eth_getLogs", criteria)

    assert _keys(logs) == [
        ("0x2", "0x0", _topic(kit.KEY_1)),
        ("0x2", "0x1", _topic(kit.KEY_2)),
        ("0x2", "0x2", _topic(kit.KEY_3)),
    ]


def test_a_log_has_geths_fields_in_geths_order(recorded, kit) -> None:
    block_hash = kit.hex(recorded.node.ledger.header_by_number(4).hash)
    criteria = {"fromBlock": "0x4", "toBlock": "0x4"}

    (log,) = recorded.node.rpc.result("eth_getLogs", criteria)

    assert list(log.items()) == [
        ("address", kit.BOB.address.lower()),
        ("topics", [RECORDED_TOPIC, _author(kit.ALICE.address), _topic(kit.KEY_4)]),
        ("data", "0x" + (11).to_bytes(32, "big").hex()),
        ("blockNumber", "0x4"),
        ("transactionHash", kit.hex(recorded.set_code.hash)),
        ("transactionIndex", "0x0"),
        ("blockHash", block_hash),
        ("logIndex", "0x0"),
        ("removed", False),
    ]


def test_logs_by_a_list_of_addresses_match_any_of_them(recorded, kit) -> None:
    criteria = {"fromBlock": "0x0", "address": [kit.BOB.address, "0x" + "99" * 20]}

    logs = recorded.node.rpc.result("eth_getLogs", criteria)

    assert _keys(logs) == [("0x4", "0x0", _topic(kit.KEY_4))]


def test_logs_by_topic_match_the_topic_at_its_position(recorded, kit) -> None:
    criteria = {"fromBlock": "0x0", "topics": [RECORDED_TOPIC, _author(kit.BOB.address)]}

    logs = recorded.node.rpc.result("eth_getLogs", criteria)

    assert _keys(logs) == [("0x2", "0x1", _topic(kit.KEY_2))]


def test_topic_alternatives_and_null_wildcards_match_as_geth_matches(recorded, kit) -> None:
    alternatives = [_topic(kit.KEY_1), _topic(kit.KEY_4)]
    criteria = {"fromBlock": "0x0", "topics": [None, [], alternatives]}

    logs = recorded.node.rpc.result("eth_getLogs", criteria)

    assert _keys(logs) == [("0x2", "0x0", _topic(kit.KEY_1)), ("0x4", "0x0", _topic(kit.KEY_4))]


def test_more_topic_positions_than_a_log_has_match_nothing(recorded) -> None:
    criteria = {"fromBlock": "0x0", "topics": [None, None, None, None]}

    assert recorded.node.rpc.result("eth_getLogs", criteria) == []


def test_logs_by_block_hash_are_that_blocks_logs(recorded, kit) -> None:
    block_hash = kit.hex(recorded.node.ledger.header_by_number(2).hash)

    logs = recorded.node.rpc.result("eth_getLogs", {"blockHash": block_hash})

    assert [log["logIndex"] for log in logs] == ["0x0", "0x1", "0x2"]


def test_an_unknown_block_hash_is_an_unknown_block(recorded) -> None:
    error = recorded.node.rpc.error("eth_getLogs", {"blockHash": "0x" + "de" * 32})

    assert error == {"code": -32000, "message": "unknown block"}


def test_a_block_hash_with_a_range_is_refused(recorded, kit) -> None:
    block_hash = kit.hex(recorded.node.ledger.header_by_number(2).hash)

    error = recorded.node.rpc.error("eth_getLogs", {"blockHash": block_hash, "fromBlock": "0x1"})

    assert error == {
        "code": -32602,
        "message": "invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock,"
        " choose one or the other",
    }


def test_a_range_that_ends_before_it_starts_is_refused(recorded) -> None:
    error = recorded.node.rpc.error("eth_getLogs", {"fromBlock": "0x3", "toBlock": "0x2"})

    assert error == {"code": -32602, "message": "invalid block range params"}


def test_a_range_beyond_the_head_is_refused(recorded) -> None:
    error = recorded.node.rpc.error("eth_getLogs", {"fromBlock": "0x1", "toBlock": "0x9"})

    assert error == {"code": -32602, "message": "block range extends beyond current head block"}


def test_a_range_wider_than_the_limit_is_refused(recorded, serve) -> None:
    client = serve(recorded.node.backend, RpcLimits(max_log_block_range=2))

    error = client.error("eth_getLogs", {"fromBlock": "0x1", "toBlock": "0x4"})

    assert error == {"code": -32602, "message": "exceed maximum block range 2"}


def test_a_range_as_wide_as_the_limit_is_served(recorded, serve) -> None:
    client = serve(recorded.node.backend, RpcLimits(max_log_block_range=2))

    logs = client.result("eth_getLogs", {"fromBlock": "0x2", "toBlock": "0x4"})

    assert len(logs) == 4


def test_more_logs_than_the_limit_are_refused_as_too_many_results(recorded, serve) -> None:
    client = serve(recorded.node.backend, RpcLimits(max_logs=3))

    error = client.error("eth_getLogs", {"fromBlock": "0x0", "toBlock": "0x4"})

    assert error == {"code": -32005, "message": "query returned more than 3 results"}


def test_as_many_logs_as_the_limit_are_served(recorded, serve) -> None:
    client = serve(recorded.node.backend, RpcLimits(max_logs=4))

    logs = client.result("eth_getLogs", {"fromBlock": "0x0", "toBlock": "0x4"})

    assert len(logs) == 4


def test_more_logs_in_one_block_by_hash_than_the_limit_are_refused(recorded, kit, serve) -> None:
    client = serve(recorded.node.backend, RpcLimits(max_logs=2))
    block_hash = kit.hex(recorded.node.ledger.header_by_number(2).hash)

    error = client.error("eth_getLogs", {"blockHash": block_hash})

    assert error == {"code": -32005, "message": "query returned more than 2 results"}


class ReceiptReads:
    """The ledger, noting which blocks' receipts are read."""

    def __init__(self, ledger) -> None:
        self._ledger = ledger
        self.numbers: list[int] = []

    def __getattr__(self, name: str):
        return getattr(self._ledger, name)

    def receipts(self, header):
        self.numbers.append(header.block_number)
        return self._ledger.receipts(header)


def test_eth_get_logs_answers_from_the_index_without_reading_a_receipt(recorded, kit) -> None:
    ledger = ReceiptReads(recorded.node.ledger)
    criteria = log_filter({"fromBlock": "0x0", "toBlock": "0x4", "topics": [RECORDED_TOPIC]})

    logs = find_logs(ledger, criteria, RpcLimits())

    assert (len(logs), ledger.numbers) == (4, [])


def test_more_than_four_topic_positions_are_refused(recorded) -> None:
    error = recorded.node.rpc.error("eth_getLogs", {"topics": [None] * 5})

    assert error == {"code": -32602, "message": "invalid argument 0: exceed max topics"}


def test_a_malformed_topic_is_refused_with_geths_text(recorded) -> None:
    error = recorded.node.rpc.error("eth_getLogs", {"topics": ["0x1234"]})

    assert error == {
        "code": -32602,
        "message": "invalid argument 0: hex has invalid length 2 after decoding;"
        " expected 32 for topic",
    }
