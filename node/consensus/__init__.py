"""QBFT consensus as pure code: decoded messages and timer events in, effects out.

Nothing here performs I/O, reads a clock or starts a thread: the node shell feeds events from
one queue into :class:`node.consensus.controller.QbftController` and carries out the effects it
returns (send a message, start a timer, import a block).
"""
