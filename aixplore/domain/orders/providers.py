"""Where an order's repository lives: GitHub, or a folder of local Git repositories.

The domain says what it needs from a repository host (:class:`RepositoryHost`: who the
credential belongs to, finding repositories, reading branches, folders and files) and from
the review of a local delivery (:class:`LocalReviewer`). The adapters in
``aixplore.integrations`` implement them, each through its provider's MCP server, and the
composition root (``aixplore.jobs.orders``, imported by the web app and every job worker)
registers them here; the domain never imports an adapter.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from aixplore.core.errors import ServiceUnavailable, ValidationFailed
from aixplore.core.settings import get_settings


class Provider(enum.StrEnum):
    """A kind of place repositories live."""

    GITHUB = "github"
    LOCAL = "local"


PROVIDER_NAMES = {Provider.GITHUB: "GitHub", Provider.LOCAL: "Local repositories"}
# A local repository's name: a folder ``<name>.git`` directly in the repositories folder.
LOCAL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# Set by the adapters on their "cannot reach the host at all" errors (network, DNS).
UNREACHABLE = "provider_unreachable"


def check_local_name(value: str) -> str:
    """A local repository name that cannot leave the repositories folder."""
    if not LOCAL_NAME.match(value) or value.endswith(".git") or ".." in value:
        msg = "Pick a local repository by its name (letters, digits, '.', '_' and '-')."
        raise ValueError(msg)
    return value


@dataclass(frozen=True)
class RepositoryInfo:
    """One repository found for the wizard."""

    name: str  # GitHub: owner/name; local: the folder's name without ``.git``
    description: str
    default_branch: str
    private: bool


class RepositoryReader(Protocol):
    """Read-only access to repositories (the scan)."""

    async def branches(self, repo: str) -> dict[str, str]:
        """Branch names and their commit ids ("" where the host does not say)."""
        ...

    async def list_dir(self, repo: str, path: str, ref: str) -> list[dict[str, Any]]:
        """Entries of a folder at ``ref``: ``path``, ``name``, ``type`` (file/dir), ``size``."""
        ...

    async def read_file(self, repo: str, path: str, ref: str) -> str:
        """A file's text at ``ref``."""
        ...


class RepositoryHost(RepositoryReader, Protocol):
    """A provider as the wizard uses it, opened for one credential (read-only)."""

    async def account(self) -> str:
        """Who the credential belongs to ("" where there is no account)."""
        ...

    async def search(self, owner: str, text: str) -> list[RepositoryInfo]:
        """Repositories of ``owner`` (GitHub) whose name contains ``text``."""
        ...

    async def organizations(self, text: str) -> list[str]:
        """Organizations matching ``text`` (none for local repositories)."""
        ...


@dataclass(frozen=True)
class Change:
    """The newest commit of a branch: its id, message and patch against its parent."""

    sha: str
    message: str
    patch: str


class LocalReviewer(Protocol):
    """What a review request needs from one local repository."""

    async def change(self, branch: str) -> Change:
        """The branch's newest commit (the delivered one)."""
        ...

    async def merge(self, branch: str, base: str, message: str) -> tuple[str, str]:
        """Merge ``branch`` into ``base``; the base's new commit id and how it was merged.

        How: "fast-forward", "merge commit" or "already merged" (a repeat changes nothing).
        """
        ...

    async def delete_branch(self, branch: str) -> bool:
        """Delete ``branch``; False when it was already gone."""
        ...


@dataclass(frozen=True)
class ProviderAdapter:
    """A provider's adapter as registered by the composition root."""

    provider: Provider
    available: Callable[[], bool]
    open: Callable[[str | None], AbstractAsyncContextManager[RepositoryHost]]
    reviewer: Callable[[str], AbstractAsyncContextManager[LocalReviewer]] | None = None


_adapters: dict[Provider, ProviderAdapter] = {}


def register(adapter: ProviderAdapter) -> None:
    """Make ``adapter`` the way to reach its provider (the composition root calls this)."""
    _adapters[adapter.provider] = adapter


def adapter(provider: Provider) -> ProviderAdapter:
    """The registered adapter of ``provider``."""
    found = _adapters.get(provider)
    if found is None:
        raise ServiceUnavailable(f"{PROVIDER_NAMES[provider]} cannot be reached from here.")
    return found


def parse_provider(value: Any) -> Provider:
    """A provider key from the browser, or a clear refusal."""
    try:
        return Provider(value)
    except ValueError as exc:
        raise ValidationFailed("Choose GitHub or local repositories.") from exc


def available_providers() -> list[Provider]:
    """The providers this deployment offers: GitHub always, local when its folder exists."""
    return [p for p in Provider if p is Provider.GITHUB or _is_available(p)]


def _is_available(provider: Provider) -> bool:
    found = _adapters.get(provider)
    return found is not None and found.available()


def default_provider(github_connected: bool) -> Provider:
    """GitHub when the user connected it or an OAuth app is set up, else local if offered."""
    if github_connected or get_settings().github_oauth_enabled:
        return Provider.GITHUB
    return Provider.LOCAL if _is_available(Provider.LOCAL) else Provider.GITHUB


def open_host(provider: Provider, credential: str | None) -> AbstractAsyncContextManager[Any]:
    """Open ``provider`` for ``credential`` (read-only); an async context of a host."""
    return adapter(provider).open(credential)


def open_reviewer(repo: str) -> AbstractAsyncContextManager[LocalReviewer]:
    """Open the local repository ``repo`` for its review request."""
    found = adapter(Provider.LOCAL)
    if found.reviewer is None:
        raise ServiceUnavailable("Local repositories cannot be reviewed from here.")
    return found.reviewer(repo)
