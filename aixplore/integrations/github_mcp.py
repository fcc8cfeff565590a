"""GitHub through GitHub's own MCP server (the Go ``github-mcp-server``) over stdio.

The app never calls the GitHub REST API itself: it starts ``github-mcp-server stdio`` with the
user's token and calls its tools with the ``mcp`` SDK client. Until an order is paid (the user
approved writing) the server runs with ``--read-only`` and read toolsets only.

Settings: ``AIXPLORE_GITHUB_MCP_COMMAND`` (default: the binary beside the Python interpreter),
``AIXPLORE_GITHUB_HOST`` (GitHub Enterprise or a test server; default github.com),
``AIXPLORE_GITHUB_PROXY`` (an HTTP proxy for the server's requests),
``AIXPLORE_GITHUB_MCP_TIMEOUT`` (seconds per call, also bounding start-up).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

from aixplore.core import tracing
from aixplore.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
)
from aixplore.core.settings import get_settings
from aixplore.domain.orders.providers import RepositoryInfo

log = logging.getLogger(__name__)
READ_TOOLSETS = "repos,pull_requests,context,orgs"
WRITE_TOOLSETS = "repos,pull_requests,context"


class GitHubError(ServiceUnavailable):
    """GitHub (or its MCP server) failed in a way a retry may fix."""


class GitHubUnreachable(GitHubError):
    """GitHub cannot be reached from this server at all (no network, DNS, proxy)."""

    code = "provider_unreachable"  # domain.orders.providers.UNREACHABLE


def server_command() -> str:
    """The ``github-mcp-server`` executable to run."""
    configured = get_settings().github_mcp_command
    if configured:
        return configured
    beside = Path(sys.executable).parent / "github-mcp-server"
    return str(beside) if beside.exists() else (shutil.which("github-mcp-server") or "")


def _environment(token: str) -> dict[str, str]:
    settings = get_settings()
    env = {"GITHUB_PERSONAL_ACCESS_TOKEN": token, "PATH": os.environ.get("PATH", "")}
    if settings.github_host:
        env["GITHUB_HOST"] = settings.github_host
    if settings.github_proxy:
        env["HTTP_PROXY"] = env["HTTPS_PROXY"] = settings.github_proxy
    if "HOME" in os.environ:
        env["HOME"] = os.environ["HOME"]
    return env


# What the Go server's errors say when the network, not GitHub, failed.
_NETWORK = (
    "no such host",
    "dial tcp",
    "proxyconnect",
    "connection refused",
    "network is unreachable",
    "i/o timeout",
    "tls handshake",
    "connection reset",
    "server misbehaving",
)
SCOPES = (
    "a classic token needs the repo scope (and read:org for organization repositories); "
    "a fine-grained one needs Contents and Pull requests: read and write"
)


def _classify(text: str) -> DomainError:
    """A plain message with the next step for a failure the server reported.

    The server's own words (Go errors, URLs) are logged for operators, never shown.
    """
    lowered = text.lower()
    log.warning("github mcp call failed: %s", text[:500])
    if any(sign in lowered for sign in _NETWORK):
        return GitHubUnreachable(
            "GitHub cannot be reached from this server (no network or name lookup). "
            "Try again later, or ask the operator to check the server's internet access "
            "or proxy (AIXPLORE_GITHUB_PROXY)."
        )
    if "rate limit" in lowered or " 429 " in f" {lowered} ":
        return GitHubError(
            "GitHub's rate limit for this token is used up. Try again later "
            "(GitHub resets it within an hour)."
        )
    if "401" in lowered or "bad credentials" in lowered:
        # Not NotAuthenticated: the user is signed in to AiXplore; GitHub refused the token.
        return ValidationFailed(
            "GitHub refused the token (wrong, expired or revoked); create a new one and "
            "connect GitHub again.",
            field="token",
        )
    if "404" in lowered or "not found" in lowered:
        return NotFound(
            "GitHub could not find that repository, branch or file for this token. For a "
            f"private repository, {SCOPES}."
        )
    if "403" in lowered:
        return PermissionDenied(
            f"GitHub refused access with this token: {SCOPES}. Update the token and connect "
            "GitHub again."
        )
    if "422" in lowered or "already exists" in lowered:
        return Conflict("GitHub refused the change: it conflicts with the repository as it is.")
    return GitHubError("GitHub did not answer properly; try again in a few minutes.")


class GitHubMCP:
    """One running ``github-mcp-server`` process and its MCP client session."""

    def __init__(self, session: ClientSession, timeout: float) -> None:
        self._session = session
        self._timeout = timeout

    async def call(self, tool: str, arguments: dict[str, Any], *, raw: bool = False) -> Any:
        """Call ``tool``; return its JSON result (``raw``: its last text), or raise clearly."""
        try:
            with (
                tracing.span(f"mcp github {tool}", mcp_server="github", tool=tool),
                anyio.fail_after(self._timeout),
            ):
                result = await self._session.call_tool(tool, arguments)
        except TimeoutError as exc:
            raise GitHubError("GitHub did not answer in time; try again.") from exc
        except MCPError as exc:
            raise _classify(str(exc)) from exc
        texts = [getattr(c, "text", None) for c in result.content]
        texts += [getattr(getattr(c, "resource", None), "text", None) for c in result.content]
        parts = [t for t in texts if isinstance(t, str)]
        if result.is_error:
            raise _classify(" ".join(parts) or "unknown error")
        if raw:
            # File contents come as an embedded resource after a status line.
            return parts[-1] if parts else ""
        for part in parts:
            try:
                return json.loads(part)
            except ValueError:
                continue
        return None

    async def tool_names(self) -> set[str]:
        """The tools this server offers (a read-only server offers no write tool)."""
        listed = await self._session.list_tools()
        return {tool.name for tool in listed.tools}

    # ---- reading ----

    async def me(self) -> dict[str, Any]:
        return await self.call("get_me", {})

    async def search_repositories(self, owner: str, text: str = "") -> list[dict[str, Any]]:
        query = " ".join(p for p in (text.strip(), f"user:{owner}" if owner else "") if p)
        found = await self.call("search_repositories", {"query": query or "stars:>=0"})
        return list((found or {}).get("items", []))

    async def search_orgs(self, text: str) -> list[str]:
        found = await self.call("search_orgs", {"query": text or "type:org"})
        return [item["login"] for item in (found or {}).get("items", [])]

    async def list_dir(self, owner: str, repo: str, path: str, ref: str) -> list[dict[str, Any]]:
        found = await self.call(
            "get_file_contents",
            # A trailing slash tells the server it is a directory.
            {
                "owner": owner,
                "repo": repo,
                "path": f"{path.strip('/')}/",
                "ref": f"refs/heads/{ref}",
            },
        )
        return found if isinstance(found, list) else []

    async def read_file(self, owner: str, repo: str, path: str, ref: str) -> str:
        found = await self.call(
            "get_file_contents",
            {"owner": owner, "repo": repo, "path": path, "ref": f"refs/heads/{ref}"},
            raw=True,
        )
        return str(found)

    async def branches(self, owner: str, repo: str) -> dict[str, str]:
        found = await self.call("list_branches", {"owner": owner, "repo": repo, "perPage": 100})
        return {b["name"]: b["commit"]["sha"] for b in found or []}

    async def commit_messages(self, owner: str, repo: str, branch: str) -> list[str]:
        """The messages of the newest commits on ``branch``."""
        found = await self.call(
            "list_commits", {"owner": owner, "repo": repo, "sha": branch, "perPage": 10}
        )
        return [str(c.get("commit", {}).get("message", "")) for c in found or []]

    async def find_pull(self, owner: str, repo: str, branch: str) -> dict[str, Any] | None:
        found = await self.call(
            "list_pull_requests",
            {"owner": owner, "repo": repo, "head": f"{owner}:{branch}", "state": "all"},
        )
        pulls = [p for p in found or [] if p.get("head", {}).get("ref") == branch]
        return pulls[0] if pulls else None

    # ---- writing (only in a session opened with write=True) ----

    async def create_branch(self, owner: str, repo: str, branch: str, base: str) -> None:
        await self.call(
            "create_branch", {"owner": owner, "repo": repo, "branch": branch, "from_branch": base}
        )

    async def push_files(
        self, owner: str, repo: str, branch: str, files: dict[str, str], message: str
    ) -> str:
        found = await self.call(
            "push_files",
            {
                "owner": owner,
                "repo": repo,
                "branch": branch,
                "message": message,
                "files": [{"path": p, "content": c} for p, c in sorted(files.items())],
            },
        )
        return str((found or {}).get("object", {}).get("sha", ""))

    async def open_pull(
        self, owner: str, repo: str, branch: str, base: str, title: str, body: str
    ) -> dict[str, Any]:
        return await self.call(
            "create_pull_request",
            {
                "owner": owner,
                "repo": repo,
                "head": branch,
                "base": base,
                "title": title,
                "body": body,
            },
        )


@asynccontextmanager
async def connect(token: str, *, write: bool = False) -> AsyncIterator[GitHubMCP]:
    """Start the MCP server for ``token`` (read-only unless ``write``) and yield a client."""
    command = server_command()
    if not command:
        raise GitHubError(
            "The GitHub MCP server is not installed on this server; ask the operator to "
            "install github-mcp-server or set AIXPLORE_GITHUB_MCP_COMMAND."
        )
    args = ["stdio", "--toolsets", WRITE_TOOLSETS if write else READ_TOOLSETS]
    if not write:
        args.append("--read-only")
    timeout = float(get_settings().github_mcp_timeout)
    params = StdioServerParameters(command=command, args=args, env=_environment(token))
    try:
        async with (
            stdio_client(params) as (read, write_stream),
            ClientSession(read, write_stream) as session,
        ):
            with anyio.fail_after(timeout):
                await session.initialize()
            yield GitHubMCP(session, timeout)
    except TimeoutError as exc:
        raise GitHubError("The GitHub MCP server did not start in time; try again.") from exc
    except (OSError, anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
        raise GitHubError(
            "The GitHub MCP server stopped unexpectedly; try again in a minute."
        ) from exc
    except BaseExceptionGroup as group:
        fatal = [e for e in _leaves(group) if not isinstance(e, Exception)]
        if fatal:  # a cancelled or killed worker stays killed
            raise fatal[0] from group
        domain = [e for e in _leaves(group) if isinstance(e, DomainError)]
        if domain:
            raise domain[0] from group
        if any(isinstance(e, TimeoutError) for e in _leaves(group)):
            raise GitHubError("The GitHub MCP server did not start in time; try again.") from group
        raise GitHubError("The GitHub MCP server stopped unexpectedly; try again.") from group


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


class GitHubRepositories:
    """GitHub as the order domain reads it (``RepositoryHost``): repositories by full name."""

    def __init__(self, client: GitHubMCP) -> None:
        self._gh = client

    async def account(self) -> str:
        return str((await self._gh.me())["login"])

    async def search(self, owner: str, text: str) -> list[RepositoryInfo]:
        return [
            RepositoryInfo(
                name=str(r.get("full_name", "")),
                description=str(r.get("description") or ""),
                default_branch=str(r.get("default_branch") or "main"),
                private=bool(r.get("private")),
            )
            for r in await self._gh.search_repositories(owner, text)
        ]

    async def organizations(self, text: str) -> list[str]:
        return await self._gh.search_orgs(text)

    async def branches(self, repo: str) -> dict[str, str]:
        return await self._gh.branches(*_split(repo))

    async def list_dir(self, repo: str, path: str, ref: str) -> list[dict[str, Any]]:
        return await self._gh.list_dir(*_split(repo), path, ref)

    async def read_file(self, repo: str, path: str, ref: str) -> str:
        return await self._gh.read_file(*_split(repo), path, ref)


def _split(full_name: str) -> tuple[str, str]:
    owner, _, name = full_name.partition("/")
    return owner, name


@asynccontextmanager
async def open_repositories(token: str | None) -> AsyncIterator[GitHubRepositories]:
    """GitHub for ``token``, read-only (the wizard's scan and search)."""
    if not token:
        raise ValidationFailed("Connect GitHub first.")
    async with connect(token) as client:
        yield GitHubRepositories(client)
