"""The OAuth2 server's endpoints are rate limited: 429, Retry-After and an OAuth error body."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.core.settings import get_settings
from tests.factories import make_member
from tests.oauth_support import authorize_params, browser, pkce, register


def test_the_token_endpoint_refuses_a_client_past_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "oauth_limit_per_client", "3/minute")
    api = TestClient(build_api())
    guessed = {"grant_type": "authorization_code", "code": "guess", "client_id": "someone"}
    answers = [api.post("/api/oauth/token", data=guessed) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [401, 401, 401]  # unknown client
    assert answers[2].headers["X-RateLimit-Remaining"] == "0"
    refused = answers[3]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["Cache-Control"] == "no-store"
    assert refused.json()["error"] == "temporarily_unavailable"
    assert "Rate limit of 3/minute" in refused.json()["error_description"]
    # Counted per app: another client id, and revocation by it, still go through.
    other = {"token": "x", "client_id": "another"}
    assert api.post("/api/oauth/revoke", data=other).status_code == 401
    # Revocation and introspection share the first client's budget, with HTTP Basic too.
    basic = {"Authorization": "Basic c29tZW9uZTpzZWNyZXQ="}  # someone:secret
    assert api.post("/api/oauth/introspect", data={"token": "x"}, headers=basic).status_code == 429


def test_client_calls_are_limited_per_address_across_client_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "oauth_limit_per_ip", "2/minute")
    api = TestClient(build_api())
    codes = [
        api.post("/api/oauth/token", data={"grant_type": "x", "client_id": f"c{n}"}).status_code
        for n in range(3)
    ]
    assert 429 not in codes[:2] and codes[2] == 429  # rotating client ids does not help


def test_the_consent_page_is_limited_per_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "oauth_authorize_limit_per_ip", "2/minute")
    app = register(make_member().email)
    api = browser(make_member().email)
    params = authorize_params(app, pkce()[1])
    assert api.get("/api/oauth/authorize", params=params).status_code == 200
    assert api.get("/api/oauth/authorize", params=params).status_code == 200
    page = api.get("/api/oauth/authorize", params=params)
    assert page.status_code == 429 and int(page.headers["Retry-After"]) >= 1
    assert "Too many requests" in page.text and "Back to AiXplore" in page.text
    # The consent form's post counts in the same budget (refused before anything is read).
    posted = api.post("/api/oauth/authorize", data={**params, "decision": "allow"})
    assert posted.status_code == 429
    # The app's own calls are counted apart: its token endpoint still answers.
    assert api.post("/api/oauth/token", data={"client_id": app.client_id}).status_code != 429
