"""The real github-mcp-server against the local fake GitHub: search, orgs, scan, faults."""

from __future__ import annotations

import anyio
import pytest

from aixplore.core.errors import DomainError, NotFound, ServiceUnavailable, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.orders.scan import detect_framework, overwritten, scan_repository
from aixplore.integrations import github_mcp
from tests.support.fake_github import FakeGitHub
from tests.support.github_fixture import OTHER_TOKEN, TOKEN


def _run(func, *args):
    return anyio.run(func, *args)


def test_search_user_and_org_repositories_read_only(fake_github: FakeGitHub) -> None:
    async def main() -> tuple:
        async with github_mcp.connect(TOKEN) as gh:
            me = await gh.me()
            mine = await gh.search_repositories("octo")
            lib = await gh.search_repositories("octo", "library")
            orgs = await gh.search_orgs("acme")
            org_repos = await gh.search_repositories("acme")
            return me, mine, lib, orgs, org_repos

    me, mine, lib, orgs, org_repos = _run(main)
    assert me["login"] == "octo"
    assert [r["full_name"] for r in mine] == ["octo/library", "octo/notes"]
    assert [r["full_name"] for r in lib] == ["octo/library"]
    assert orgs == ["acme"]
    assert [r["full_name"] for r in org_repos] == ["acme/storefront"]
    # Read-only: the server was started without any write tool and made no write request.
    assert all(method == "GET" for method, _ in fake_github.requests)


def test_read_only_session_has_no_write_tools(fake_github: FakeGitHub) -> None:
    async def main() -> set[str]:
        async with github_mcp.connect(TOKEN) as gh:
            names = await gh.tool_names()
            with pytest.raises(DomainError):
                await gh.create_branch("octo", "library", "evil", "main")
            return names

    names = _run(main)
    assert "search_repositories" in names and "get_file_contents" in names
    assert not names & {"create_branch", "push_files", "create_pull_request"}
    assert fake_github.branch_sha(fake_github.repos["octo/library"], "evil") is None


def test_scan_reports_languages_framework_and_overwritten_files(fake_github: FakeGitHub) -> None:
    async def main() -> tuple:
        async with github_mcp.open_repositories(TOKEN) as gh:
            return (
                await scan_repository(gh, "octo/library", "main"),
                await scan_repository(gh, "acme/storefront", "main"),
            )

    library, store = _run(main)
    assert library["framework"] == "flask" and library["file_count"] == 4
    assert library["languages"]["Python"] > 0
    assert library["size_bytes"] == sum(
        len(v) for v in ("# Library\n", "flask==3.0\n", "print('hello')\n")
    )
    assert store["framework"] == "nextjs" and store["warnings"]
    assert overwritten(library, ["README.md", "api/app.py"]) == ["README.md"]


def test_another_users_private_repository_and_unknown_branch_are_not_found(
    fake_github: FakeGitHub,
) -> None:
    async def scan(token: str, repo: str, ref: str) -> None:
        async with github_mcp.open_repositories(token) as gh:
            await scan_repository(gh, repo, ref)

    with pytest.raises(NotFound):
        _run(scan, OTHER_TOKEN, "acme/storefront", "main")
    with pytest.raises(NotFound, match="no branch"):
        _run(scan, TOKEN, "octo/library", "nope")


def test_revoked_token_gets_a_clear_message(fake_github: FakeGitHub) -> None:
    async def main() -> None:
        async with github_mcp.connect("ghp_revoked_token_000000000") as gh:
            await gh.me()

    with pytest.raises(ValidationFailed, match="connect GitHub again"):
        _run(main)


def test_a_hanging_or_missing_server_is_bounded(
    fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    hang = tmp_path / "hang.sh"
    hang.write_text("#!/bin/sh\nsleep 30\n")
    hang.chmod(0o755)
    monkeypatch.setattr(get_settings(), "github_mcp_command", str(hang))
    monkeypatch.setattr(get_settings(), "github_mcp_timeout", 1.5)

    async def main() -> None:
        async with github_mcp.connect(TOKEN) as gh:
            await gh.me()

    with pytest.raises(ServiceUnavailable, match="did not start in time"):
        _run(main)
    crash = tmp_path / "crash.sh"
    crash.write_text("#!/bin/sh\nexit 3\n")
    crash.chmod(0o755)
    monkeypatch.setattr(get_settings(), "github_mcp_command", str(crash))
    with pytest.raises(ServiceUnavailable):
        _run(main)


def test_framework_detection_rules() -> None:
    assert detect_framework({"manage.py": ""}) == "django"
    assert detect_framework({"requirements.txt": "FastAPI==0.1"}) == "fastapi"
    assert detect_framework({"package.json": '{"dependencies": {"react": "18"}}'}) == "react"
    assert detect_framework({"package.json": "not json"}) == "node"
    assert detect_framework({}) == "none"
