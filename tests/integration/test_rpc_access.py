"""Read access over JSON-RPC on a real node that asks for bearer tokens (`dcl run` without
--rpc-no-auth): a small market made with an exchange operator's token, then each role's token
asks for the same records. A participant reads its own and public records only; an operator
reads everything."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from eth_utils import to_checksum_address

from client.contracts import system_address
from tests.support.gateway_market import GatewayMarket, gateway_market
from tests.support.market_node import regulator
from tests.support.node_process import rpc_token, start_dcl
from tests.support.rpc import RpcError, rpc

OTHERS = (
    "a participant reads only its own transactions, records it is a party to and the public"
    " registries and listings"
)


@dataclass
class Setting:
    story: GatewayMarket
    url: str
    operator: str
    buyer: str
    other: str
    order_tx: str


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setting]:
    with gateway_market(tmp_path_factory.mktemp("rpc-access"), rpc_auth=True) as story:
        datadir = story.node.datadir
        settlement = system_address("TradeSettlement")
        created = story.market.w3.eth.get_logs(
            {"fromBlock": 0, "toBlock": "latest", "address": settlement}
        )
        yield Setting(
            story=story,
            url=story.node.rpc_url,
            operator=str(story.operator_rpc_token),
            buyer=rpc_token(datadir, "participant", story.buyer.address),
            other=rpc_token(datadir, "participant", story.other_buyer.address),
            order_tx="0x" + bytes(created[-1]["transactionHash"]).hex(),
        )


def refusal(url: str, token: str | None, method: str, *params: Any) -> tuple[int, str]:
    with pytest.raises(RpcError) as refused:
        rpc(url, method, *params, token=token)
    return int(refused.value.error["code"]), str(refused.value.error["message"])  # type: ignore[call-overload]


def settlement_logs(setting: Setting, token: str) -> Any:
    query = {"fromBlock": "0x0", "toBlock": "latest", "address": system_address("TradeSettlement")}
    return rpc(setting.url, "eth_getLogs", query, token=token)


def test_a_request_without_a_token_is_refused_401_with_how_to_get_one(setting: Setting) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}
    answer = requests.post(setting.url, json=body, timeout=30)
    assert answer.status_code == 401
    assert answer.json() == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {
            "code": -40100,
            "message": "Unauthorized: a bearer token is required (Authorization: Bearer"
            " <token>; the node's operator issues them with `dcl rpc-token`)",
        },
    }


def test_a_token_another_node_signed_is_refused(setting: Setting, tmp_path: Path) -> None:
    (tmp_path / "rpc-secret").write_text("11" * 32)
    (tmp_path / "genesis.json").write_text("{}")
    (tmp_path / "key").write_text("22" * 32)
    forged = rpc_token(tmp_path, "operator")
    body = {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}
    answer = requests.post(
        setting.url, json=body, headers={"Authorization": f"Bearer {forged}"}, timeout=30
    )
    assert (answer.status_code, answer.json()["error"]["message"]) == (
        401,
        "Unauthorized: the token's signature is not this node's",
    )


def test_an_operator_reads_every_settlement_log(setting: Setting) -> None:
    logs = settlement_logs(setting, setting.operator)
    assert len(logs) >= 2  # the fee schedules, the order and its acceptance


def test_a_party_to_the_order_reads_the_settlement_logs(setting: Setting) -> None:
    assert settlement_logs(setting, setting.buyer) == settlement_logs(setting, setting.operator)


def test_a_participant_cannot_read_another_partys_settlement_logs(setting: Setting) -> None:
    private = next(
        log
        for log in settlement_logs(setting, setting.operator)
        if log["transactionHash"] == setting.order_tx
    )
    assert refusal(
        setting.url,
        setting.other,
        "eth_getLogs",
        {"fromBlock": private["blockNumber"], "toBlock": private["blockNumber"],
         "address": system_address("TradeSettlement")},
    ) == (
        -40300,
        "permission denied: the answer holds a log another party may read only (block"
        f" {int(private['blockNumber'], 16)}, log index {int(private['logIndex'], 16)}); {OTHERS}",
    )  # fmt: skip


def test_a_participant_cannot_read_another_partys_receipt_or_transaction(
    setting: Setting,
) -> None:
    expected = (
        -40300,
        f"permission denied: transaction {setting.order_tx} is another party's; {OTHERS}",
    )
    assert refusal(setting.url, setting.other, "eth_getTransactionReceipt", setting.order_tx) == (
        expected
    )
    assert refusal(setting.url, setting.other, "eth_getTransactionByHash", setting.order_tx) == (
        expected
    )
    receipt = rpc(setting.url, "eth_getTransactionReceipt", setting.order_tx, token=setting.buyer)
    assert receipt["transactionHash"] == setting.order_tx  # type: ignore[index]


def test_a_participant_reads_the_public_listings(setting: Setting) -> None:
    query = {
        "fromBlock": "0x0",
        "toBlock": "latest",
        "address": system_address("DataProductRegistry"),
    }
    listings = rpc(setting.url, "eth_getLogs", query, token=setting.other)
    assert listings == rpc(setting.url, "eth_getLogs", query, token=setting.operator)
    assert listings


def test_a_participant_reads_blocks_with_hashes_but_not_others_full_transactions(
    setting: Setting,
) -> None:
    receipt = rpc(setting.url, "eth_getTransactionReceipt", setting.order_tx, token=setting.buyer)
    number = receipt["blockNumber"]  # type: ignore[index]
    block = rpc(setting.url, "eth_getBlockByNumber", number, False, token=setting.other)
    assert setting.order_tx in block["transactions"]  # type: ignore[index]
    assert refusal(setting.url, setting.other, "eth_getBlockByNumber", number, True) == (
        -40300,
        f"permission denied: block {int(number, 16)} holds transactions of other parties; ask"
        " for transaction hashes only (full transactions false)",
    )


def test_a_participant_sends_only_its_own_transactions(setting: Setting) -> None:
    seller = setting.story.seller
    raw = seller.sign_transaction(
        {"type": 2, "chainId": 1337, "nonce": 1000, "to": seller.address, "gas": 21_000,
         "value": 0, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
    ).raw_transaction  # fmt: skip
    assert refusal(setting.url, setting.other, "eth_sendRawTransaction", "0x" + raw.hex()) == (
        -40300,
        "permission denied: a participant's token sends only its own transactions: this one is"
        f" signed by {seller.address}, the token names {setting.story.other_buyer.address}",
    )


def test_a_participant_may_not_read_the_pool_or_raw_blocks(setting: Setting) -> None:
    for method, params in (("txpool_content", ()), ("debug_getRawBlock", ("latest",))):
        code, message = refusal(setting.url, setting.other, method, *params)
        assert (code, message) == (
            -40300,
            f"permission denied: {method} is for exchange operators and regulators; {OTHERS}",
        )


def test_a_participant_reads_state_and_calls_views(setting: Setting) -> None:
    registry = system_address("ParticipantRegistry")
    other = to_checksum_address(setting.story.other_buyer.address)
    code = rpc(setting.url, "eth_getCode", registry, "latest", token=setting.other)
    assert isinstance(code, str) and len(code) > 2
    # The market's second buyer has sent one transaction: the demand it posted.
    assert (
        rpc(setting.url, "eth_getTransactionCount", other, "latest", token=setting.other) == "0x1"
    )


def test_a_websocket_upgrade_without_a_token_is_refused(tmp_path: Path) -> None:
    from tests.support.node_process import make_network

    datadir = make_network(tmp_path)
    node = start_dcl(
        datadir, "run", "--datadir", str(datadir), "--ws", "127.0.0.1:0", rpc_auth=True
    )
    try:
        assert node.ws_url is not None
        answer = requests.get(
            node.ws_url.replace("ws://", "http://"),
            headers={"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="},
            timeout=30,
        )  # fmt: skip
        assert (answer.status_code, answer.json()["error"]["code"]) == (401, -40100)
    finally:
        node.stop()


def test_perm_get_account_status_names_a_participants_roles(setting: Setting) -> None:
    buyer = setting.story.buyer.address
    status = rpc(setting.url, "perm_getAccountStatus", buyer, token=setting.operator)
    assert isinstance(status, dict)
    assert {k: v for k, v in status.items() if k != "asOfBlock"} == {
        "address": buyer,
        "permissioning": True,
        "permitted": True,
        "canCreateContracts": False,
        "roles": ["participant"],
        "reason": None,
        "regulatorRoot": False,
        "regulator": False,
        "operator": None,
        "participant": {"status": "active", "homeExchange": "SZDE", "roles": 2},
        "bootstrapAccount": False,
        "bootstrapOpen": False,
    }
    assert rpc(setting.url, "perm_getAccountStatus", buyer, token=setting.buyer) == status


def test_perm_get_account_status_says_why_an_account_may_not_transact(setting: Setting) -> None:
    stranger = "0x000000000000000000000000000000000000dEaD"
    status = rpc(setting.url, "perm_getAccountStatus", stranger, token=setting.operator)
    assert (status["permitted"], status["reason"]) == (  # type: ignore[index]
        False,
        f"{stranger} is not registered (no operator of an active exchange, regulator,"
        " regulator root or active participant)",
    )


def test_a_participant_reads_only_its_own_status_and_no_allowlist(setting: Setting) -> None:
    buyer = setting.story.buyer.address
    assert refusal(setting.url, setting.other, "perm_getAccountStatus", buyer) == (
        -40300,
        "permission denied: a participant's token reads only its own account's status",
    )
    assert refusal(setting.url, setting.other, "perm_getNodesAllowlist")[0] == -40300


def test_perm_get_nodes_allowlist_names_the_validator_and_its_exchange(setting: Setting) -> None:
    answer = rpc(setting.url, "perm_getNodesAllowlist", token=setting.operator)
    validator = rpc(
        setting.url, "qbft_getValidatorsByBlockNumber", "pending", token=setting.operator
    )
    assert isinstance(answer, dict) and isinstance(validator, list)
    assert answer["nodes"][0] == {
        "address": to_checksum_address(validator[0]),
        "source": "validator",
        "exchange": "SHDE",
    }
    assert {k: v for k, v in answer["nodes"][-1].items() if k != "address"} == {
        "source": "regulator-root",
        "exchange": None,
    }


def test_the_gateway_answers_a_regulator_the_same_status_and_refuses_others(
    setting: Setting,
) -> None:
    gateway = setting.story.gateway
    buyer = setting.story.buyer.address
    path = f"/v1/audit/permissions/accounts/{buyer}"
    by_gateway = gateway.get(path, gateway.sign_in(regulator()))
    by_rpc = rpc(setting.url, "perm_getAccountStatus", buyer, token=setting.operator)
    assert by_gateway.status_code == 200
    assert by_gateway.json() == {**by_rpc, "asOfBlock": int(by_rpc["asOfBlock"], 16)}  # type: ignore[dict-item, index]
    refused = gateway.get(path, gateway.sign_in(setting.story.buyer))
    assert (refused.status_code, refused.json()["type"]) == (403, "urn:dcl:problem:forbidden")
    nodes = gateway.get("/v1/audit/permissions/nodes", gateway.sign_in(regulator()))
    assert nodes.json()["nodes"][0]["source"] == "validator"
