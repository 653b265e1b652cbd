"""Ways in: the HTTP API, the SAQ worker and the command line, all built on one dishka container."""
