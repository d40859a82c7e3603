"""The job tests' fixtures (real Redis, a private redis-server, `thrice` child processes)."""

from tests.jobs.conftest import database_url, private_redis, processes, redis_url  # noqa: F401
