"""Payments in memory, one module per store, with the rules of the SQL adapters."""
