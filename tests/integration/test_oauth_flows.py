"""OAuth2 authorization server, conformance-style over HTTP: the code flow with PKCE, codes,
redirect URIs, consent and the organization policy (tokens and JWTs: test_oauth_tokens)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlmodel import select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.oauth import authorize as flow
from aixplore.domain.oauth.models import OAuthApp, OAuthGrant
from tests.factories import actor_for, join_org, make_member, make_org, sign_in
from tests.oauth_support import (
    authorize_params,
    browser,
    call_api,
    consent,
    exchange,
    grant_code,
    pkce,
    query_of,
    register,
)


def _actions() -> list[str]:
    with read_scope() as db:
        return [e.action for e in db.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()]  # type: ignore[arg-type]


def test_the_code_flow_with_pkce_gives_a_token_the_api_accepts() -> None:
    app = register(make_member().email)
    member = make_member()
    api = browser(member.email)
    verifier, challenge = pkce()
    page = api.get("/api/oauth/authorize", params=authorize_params(app, challenge))
    assert page.status_code == 200
    assert "Authorize Photo Sync" in page.text
    assert "See your orders" in page.text and "See, create and change your solutions" in page.text
    response = consent(api, authorize_params(app, challenge))
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("https://app.example.com/callback?")
    answer = query_of(location)
    assert answer["state"] == "xyz-state"
    token = exchange(api, app, answer["code"], verifier)
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "solutions:write orders:read"
    assert token.headers["cache-control"] == "no-store"
    assert call_api(api, body["access_token"]).status_code == 200
    assert "oauth.granted" in _actions()


def test_cancel_sends_access_denied_with_the_state_back() -> None:
    app = register(make_member().email)
    _verifier, challenge = pkce()
    response = consent(browser(make_member().email), authorize_params(app, challenge), "deny")
    assert response.status_code == 303
    assert query_of(response.headers["location"]) == {
        "error": "access_denied",
        "error_description": "The user did not authorize the app.",
        "state": "xyz-state",
    }


def test_a_replayed_code_is_refused_and_revokes_what_it_gave() -> None:
    app = register(make_member().email)
    api = browser(make_member().email)
    code, verifier = grant_code(api, app)
    first = exchange(api, app, code, verifier)
    assert first.status_code == 200
    again = exchange(api, app, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    refused = call_api(api, first.json()["access_token"])
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert "oauth.code_replayed" in _actions()


def test_a_code_used_by_another_client_is_refused_and_stays_usable_by_its_own() -> None:
    owner = make_member().email
    app, other = register(owner), register(owner, name="Other")
    api = browser(make_member().email)
    code, verifier = grant_code(api, app)
    stolen = exchange(api, other, code, verifier)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert exchange(api, app, code, verifier).status_code == 200


def test_the_redirect_uri_must_match_at_the_token_endpoint() -> None:
    app = register(make_member().email)
    api = browser(make_member().email)
    code, verifier = grant_code(api, app)
    wrong = exchange(api, app, code, verifier, redirect_uri="https://app.example.com/other")
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example.net/callback",
        "https://app.example.com/callback/",
        "https://app.example.com/callback?x=1",
        "",
    ],
)
def test_an_unregistered_redirect_uri_gets_a_page_never_a_redirect(redirect_uri: str) -> None:
    app = register(make_member().email)
    _verifier, challenge = pkce()
    params = authorize_params(app, challenge, redirect_uri=redirect_uri or "-")
    page = browser(make_member().email).get("/api/oauth/authorize", params=params)
    assert page.status_code == 400
    assert "location" not in page.headers
    assert "did not register" in page.text


def test_an_unknown_client_gets_a_page() -> None:
    query = urlencode({"client_id": "axpc_nope", "redirect_uri": "https://evil.example.net/"})
    page = browser(make_member().email).get(f"/api/oauth/authorize?{query}")
    assert page.status_code == 400 and "not registered" in page.text


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_challenge": "-", "code_challenge_method": "-"}, "must use PKCE"),
        ({"code_challenge_method": "plain"}, "S256"),
        ({"code_challenge_method": "-"}, "S256"),
        ({"code_challenge": "short"}, "not an S256 challenge"),
        ({"scope": "audit:read"}, "documented scopes"),
        ({"response_type": "token"}, "response_type=code"),
    ],
)
def test_bad_requests_go_back_to_the_app_with_the_error(change: dict[str, str], error: str) -> None:
    app = register(make_member().email)
    _verifier, challenge = pkce()
    params = authorize_params(app, challenge, **change)
    response = browser(make_member().email).get("/api/oauth/authorize", params=params)
    assert response.status_code == 303
    answer = query_of(response.headers["location"])
    assert error in answer["error_description"] and answer["state"] == "xyz-state"


@pytest.mark.parametrize("verifier", ["-", "x" * 43, "too-short"])
def test_a_missing_or_wrong_verifier_is_refused(verifier: str) -> None:
    app = register(make_member().email)
    api = browser(make_member().email)
    code, _right = grant_code(api, app)
    response = exchange(api, app, code, "", code_verifier=verifier)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_a_verifier_without_a_challenge_is_a_downgrade_and_refused() -> None:
    app = register(make_member().email, confidential=True)
    api = browser(make_member().email)
    code, verifier = grant_code(api, app, code_challenge="-", code_challenge_method="-")
    response = exchange(api, app, code, verifier)
    assert response.status_code == 400 and "no code_challenge" in response.text
    assert exchange(api, app, code, "-").json()["error"] == "invalid_grant"  # spent


def test_a_confidential_app_without_pkce_needs_its_secret() -> None:
    app = register(make_member().email, confidential=True)
    api = browser(make_member().email)
    code, _verifier = grant_code(api, app, code_challenge="-", code_challenge_method="-")
    wrong = exchange(api, app, code, "-", client_secret="axps_wrong")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert wrong.headers["www-authenticate"].startswith("Basic")
    assert exchange(api, app, code, "-").status_code == 200
    with read_scope() as db:
        row = db.exec(select(OAuthApp)).one()
        assert app.secret and row.secret_hash and app.secret not in row.secret_hash


def test_a_code_expires(settings, monkeypatch) -> None:
    monkeypatch.setattr(settings, "oauth_code_seconds", 10)
    app = register(make_member().email)
    api = browser(make_member().email)
    code, verifier = grant_code(api, app)
    from datetime import timedelta

    from sqlalchemy import update

    from aixplore.core.time import utcnow
    from aixplore.domain.oauth.models import OAuthCode

    with session_scope() as db:
        db.execute(update(OAuthCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = exchange(api, app, code, verifier)
    assert response.status_code == 400 and "expired" in response.text


def test_the_consent_form_needs_the_session_it_was_shown_to() -> None:
    app = register(make_member().email)
    _verifier, challenge = pkce()
    params = authorize_params(app, challenge)
    forged = browser(make_member().email).post(
        "/api/oauth/authorize", data={**params, "decision": "allow", "csrf": "0" * 64}
    )
    assert forged.status_code == 400 and "expired" in forged.text
    other_site = browser(make_member().email).post(
        "/api/oauth/authorize", data=params, headers={"Origin": "https://evil.example.net"}
    )
    assert other_site.status_code == 403
    with read_scope() as db:
        assert db.exec(select(OAuthGrant)).all() == []


def test_signed_out_visitors_are_asked_to_sign_in() -> None:
    app = register(make_member().email)
    _verifier, challenge = pkce()
    page = browser(make_member().email)
    page.cookies.clear()
    response = page.get("/api/oauth/authorize", params=authorize_params(app, challenge))
    assert response.status_code == 401 and "/login?next=" in response.text


def test_an_org_that_forbids_apps_refuses_its_members_with_a_clear_page() -> None:
    owner = make_member()
    org_id = make_org(owner.email)
    api, app = browser(owner.email), register(make_member().email)
    code, verifier = grant_code(api, app)
    token = exchange(api, app, code, verifier).json()
    stranger, member = make_member().email, make_member().email
    join_org(org_id, owner.email, member)
    with session_scope() as db, pytest.raises(NotFound, match="No such organization"):
        flow.do_set_apps_policy(db, actor_for(sign_in(stranger)), org_id, False)
    with session_scope() as db, pytest.raises(PermissionDenied, match="organization admins"):
        flow.do_set_apps_policy(db, actor_for(sign_in(member)), org_id, False)
    with session_scope() as db:
        flow.do_set_apps_policy(db, actor_for(sign_in(owner.email)), org_id, False)
    _verifier, challenge = pkce()
    page = api.get("/api/oauth/authorize", params=authorize_params(app, challenge))
    assert page.status_code == 403
    assert "Acme Inc does not allow its members to authorize third-party apps" in page.text
    assert call_api(api, token["access_token"]).status_code == 401
    assert "org.third_party_apps_policy" in _actions()
