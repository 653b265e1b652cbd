"""Getting jobs out of a committed transaction: into SAQ on Redis, or run in-process in embedded mode."""
