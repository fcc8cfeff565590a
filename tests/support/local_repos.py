"""Pytest fixture: a folder of local Git repositories holding the demo's ``shop.git``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from aixplore.core.settings import get_settings
from aixplore.demo.repositories import seed_demo_repository


@pytest.fixture
def local_repos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repositories folder (with the demo repository) that local orders go to."""
    from aixplore.jobs import orders  # noqa: F401 - the composition root registers the adapters

    root = tmp_path / "repos"
    seed_demo_repository(root)
    monkeypatch.setattr(get_settings(), "local_repos_dir", root)
    return root


def git(repo: Path, *args: str) -> str:
    """Run git on a repository; its output."""
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def push_to(repo: Path, branch: str, files: dict[str, str], message: str) -> str:
    """Commit ``files`` on top of ``branch`` as someone else pushing would; the new commit."""
    env = {
        "PATH": "/usr/bin:/bin",
        "GIT_INDEX_FILE": str(repo / "test-index"),
        "GIT_AUTHOR_NAME": "Someone",
        "GIT_AUTHOR_EMAIL": "someone@example.com",
        "GIT_COMMITTER_NAME": "Someone",
        "GIT_COMMITTER_EMAIL": "someone@example.com",
    }

    def run(*args: str, data: bytes | None = None) -> str:
        return (
            subprocess.run(
                ["git", "--git-dir", str(repo), *args],
                input=data,
                env=env,
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .strip()
        )

    run("read-tree", branch)
    for path, content in files.items():
        blob = run("hash-object", "-w", "--stdin", data=content.encode())
        run("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
    commit = run("commit-tree", run("write-tree"), "-p", branch, "-m", message)
    run("update-ref", f"refs/heads/{branch}", commit)
    (repo / "test-index").unlink(missing_ok=True)
    return commit
