"""Local Git repositories through the MCP reference Git server (``mcp-server-git``) over stdio.

Repositories are bare repositories ``<name>.git`` directly inside the repositories folder
(``AIXPLORE_LOCAL_REPOS_DIR``, default ``<data_dir>/repos``), the layout a self-hosted team
pushes to. A name from the browser never leaves that folder: it must match
``providers.LOCAL_NAME``, and the path it names, symlinks followed, must still be a folder
directly inside it. One server runs per repository, confined to it (``--repository``).

What the server offers goes through it: branches (``git_branch``), folders and files at a
ref (``git_show`` of ``<ref>:<path>``), creating a branch (``git_create_branch``), staging and
committing (``git_add``, ``git_commit``), the log (``git_log``) and a commit's patch
(``git_show``). It has no tool for the rest, done here with fixed git commands on validated
names and paths (``local_git_plain.py``): listing the repositories, a working tree to commit
in (a bare repository has none: a linked worktree of the order's branch inside the
repository's folder, removed afterwards), writing the generated files into it, merging a
branch into its base and deleting a branch.
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

from aixplore.core import tracing
from aixplore.core.errors import Conflict, DomainError, NotFound, ServiceUnavailable
from aixplore.core.settings import get_settings
from aixplore.domain.orders.providers import Change, RepositoryInfo
from aixplore.integrations import local_git_plain as plain
from aixplore.integrations.local_git_plain import (
    LocalGitError,
    available,
    git_environment,
    list_repositories,
    repository_path,
)

__all__ = ["LocalGitError", "available", "connect", "list_repositories", "open_repositories"]

log = logging.getLogger(__name__)
SIZE_READS = 200  # files a scan reads for their size; later files count as 0 bytes
_COMMIT = re.compile(r"(?m)^Commit: ([0-9a-f]{40})$")


def server_command() -> str:
    """The ``mcp-server-git`` executable to run."""
    configured = get_settings().git_mcp_command
    if configured:
        return configured
    beside = Path(sys.executable).parent / "mcp-server-git"
    return str(beside) if beside.exists() else (shutil.which("mcp-server-git") or "")


def _classify(text: str) -> DomainError:
    lowered = text.lower()
    log.warning("mcp git call failed: %s", text[:500])
    if "already exists" in lowered:
        return Conflict("That branch already exists in the local repository.")
    if "did not resolve" in lowered or "not found" in lowered or "no such" in lowered:
        return NotFound("The local repository has no such branch, folder or file.")
    return LocalGitError("The local Git server failed; try again in a moment.")


class LocalGit:
    """One running ``mcp-server-git``, confined to one repository, and its client session."""

    def __init__(self, session: ClientSession, path: Path, timeout: float) -> None:
        self._session = session
        self.path = path
        self._timeout = timeout
        self._size_reads = 0

    async def call(self, tool: str, repo_path: Path | None = None, **arguments: Any) -> str:
        """Call ``tool`` on this repository (or its worktree ``repo_path``); its text."""
        arguments["repo_path"] = str(repo_path or self.path)
        try:
            with (
                tracing.span(f"mcp git {tool}", mcp_server="git", tool=tool),
                anyio.fail_after(self._timeout),
            ):
                result = await self._session.call_tool(tool, arguments)
        except TimeoutError as exc:
            raise LocalGitError("The local Git server did not answer in time; try again.") from exc
        except MCPError as exc:
            raise _classify(str(exc)) from exc
        text = "".join(getattr(c, "text", "") or "" for c in result.content)
        if result.is_error:
            raise _classify(text or "unknown error")
        return text

    async def tool_names(self) -> set[str]:
        """The tools the server offers."""
        return {tool.name for tool in (await self._session.list_tools()).tools}

    # ---- reading ----

    async def branches(self) -> dict[str, str]:
        """Branch names (the server does not say their commit ids: "")."""
        text = await self.call("git_branch", branch_type="local")
        names = (line[2:].strip() for line in text.splitlines() if len(line) > 2)
        return {name: "" for name in names if name and not name.startswith("(")}

    async def list_dir(self, path: str, ref: str) -> list[dict[str, Any]]:
        folder = path.strip("/")
        listing = await self.call("git_show", revision=f"{ref}:{folder}")
        items = []
        for line in listing.splitlines():
            is_dir = line.endswith("/")
            name = line.rstrip("/")
            if not name:
                continue
            full = f"{folder}/{name}" if folder else name
            items.append(
                {
                    "path": full,
                    "name": name,
                    "type": "dir" if is_dir else "file",
                    "size": 0 if is_dir else await self._size(full, ref),
                }
            )
        return items

    async def _size(self, path: str, ref: str) -> int:
        if self._size_reads >= SIZE_READS:
            return 0
        self._size_reads += 1
        try:
            return len((await self.read_file(path, ref)).encode())
        except DomainError:  # a submodule or an unreadable entry: no size
            return 0

    async def read_file(self, path: str, ref: str) -> str:
        return await self.call("git_show", revision=f"{ref}:{path.strip('/')}")

    async def change(self, branch: str) -> Change:
        """The newest commit of ``branch`` with its patch (``git_show``)."""
        text = await self.call("git_show", revision=branch)
        head, _, patch = text.partition("\n--- ")
        sha = head.split("\n", 1)[0].removeprefix("commit ").strip()
        body = head.split("\n\n", 1)[1] if "\n\n" in head else ""
        message = "\n".join(line.removeprefix("    ") for line in body.splitlines()).strip()
        return Change(sha=sha, message=message, patch=f"--- {patch}" if patch else "")

    # ---- writing ----

    async def create_branch(self, branch: str, base: str) -> None:
        await self.call("git_create_branch", branch_name=branch, base_branch=base)

    @asynccontextmanager
    async def worktree(self, branch: str, key: str) -> AsyncIterator[Worktree]:
        """A working tree of ``branch`` to commit in, removed afterwards (also on failure)."""
        folder = await anyio.to_thread.run_sync(plain.add_worktree, self.path, branch, key)
        try:
            yield Worktree(self, folder)
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(plain.remove_worktree, self.path, folder)

    async def merge(self, branch: str, base: str, message: str) -> tuple[str, str]:
        return await anyio.to_thread.run_sync(plain.merge, self.path, branch, base, message)

    async def delete_branch(self, branch: str) -> bool:
        return await anyio.to_thread.run_sync(plain.delete_branch, self.path, branch)


class Worktree:
    """A linked worktree of one branch, driven through the repository's MCP server."""

    def __init__(self, repo: LocalGit, folder: Path) -> None:
        self._repo = repo
        self.folder = folder

    async def _log(self, count: int) -> list[tuple[str, str]]:
        text = await self._repo.call("git_log", self.folder, max_count=count)
        parts = _COMMIT.split(text)
        # [preamble, sha1, block1, sha2, block2, ...]; a block's message follows "Message: ".
        return [
            (parts[i], parts[i + 1].partition("Message: ")[2].strip())
            for i in range(1, len(parts) - 1, 2)
        ]

    async def commit_messages(self) -> list[str]:
        """The messages of the branch's newest commits."""
        return [message for _, message in await self._log(10)]

    async def head(self) -> str:
        """The branch's newest commit id."""
        return (await self._log(1))[0][0]

    async def commit(self, files: dict[str, str], message: str) -> str:
        """Write ``files``, stage them (``git_add``) and commit (``git_commit``); the id."""
        await anyio.to_thread.run_sync(plain.write_files, self.folder, files)
        await self._repo.call("git_add", self.folder, files=sorted(files))
        said = await self._repo.call("git_commit", self.folder, message=message)
        found = re.search(r"hash ([0-9a-f]{40})", said)
        if found is None:
            raise LocalGitError("The local Git server did not confirm the commit; try again.")
        return found.group(1)


@asynccontextmanager
async def connect(name: str) -> AsyncIterator[LocalGit]:
    """Start ``mcp-server-git`` on the local repository ``name`` and yield a client."""
    path = repository_path(name)
    command = server_command()
    if not command:
        raise LocalGitError("The MCP Git server (mcp-server-git) is not installed.")
    timeout = float(get_settings().git_mcp_timeout)
    params = StdioServerParameters(
        command=command, args=["--repository", str(path)], env=git_environment()
    )
    try:
        async with (
            stdio_client(params) as (read, write),
            ClientSession(read, write) as session,
        ):
            with anyio.fail_after(timeout):
                await session.initialize()
            yield LocalGit(session, path, timeout)
    except TimeoutError as exc:
        raise LocalGitError("The local Git server did not start in time; try again.") from exc
    except (OSError, anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
        raise LocalGitError("The local Git server stopped unexpectedly; try again.") from exc
    except BaseExceptionGroup as group:
        leaves = _leaves(group)
        fatal = [e for e in leaves if not isinstance(e, Exception)]
        if fatal:  # a cancelled or killed worker stays killed
            raise fatal[0] from group
        domain = [e for e in leaves if isinstance(e, DomainError)]
        if domain:
            raise domain[0] from group
        raise LocalGitError("The local Git server stopped unexpectedly; try again.") from group


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


class LocalRepositories:
    """The repositories folder as the order domain reads it (``RepositoryHost``).

    Listing needs no server; reading a repository starts its server on first use and keeps
    it until the block ends.
    """

    def __init__(self, stack: AsyncExitStack) -> None:
        self._stack = stack
        self._open: dict[str, LocalGit] = {}

    async def _repo(self, name: str) -> LocalGit:
        if name not in self._open:
            self._open[name] = await self._stack.enter_async_context(connect(name))
        return self._open[name]

    async def account(self) -> str:
        return ""

    async def search(self, owner: str, text: str) -> list[RepositoryInfo]:
        return await anyio.to_thread.run_sync(list_repositories, text)

    async def organizations(self, text: str) -> list[str]:
        return []

    async def branches(self, repo: str) -> dict[str, str]:
        return await (await self._repo(repo)).branches()

    async def list_dir(self, repo: str, path: str, ref: str) -> list[dict[str, Any]]:
        return await (await self._repo(repo)).list_dir(path, ref)

    async def read_file(self, repo: str, path: str, ref: str) -> str:
        return await (await self._repo(repo)).read_file(path, ref)


@asynccontextmanager
async def open_repositories(_credential: str | None = None) -> AsyncIterator[LocalRepositories]:
    """The local repositories (no credential: the server's folder is the boundary)."""
    if not available():
        raise ServiceUnavailable("Local repositories are not set up on this server.")
    async with AsyncExitStack() as stack:
        yield LocalRepositories(stack)
