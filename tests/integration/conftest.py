"""Integration fixtures."""

from tests.support.github_fixture import fake_github

__all__ = ["fake_github"]
