"""Push notification senders."""
