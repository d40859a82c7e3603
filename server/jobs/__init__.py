"""Background jobs: RQ job functions (ids in, idempotent), dispatch and the periodic schedule."""
