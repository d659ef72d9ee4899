"""Authenticated WebSocket transport between validators and observers, gossip, block sync."""
