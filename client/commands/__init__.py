"""The ``dcl-client`` commands, one module per group (keys, market actions, output)."""
