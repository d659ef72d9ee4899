"""Files that hold private keys: the node key, validator keys, the dev accounts' list."""

from __future__ import annotations

import os
from pathlib import Path


def create_secret_file(path: Path, text: str) -> None:
    """Create ``path`` with ``text``, readable by its owner only from its first byte.

    The mode is set when the file is created (a ``chmod`` after writing leaves the key
    readable by everyone for a moment), and an existing file is never replaced: that raises
    ``FileExistsError``.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
