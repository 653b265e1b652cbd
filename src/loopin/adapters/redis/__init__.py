"""Redis adapters: sliding-window rate limits and revoked-token ids."""
