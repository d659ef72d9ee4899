"""Data Circulation Ledger node."""

import os

# eth-hash prefers pycryptodome, whose per-call overhead is six times that of pysha3's C
# keccak; a block hashes tens of thousands of trie nodes, so the node asks for pysha3. Both
# compute the same digests. (pyrlp picks up rusty-rlp, its Rust codec, by itself.)
os.environ.setdefault("ETH_HASH_BACKEND", "pysha3")

__version__ = "0.1.0"
