"""The regulator's audit tools: decoded exports of the ledger's events and the market report."""
