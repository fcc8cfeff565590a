"""Integration fixtures."""

from tests.support.github_fixture import fake_github
from tests.support.job_worker import job_workers
from tests.support.local_repos import local_repos
from tests.support.redis_server import redis_server, redis_url

__all__ = ["fake_github", "job_workers", "local_repos", "redis_server", "redis_url"]
