"""What must hold in a data directory after any crash: the head and everything it points to."""

from __future__ import annotations

from eth.db.trie import make_trie_root_and_nodes

from node.chain.ledger import Ledger
from node.storage.log_index import matching_logs

RECENT_BLOCKS = 3


def assert_head_is_whole(ledger: Ledger) -> None:
    """The head block, its receipts, its state and its indexes are all present and agree."""
    head = ledger.head()
    assert head.state_root in ledger.db, "state root of the head is missing"
    state = ledger.state_at(head)
    for number in range(max(1, head.block_number - RECENT_BLOCKS), head.block_number + 1):
        header = ledger.header_by_number(number)
        assert header is not None, f"canonical block {number} is missing"
        block = ledger.block(header)
        receipts = ledger.receipts(header)
        assert len(receipts) == len(block.transactions)
        assert make_trie_root_and_nodes(block.transactions)[0] == header.transaction_root
        assert make_trie_root_and_nodes(receipts)[0] == header.receipt_root
        gas = receipts[-1].gas_used if receipts else 0
        assert gas == header.gas_used
        for index, tx in enumerate(block.transactions):
            assert ledger.transaction_location(tx.hash) == (number, index)
            assert state.get_nonce(tx.sender) > tx.nonce, "the head state misses a transaction"
        logs = [
            (log.address, tuple(topic.to_bytes(32, "big") for topic in log.topics), log.data)
            for receipt in receipts
            for log in receipt.logs
        ]
        indexed = matching_logs(ledger.db, number, number, [], [])
        assert [(log.address, log.topics, log.data) for log in indexed] == logs
        for address, topics, _ in logs:
            by_address = matching_logs(ledger.db, number, number, [address], [])
            assert sum(1 for _ in by_address) == sum(1 for log in logs if log[0] == address)
            for slot, topic in enumerate(topics):
                wanted = [None] * slot + [[topic]]
                by_topic = matching_logs(ledger.db, number, number, [], wanted)
                assert sum(1 for _ in by_topic) == sum(
                    1 for log in logs if len(log[1]) > slot and log[1][slot] == topic
                )
