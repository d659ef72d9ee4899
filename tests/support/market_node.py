"""The market on a real node: a `dcl run` process from the 24-exchange sample consortium (one
validator), the five system contracts at their genesis addresses, and the consortium's DEV ONLY
accounts signing real transactions through web3.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractCustomError
from web3.logs import DISCARD
from web3.types import TxReceipt

from client.contracts import send, system_contract
from genesis.dev_keys import dev_account_key, dev_operator_key, dev_regulator_key
from tests.contracts.harness import Reverted, decode_revert
from tests.support.node_process import SAMPLE_CONSORTIUM

GAS = 3_000_000
"""Explicit gas, so a transaction that reverts is still mined (and its failure recorded)."""


def consortium_file(directory: Path, *, upgrade_delay: int | None = None) -> Path:
    """The sample consortium file, optionally with a shorter upgrade delay (for a test)."""
    text = SAMPLE_CONSORTIUM.read_text()
    if upgrade_delay is not None:
        text = re.sub(r"(?m)^upgrade_delay = \d+", f"upgrade_delay = {upgrade_delay}", text)
    path = directory / "consortium.toml"
    path.write_text(text)
    return path


def operator(code: str) -> LocalAccount:
    return Account.from_key(dev_operator_key(code))


def regulator(index: int = 1) -> LocalAccount:
    return Account.from_key(dev_regulator_key(index))


def participant(index: int) -> LocalAccount:
    return Account.from_key(dev_account_key(index))


@dataclass
class MarketNode:
    w3: Web3

    def contract(self, name: str) -> Contract:
        return system_contract(self.w3, name)

    def send(self, call: Any, account: LocalAccount) -> TxReceipt:
        """Sign and send `call`; it must succeed."""
        receipt = send(self.w3, call, account, gas=GAS)
        assert receipt["status"] == 1, receipt
        return receipt

    def attempt(self, call: Any, account: LocalAccount) -> tuple[Reverted, int]:
        """Try `call` from `account`, expecting a refusal: the custom error the node's eth_call
        returns, and the status of the transaction, mined anyway."""
        try:
            call.call({"from": account.address})
        except ContractCustomError as error:
            data = error.data if isinstance(error.data, str) else error.data["data"]
            reverted = decode_revert(bytes.fromhex(data.removeprefix("0x")))
        else:
            raise AssertionError("expected a revert, but the call succeeded")
        receipt = send(self.w3, call, account, gas=GAS)
        return reverted, int(receipt["status"])

    def events(self, receipt: TxReceipt, contract: str, event: str) -> list[dict[str, Any]]:
        """Decoded arguments of every `event` of system contract `contract` in `receipt`."""
        bound = self.contract(contract)
        return [
            dict(log["args"])
            for log in getattr(bound.events, event)().process_receipt(receipt, errors=DISCARD)
            if log["address"] == bound.address
        ]

    def named(self, contract: str, view: str, *args: Any) -> dict[str, Any]:
        """A struct-returning view's result by field name."""
        bound = self.contract(contract)
        entry = next(e for e in bound.abi if e.get("name") == view)
        names = [c["name"] for c in entry["outputs"][0]["components"]]
        values = getattr(bound.functions, view)(*args).call()
        return dict(zip(names, values, strict=True))

    @property
    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])
