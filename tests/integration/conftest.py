"""Integration fixtures."""

from tests.support.github_fixture import fake_github
from tests.support.redis_server import redis_url

__all__ = ["fake_github", "redis_url"]
