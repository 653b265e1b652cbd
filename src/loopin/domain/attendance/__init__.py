"""Attendance: join requests, invitations, tickets and door check-in."""
