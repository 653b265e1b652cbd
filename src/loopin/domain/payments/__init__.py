"""Money in: the platform fee, payment orders, refunds and the ledger (pure rules, no I/O)."""
