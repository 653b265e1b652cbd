"""Paid events: orders, seat holds, verified gateway notices, refunds, the ledger and the fee config."""
