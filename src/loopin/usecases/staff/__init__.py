"""Staff tools that no single context can hold: reading the audit log, which knows no member, as a staff member."""
