"""Attendance use cases: join requests, invitations, tickets and the door."""
