"""The regulator's audit: replay from genesis, database verification, exports and reports."""
