"""Shared set-up for the social sign-in tests: the real OpenID Provider as "Google", the fake
GitHub's OAuth pages as GitHub, and browsers (cookie jars) that go through them."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from aixplore.core.db import read_scope
from aixplore.core.settings import get_settings
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.social_login.models import SocialIdentity
from tests.integration.sso_helpers import APP, app_client
from tests.support.fake_github import FakeGitHub
from tests.support.github_fixture import SIGNIN_CLIENT_ID, SIGNIN_CLIENT_SECRET
from tests.support.idp.servers import OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, drive_login

GOOGLE_CALLBACK = f"{APP}/api/auth/google/callback"
GITHUB_CALLBACK = f"{APP}/api/auth/github/callback"


def configure_google(monkeypatch: pytest.MonkeyPatch, op_url: str) -> None:
    """Point "Continue with Google" at the running OpenID Provider."""
    settings = get_settings()
    monkeypatch.setattr(settings, "google_client_id", OIDC_CLIENT_ID)
    monkeypatch.setattr(settings, "google_client_secret", OIDC_CLIENT_SECRET)
    monkeypatch.setattr(
        settings, "google_discovery_url", f"{op_url}/.well-known/openid-configuration"
    )
    monkeypatch.setattr(settings, "base_url", APP)


def configure_github(monkeypatch: pytest.MonkeyPatch, gh: FakeGitHub, login: str = "octo") -> None:
    """Point "Continue with GitHub" at the fake GitHub (its browser user: ``login``)."""
    gh.add_oauth_app(SIGNIN_CLIENT_ID, SIGNIN_CLIENT_SECRET, login)
    settings = get_settings()
    monkeypatch.setattr(settings, "github_signin_client_id", SIGNIN_CLIENT_ID)
    monkeypatch.setattr(settings, "github_signin_client_secret", SIGNIN_CLIENT_SECRET)
    monkeypatch.setattr(settings, "github_web_url", gh.proxy_url)
    monkeypatch.setattr(settings, "github_api_url", f"{gh.proxy_url}/api/v3")
    monkeypatch.setattr(settings, "base_url", APP)


def query_of(url: str) -> dict[str, str]:
    """A URL's query as a flat dict."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def start(browser: TestClient, provider: str, **params: str) -> str:
    """Press "Continue with ..." (or a link's start): the provider's URL."""
    answer = browser.get(f"/api/auth/{provider}/start", params=params)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def google_login(authorize_url: str, login: str) -> str:
    """Sign in at the OpenID Provider as ``login``: the callback URL it sends back to."""
    back = drive_login(authorize_url, {"login": login}, app_origin=APP)
    return back.headers["location"]


def github_consent(authorize_url: str, decision: str = "authorize") -> str:
    """Press a button on the fake GitHub's consent page: the callback URL."""
    base = authorize_url.split("?")[0]
    answer = httpx.post(base, data={**query_of(authorize_url), "decision": decision})
    assert answer.status_code == 302
    return answer.headers["location"]


def follow(browser: TestClient, callback_url: str):
    """The browser follows the provider's redirect back to the app."""
    assert callback_url.startswith(APP), callback_url
    return browser.get(callback_url.removeprefix(APP))


def refused_with(answer, reason: str, provider: str, page: str = "/login") -> None:
    """The round trip ended on ``page`` with that failure code (and no session)."""
    assert answer.status_code == 303, answer.text
    target = answer.headers["location"]
    assert urlsplit(target).path == page, target
    assert query_of(target) == {"auth_error": reason, "provider": provider}
    assert "aixplore_session" not in answer.headers.get("set-cookie", "")


def identities() -> list[tuple[int, str, str]]:
    """Every linked provider identity: (user id, provider, email)."""
    with read_scope() as db:
        rows = db.exec(select(SocialIdentity).order_by(SocialIdentity.id)).all()
        return [(r.user_id, r.provider, r.email) for r in rows]


def audited(action: str) -> list[dict]:
    """The audit entries of one action: their actor and detail."""
    with read_scope() as db:
        rows = db.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.seq))
        ).all()
        return [{"actor": r.actor_id, "detail": json.loads(r.detail)} for r in rows]


__all__ = ["APP", "app_client"]
