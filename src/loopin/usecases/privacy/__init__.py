"""Privacy: a member's own data, exported on request and erased with the account (docs/privacy.md)."""
