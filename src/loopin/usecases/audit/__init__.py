"""Use cases of the audit context: recording entries after the changes they describe committed."""
