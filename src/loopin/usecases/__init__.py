"""Application layer: one class per use case, each one transaction, depending only on ports (Protocols)."""
