"""Analytics adapters."""
