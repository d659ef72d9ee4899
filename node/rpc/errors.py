"""JSON-RPC errors with geth's codes and texts.

Clients match on geth's messages (``"nonce too low"``, ``"execution reverted: ..."``) and on its
codes (3 for a revert carrying data), so every error a handler raises is an :class:`RpcError`
whose code and message are exactly what geth would answer.
"""

from __future__ import annotations

from typing import Final

from eth_abi import decode as abi_decode
from eth_abi.exceptions import DecodingError

PARSE_ERROR: Final = -32700
INVALID_REQUEST: Final = -32600
METHOD_NOT_FOUND: Final = -32601
INVALID_PARAMS: Final = -32602
INTERNAL_ERROR: Final = -32603
METHOD_NOT_ENABLED: Final = -32604
SERVER_ERROR: Final = -32000
RESPONSE_TOO_LARGE: Final = -32003
LIMIT_EXCEEDED: Final = -32005
EXECUTION_REVERTED: Final = 3

_ERROR_SELECTOR: Final = bytes.fromhex("08c379a0")  # Error(string)
_PANIC_SELECTOR: Final = bytes.fromhex("4e487b71")  # Panic(uint256)
_PANIC_REASONS: Final = {
    0x00: "generic panic",
    0x01: "assert(false)",
    0x11: "arithmetic underflow or overflow",
    0x12: "division or modulo by zero",
    0x21: "enum overflow",
    0x22: "invalid encoded storage byte array accessed",
    0x31: "out-of-bounds array access; popping on an empty array",
    0x32: "out-of-bounds access of an array or bytesN",
    0x41: "out of memory",
    0x51: "uninitialized function",
}


class RpcError(Exception):
    """An error answered to the client as ``{"code", "message", "data"?}``."""

    def __init__(self, code: int, message: str, data: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.data is not None:
            body["data"] = self.data
        return body


def invalid_request(message: str = "invalid request") -> RpcError:
    return RpcError(INVALID_REQUEST, message)


def method_not_found(method: str) -> RpcError:
    return RpcError(METHOD_NOT_FOUND, f"the method {method} does not exist/is not available")


def method_not_enabled(message: str) -> RpcError:
    """Besu's -32604: the method exists but this node's configuration does not serve it."""
    return RpcError(METHOD_NOT_ENABLED, message)


def invalid_params(message: str) -> RpcError:
    return RpcError(INVALID_PARAMS, message)


def server_error(message: str) -> RpcError:
    return RpcError(SERVER_ERROR, message)


def limit_exceeded(message: str) -> RpcError:
    """EIP-1474's "limit exceeded": the request is valid but asks for more than the node
    serves."""
    return RpcError(LIMIT_EXCEEDED, message)


def internal_error() -> RpcError:
    """What the client sees of an unexpected exception; the traceback goes to the log."""
    return RpcError(INTERNAL_ERROR, "internal error")


def execution_reverted(revert_data: bytes) -> RpcError:
    """geth's revert error: code 3, the decoded reason in the message, the raw bytes as data."""
    reason = revert_reason(revert_data)
    message = "execution reverted" if reason is None else f"execution reverted: {reason}"
    return RpcError(EXECUTION_REVERTED, message, "0x" + revert_data.hex())


def revert_reason(revert_data: bytes) -> str | None:
    """The reason of an ``Error(string)`` or ``Panic(uint256)`` revert, as geth words it."""
    selector, payload = revert_data[:4], revert_data[4:]
    try:
        if selector == _ERROR_SELECTOR:
            (reason,) = abi_decode(["string"], payload)
            return str(reason)
        if selector == _PANIC_SELECTOR:
            (code,) = abi_decode(["uint256"], payload)
            return _PANIC_REASONS.get(code, f"unknown panic code: {code:#x}")
    except (DecodingError, UnicodeDecodeError):
        return None
    return None
