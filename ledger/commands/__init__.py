"""The ledger's commands: every write to the SQL ledger (and what it publishes)."""
