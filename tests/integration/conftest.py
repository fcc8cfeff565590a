"""Integration fixtures."""

from tests.support.github_fixture import fake_github
from tests.support.job_worker import job_workers
from tests.support.local_repos import local_repos
from tests.support.redis_server import redis_server, redis_url
from tests.support.solutions_api import read_api, small_catalog
from tests.support.stripe_fixture import fake_stripe

__all__ = [
    "fake_github",
    "fake_stripe",
    "job_workers",
    "local_repos",
    "read_api",
    "redis_server",
    "redis_url",
    "small_catalog",
]
