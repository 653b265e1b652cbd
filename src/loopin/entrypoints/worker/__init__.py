"""The SAQ worker: same container as the API, one request scope per job."""
