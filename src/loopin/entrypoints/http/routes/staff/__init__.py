"""``/api/staff``: staff tools as JSON (the staff admin calls the same use cases)."""
