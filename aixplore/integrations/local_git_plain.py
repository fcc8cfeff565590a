"""What the MCP Git server has no tool for, done with fixed git commands on checked input.

Listing the repositories folder, resolving a repository's name safely, a linked worktree to
commit in (a bare repository has no working tree), writing files into it, merging a branch
into its base and deleting a branch. Every git command is an argument list (no shell), every
name was validated (``providers.LOCAL_NAME``, ``spec.check_branch``: nothing starts with
``-``) and every path is resolved and checked to stay inside its folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

from aixplore.core.errors import Conflict, NotFound, ServiceUnavailable
from aixplore.core.settings import get_settings
from aixplore.domain.orders.providers import RepositoryInfo, check_local_name
from aixplore.domain.orders.spec import check_branch

GIT_TIMEOUT = 60
WORKTREES = "aixplore-worktrees"  # inside the repository's folder (the server's confinement)
IDENTITY = {"name": "AiXplore", "email": "orders@aixplore.invalid"}
_DEFAULT_DESCRIPTION = "Unnamed repository"


class LocalGitError(ServiceUnavailable):
    """A local repository operation failed in a way a retry may fix."""


def git_environment() -> dict[str, str]:
    """The environment of git and the MCP Git server: PATH, HOME and AiXplore as author."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_TERMINAL_PROMPT": "0"}
    if "HOME" in os.environ:  # the operator's git settings (safe.directory) still apply
        env["HOME"] = os.environ["HOME"]
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = IDENTITY["name"]
        env[f"GIT_{role}_EMAIL"] = IDENTITY["email"]
    return env


def root() -> Path | None:
    """The repositories folder, resolved (None when local repositories are not offered)."""
    folder = get_settings().local_repos_root
    return folder.resolve() if folder is not None else None


def available() -> bool:
    """Whether local repositories are offered here (the folder is set and exists)."""
    folder = root()
    return folder is not None and folder.is_dir()


def _is_bare(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def repository_path(name: object) -> Path:
    """The folder of the local repository ``name``; NotFound unless it is safely inside."""
    folder = root()
    if folder is None or not folder.is_dir():
        raise NotFound("Local repositories are not set up on this server.")
    try:
        check_local_name(name if isinstance(name, str) else "")
    except ValueError as exc:
        raise NotFound("No local repository has that name.") from exc
    path = (folder / f"{name}.git").resolve()
    # Resolved (symlinks followed), it must still sit directly in the folder.
    if path.parent != folder or not path.is_dir() or not _is_bare(path):
        raise NotFound(f'No local repository is named "{name}".')
    return path


def list_repositories(text: str = "") -> list[RepositoryInfo]:
    """The bare repositories in the folder whose name contains ``text``, by name."""
    folder = root()
    if folder is None or not folder.is_dir():
        return []
    wanted = text.strip().lower()
    found = []
    for entry in sorted(folder.iterdir()):
        name = entry.name.removesuffix(".git")
        if not entry.name.endswith(".git") or (wanted and wanted not in name.lower()):
            continue
        try:
            path = repository_path(name)
        except NotFound:
            continue
        found.append(
            RepositoryInfo(
                name=name,
                description=_description(path),
                default_branch=_head_branch(path),
                private=True,
            )
        )
    return found[:100]


def _description(path: Path) -> str:
    try:
        text = (path / "description").read_text(errors="replace").strip()[:200]
    except OSError:
        return ""
    return "" if text.startswith(_DEFAULT_DESCRIPTION) else text


def _head_branch(path: Path) -> str:
    try:
        head = (path / "HEAD").read_text().strip()
    except OSError:
        return "main"
    return head.removeprefix("ref: refs/heads/") if head.startswith("ref: refs/heads/") else "main"


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one git command on ``repo``; LocalGitError when it fails and ``check`` is set."""
    try:
        done = subprocess.run(  # noqa: S603 - a fixed git command with validated arguments
            [shutil.which("git") or "git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            env=git_environment(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LocalGitError("Git did not run on the local repository; try again.") from exc
    if check and done.returncode != 0:
        raise LocalGitError("Git failed on the local repository; try again in a moment.")
    return done


def _checked(*names: str) -> None:
    """Refuse a branch name git could read as an option or a path (already validated)."""
    try:
        for name in names:
            check_branch(name)
    except ValueError as exc:
        raise NotFound("The local repository has no such branch.") from exc


def _sha(repo: Path, branch: str) -> str | None:
    done = git(repo, "rev-parse", "--verify", "-q", f"refs/heads/{branch}^{{commit}}", check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def add_worktree(repo: Path, branch: str, key: str) -> Path:
    """A fresh linked worktree of ``branch`` at ``<repo>/aixplore-worktrees/<key>``."""
    _checked(branch)
    try:
        check_local_name(key)
    except ValueError as exc:
        raise LocalGitError("A worktree name was refused.") from exc
    folder = repo / WORKTREES / key
    remove_worktree(repo, folder)  # what an interrupted delivery left behind
    folder.parent.mkdir(exist_ok=True)
    git(repo, "worktree", "add", "--quiet", str(folder), branch)
    return folder


def remove_worktree(repo: Path, folder: Path) -> None:
    """Remove the worktree ``folder`` (if any) and forget it."""
    if folder.exists():
        git(repo, "worktree", "remove", "--force", str(folder), check=False)
        shutil.rmtree(folder, ignore_errors=True)
    git(repo, "worktree", "prune", check=False)
    with contextlib.suppress(OSError):  # the folder of worktrees goes once it is empty
        folder.parent.rmdir()


def write_files(folder: Path, files: dict[str, str]) -> None:
    """Write ``files`` into the worktree ``folder``; a path leaving it is refused."""
    base = folder.resolve()
    for path, content in files.items():
        target = (base / path).resolve()
        if base not in target.parents or ".git" in Path(path).parts:
            raise Conflict(f"Refused to write {path[:100]} outside the repository.")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")


def merge(repo: Path, branch: str, base: str, message: str) -> tuple[str, str]:
    """Merge ``branch`` into ``base`` without a working tree; (new base id, how).

    The base moves with ``update-ref`` given its old value, so a base that moved meanwhile
    is never overwritten (the caller may try again).
    """
    _checked(branch, base)
    base_sha, head_sha = _sha(repo, base), _sha(repo, branch)
    if base_sha is None or head_sha is None:
        missing = base if base_sha is None else branch
        raise NotFound(f'The local repository has no branch "{missing}" any more.')
    if git(repo, "merge-base", "--is-ancestor", head_sha, base_sha, check=False).returncode == 0:
        return base_sha, "already merged"
    if git(repo, "merge-base", "--is-ancestor", base_sha, head_sha, check=False).returncode == 0:
        new, how = head_sha, "fast-forward"
    else:
        tree = git(repo, "merge-tree", "--write-tree", base_sha, head_sha, check=False)
        if tree.returncode == 1:
            raise Conflict(
                f'The branch no longer merges cleanly into "{base}" (both changed the same '
                "lines). Resolve it in the repository, or reject this request."
            )
        if tree.returncode != 0:
            raise LocalGitError("Git could not merge the branch; try again in a moment.")
        tree_sha = tree.stdout.split("\n", 1)[0].strip()
        new = git(
            repo, "commit-tree", tree_sha, "-p", base_sha, "-p", head_sha, "-m", message
        ).stdout.strip()
        how = "merge commit"
    moved = git(repo, "update-ref", f"refs/heads/{base}", new, base_sha, check=False)
    if moved.returncode != 0:
        raise Conflict(f'"{base}" changed while merging; try again.')
    return new, how


def delete_branch(repo: Path, branch: str) -> bool:
    """Delete ``branch``; False when it was already gone."""
    _checked(branch)
    if _sha(repo, branch) is None:
        return False
    git(repo, "branch", "-D", branch)
    return True
