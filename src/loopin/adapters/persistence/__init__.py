"""PostgreSQL persistence: advanced-alchemy rows, explicit row<->entity mapping, Alembic migrations."""
