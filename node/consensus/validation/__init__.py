"""One validator per QBFT message type. Each answers ``None`` for a valid message or the
:class:`~node.consensus.validation.reasons.Reason` it was refused for."""
