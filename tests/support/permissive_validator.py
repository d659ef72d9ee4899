"""A misbehaving validator for the permissioning tests: `dcl` with the account permissioning
rule switched off in this process only, so its pool takes any sender's transaction and, when
it proposes, its block carries them. Honest validators refuse such a proposal.

Run as ``python -m tests.support.permissive_validator run ...`` (the arguments of ``dcl``).
"""

from __future__ import annotations

import sys
from typing import Any

from node.chain.permissioning import AccountPermissions
from node.cli import main


def _anyone(self: AccountPermissions, tx: Any, sender: bytes | None = None) -> None:
    return None


def _any_block(self: AccountPermissions, transactions: Any) -> None:
    return None


if __name__ == "__main__":
    AccountPermissions.refusal = _anyone  # type: ignore[method-assign]
    AccountPermissions.check_block = _any_block  # type: ignore[method-assign]
    sys.exit(main())
