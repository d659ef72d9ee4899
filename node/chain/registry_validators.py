"""The validator set as ExchangeRegistry stores it, read straight from contract storage.

The validators of block N are ``validators()`` of the ExchangeRegistry proxy in the state after
block N-1. The set is needed for every block and every consensus message, so it is read from
the storage slots the contract keeps it in (``client.certificate.layout``, shared with the
certificate verifier) rather than by running EVM code: ``validators`` is
the first field of the registry's ERC-7201 namespace, so its length sits at the namespace slot
``B`` and element i at ``keccak256(B) + i``. These are the slots a light verifier proves with
a storage proof against a sealed header's state root; a verifier reading them must apply the
same rules as :func:`read_registry_validators`.
"""

from __future__ import annotations

from eth.abc import StateAPI
from eth_typing import Address

from client.certificate.layout import (
    MAX_VALIDATORS as MAX_REGISTRY_VALIDATORS,
)
from client.certificate.layout import (
    REGISTRY_ADDRESS,
    validator_count_slot,
    validator_slot,
)

EXCHANGE_REGISTRY_PROXY = Address(REGISTRY_ADDRESS)
VALIDATORS_SLOT = validator_count_slot()
"""Slot ``B``: the length of the validator array."""


class RegistryStateError(ValueError):
    """The registry's storage does not hold a well-formed validator list (the contract keeps
    one; only a faulty upgrade could break it), so no block after this state can be valid."""


def registry_deployed(state: StateAPI) -> bool:
    return bool(state.get_code(EXCHANGE_REGISTRY_PROXY))


def read_registry_validators(state: StateAPI) -> tuple[bytes, ...]:
    """The registry's validator addresses in ``state``, in stored (ascending) order.

    A list that is empty, longer than the registry can hold, holds a word that is not an
    address, or is not strictly ascending is refused: such a list would halt the chain or let
    one key count twice towards a quorum.
    """
    count = state.get_storage(EXCHANGE_REGISTRY_PROXY, VALIDATORS_SLOT)
    if not 1 <= count <= MAX_REGISTRY_VALIDATORS:
        raise RegistryStateError(
            f"the registry lists {count} validators (1 to {MAX_REGISTRY_VALIDATORS} allowed)"
        )
    validators: list[bytes] = []
    for index in range(count):
        word = state.get_storage(EXCHANGE_REGISTRY_PROXY, validator_slot(index))
        if word >> 160 or word == 0:
            raise RegistryStateError(f"validator {index} of the registry is not an address")
        address = word.to_bytes(20, "big")
        if validators and address <= validators[-1]:
            raise RegistryStateError(
                "the registry's validators are not in strictly ascending order"
            )
        validators.append(address)
    return tuple(validators)
