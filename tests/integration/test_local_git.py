"""The local Git adapter against the real mcp-server-git: the folder's boundary, the scan,
committing in a worktree, merging and deleting branches."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import anyio
import pytest

from aixplore.core.errors import Conflict, NotFound
from aixplore.domain.orders.scan import scan_repository
from aixplore.integrations import local_git
from aixplore.integrations.local_git_plain import repository_path
from tests.support.local_repos import git


def _run(func, *args):
    return anyio.run(func, *args)


def test_only_bare_repositories_directly_in_the_folder_are_offered(
    local_repos: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.git"
    subprocess.run(["git", "init", "-q", "--bare", str(outside)], check=True)
    os.symlink(outside, local_repos / "escape.git")  # a symlink out of the folder
    os.symlink(local_repos / "shop.git", local_repos / "alias.git")  # one that stays inside
    subprocess.run(["git", "init", "-q", str(local_repos / "work.git")], check=True)  # not bare
    (local_repos / "notes.txt").write_text("not a repository")
    names = [r.name for r in local_git.list_repositories()]
    assert names == ["alias", "shop"]
    assert [r.name for r in local_git.list_repositories("SHO")] == ["shop"]
    shop = local_git.list_repositories("shop")[0]
    assert shop.default_branch == "main" and "demo repository" in shop.description
    for name in ["escape", "work", "../outside", "shop/../shop", ".hidden", "shop.git", "", 5]:
        with pytest.raises(NotFound):
            repository_path(name)
    assert repository_path("shop") == (local_repos / "shop.git").resolve()


def test_the_server_offers_no_push_and_each_server_is_confined_to_its_repository(
    local_repos: Path,
) -> None:
    async def main() -> tuple[set[str], str]:
        async with local_git.connect("shop") as repo:
            names = await repo.tool_names()
            try:
                await repo.call("git_log", Path("/etc"), max_count=1)
            except Exception as exc:
                return names, type(exc).__name__
        return names, "none"

    names, refused = _run(main)
    assert {"git_show", "git_branch", "git_create_branch", "git_add", "git_commit"} <= names
    assert not {n for n in names if "push" in n or "pull" in n}
    assert refused == "LocalGitError"  # a path outside the repository is refused by the server


def test_scan_of_the_demo_repository(local_repos: Path) -> None:
    async def main() -> dict:
        async with local_git.open_repositories() as host:
            return await scan_repository(host, "shop", "main")

    scan = _run(main)
    assert scan["framework"] == "python-wsgi" and scan["root_dir"] == ""
    assert scan["file_count"] == 6 and scan["branches"] == ["main"]
    assert scan["languages"]["Python"] > 50 and scan["size_bytes"] > 1000
    assert "shop/catalog.py" in scan["paths"]

    async def missing() -> None:
        async with local_git.open_repositories() as host:
            await scan_repository(host, "shop", "nope")

    with pytest.raises(NotFound, match="no branch"):
        _run(missing)


def _deliver(branch: str, files: dict[str, str], message: str = "Add\n\n[marker]") -> str:
    async def main() -> str:
        async with local_git.connect("shop") as repo:
            await repo.create_branch(branch, "main")
            async with repo.worktree(branch, "order-1") as tree:
                sha = await tree.commit(files, message)
                assert await tree.head() == sha
                assert "[marker]" in (await tree.commit_messages())[0]
            return sha

    return _run(main)


def test_commit_in_a_worktree_then_fast_forward_merge(local_repos: Path) -> None:
    repo = local_repos / "shop.git"
    sha = _deliver("aixplore/x", {"app/new.py": "X = 1\n"})
    assert git(repo, "rev-parse", "aixplore/x") == sha
    assert git(repo, "worktree", "list").count("\n") == 0  # the worktree is gone
    assert not (repo / "aixplore-worktrees").exists()
    author = git(repo, "log", "-1", "--format=%an <%ae>", "aixplore/x")
    assert author == "AiXplore <orders@aixplore.invalid>"

    async def review() -> tuple:
        async with local_git.connect("shop") as git_repo:
            change = await git_repo.change("aixplore/x")
            first = await git_repo.merge("aixplore/x", "main", "Merge")
            again = await git_repo.merge("aixplore/x", "main", "Merge")
            return change, first, again

    change, first, again = _run(review)
    assert change.sha == sha and change.message == "Add\n\n[marker]"
    assert "+++ b/app/new.py" in change.patch and "+X = 1" in change.patch
    assert first == (sha, "fast-forward") and again == (sha, "already merged")
    assert git(repo, "show", "main:app/new.py") == "X = 1"


def test_merge_commit_when_the_base_moved_and_conflicts_refused(local_repos: Path) -> None:
    repo = local_repos / "shop.git"
    _deliver("aixplore/a", {"a.txt": "a\n"})

    async def ops() -> tuple:
        async with local_git.connect("shop") as git_repo:
            await git_repo.create_branch("aixplore/b", "main")
            async with git_repo.worktree("aixplore/b", "order-2") as tree:
                await tree.commit({"b.txt": "b\n", "README.md": "changed\n"}, "B")
            await git_repo.create_branch("aixplore/c", "main")
            async with git_repo.worktree("aixplore/c", "order-3") as tree:
                await tree.commit({"README.md": "other\n"}, "C")
            a = await git_repo.merge("aixplore/a", "main", "Merge a")
            b = await git_repo.merge("aixplore/b", "main", "Merge b")
            with pytest.raises(Conflict, match="no longer merges cleanly"):
                await git_repo.merge("aixplore/c", "main", "Merge c")
            deleted = await git_repo.delete_branch("aixplore/c")
            gone = await git_repo.delete_branch("aixplore/c")
            return a, b, deleted, gone

    a, b, deleted, gone = _run(ops)
    assert a[1] == "fast-forward" and b[1] == "merge commit"
    parents = git(repo, "log", "-1", "--format=%P", "main").split()
    assert len(parents) == 2 and git(repo, "log", "-1", "--format=%s", "main") == "Merge b"
    assert git(repo, "show", "main:a.txt") == "a" and git(repo, "show", "main:b.txt") == "b"
    assert deleted is True and gone is False
    branches = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").split()
    assert branches == ["aixplore/a", "aixplore/b", "main"]
