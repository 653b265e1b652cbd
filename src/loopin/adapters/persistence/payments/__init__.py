"""Payments over PostgreSQL, one module per store: orders, refunds, the ledger, the notice log, the fee config."""
