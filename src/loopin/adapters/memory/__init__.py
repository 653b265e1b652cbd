"""In-memory adapters for every port: production-quality, used by use-case tests and the embedded mode."""
