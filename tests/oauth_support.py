"""Helpers for the OAuth tests: apps registered through the service, the consent form posted
as a browser would, tokens exchanged over HTTP on the real API app."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.core.db import session_scope
from aixplore.domain.oauth import apps
from tests.factories import actor_for, make_member, sign_in

REDIRECT = "https://app.example.com/callback"


@dataclass
class App:
    """A registered app: its client id, secret ("" when public) and redirect URI."""

    client_id: str
    secret: str
    redirect_uri: str = REDIRECT

    def creds(self) -> dict[str, str]:
        """Client authentication in the form (client_secret_post, or none for public)."""
        out = {"client_id": self.client_id}
        if self.secret:
            out["client_secret"] = self.secret
        return out


def register(owner_email: str, *, confidential: bool = False, name: str = "Photo Sync") -> App:
    """Register an app for ``owner_email``."""
    with session_scope() as db:
        public, secret = apps.do_register_app(
            db,
            actor_for(sign_in(owner_email)),
            {"name": name, "redirect_uris": [REDIRECT], "confidential": confidential},
        )
    return App(public.client_id, secret)


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def browser(email: str) -> TestClient:
    """The API app with ``email`` signed in, as their browser holds the session."""
    api = TestClient(build_api(), follow_redirects=False)
    api.cookies.set("aixplore_session", sign_in(email))
    return api


def authorize_params(app: App, challenge: str, **change: str) -> dict[str, str]:
    """An authorization request's parameters."""
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "scope": "orders:read solutions:write",
        "state": "xyz-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(change)
    return {k: v for k, v in params.items() if v != "-"}


def consent(api: TestClient, params: dict[str, str], decision: str = "allow") -> Any:
    """Open the consent screen and answer it; the final response (a redirect)."""
    page = api.get("/api/oauth/authorize", params=params)
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r"name='([a-z_]+)' value='([^']*)'", page.text))
    return api.post("/api/oauth/authorize", data={**fields, "decision": decision})


def query_of(location: str) -> dict[str, str]:
    """The query of a redirect's location, one value per name."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def grant_code(api: TestClient, app: App, **change: str) -> tuple[str, str]:
    """Authorize ``app`` through the consent screen; the code and its verifier."""
    verifier, challenge = pkce()
    response = consent(api, authorize_params(app, challenge, **change))
    assert response.status_code == 303, response.text
    return query_of(response.headers["location"])["code"], verifier


def exchange(api: TestClient, app: App, code: str, verifier: str, **change: str) -> Any:
    """The token endpoint's answer to a code."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.redirect_uri,
        "code_verifier": verifier,
        **app.creds(),
    }
    form.update(change)
    return api.post("/api/oauth/token", data={k: v for k, v in form.items() if v != "-"})


def tokens_for(email: str | None = None) -> tuple[TestClient, App, dict[str, Any]]:
    """A member who authorized a public app: their browser, the app and its tokens."""
    email = email or make_member().email
    app = register(make_member().email)
    api = browser(email)
    code, verifier = grant_code(api, app)
    response = exchange(api, app, code, verifier)
    assert response.status_code == 200, response.text
    return api, app, response.json()


def refresh(api: TestClient, app: App, token: str) -> Any:
    """The token endpoint's answer to a refresh token."""
    form = {"grant_type": "refresh_token", "refresh_token": token, **app.creds()}
    return api.post("/api/oauth/token", data=form)


def call_api(api: TestClient, access_token: str) -> Any:
    """A REST call needing ``orders:read``."""
    return api.get("/api/v1/orders", headers={"Authorization": f"Bearer {access_token}"})
