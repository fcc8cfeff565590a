"""OAuth2 tokens over HTTP: refresh rotation and reuse detection, revocation (RFC 7009),
introspection (RFC 7662), JWKS and metadata, and every bad JWT the REST API must refuse."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlmodel import select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.oauth import apps, grants, tokens
from aixplore.domain.oauth.models import OAuthGrant, OAuthSigningKey
from tests.factories import actor_for, join_org, make_member, make_org, sign_in
from tests.oauth_support import App, call_api, refresh, register, tokens_for


def _actions() -> list[str]:
    with read_scope() as db:
        return [e.action for e in db.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()]  # type: ignore[arg-type]


def test_refresh_tokens_rotate_on_every_use() -> None:
    api, app, first = tokens_for()
    second = refresh(api, app, first["refresh_token"])
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["refresh_token"] != first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    assert call_api(api, body["access_token"]).status_code == 200
    assert refresh(api, app, body["refresh_token"]).status_code == 200


def test_a_reused_refresh_token_revokes_the_whole_family() -> None:
    api, app, first = tokens_for()
    second = refresh(api, app, first["refresh_token"]).json()
    reused = refresh(api, app, first["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert "already used" in reused.json()["error_description"]
    # The attacker's or the app's newest token: both dead, and the access tokens too.
    assert refresh(api, app, second["refresh_token"]).json()["error"] == "invalid_grant"
    assert call_api(api, second["access_token"]).status_code == 401
    with read_scope() as db:
        assert db.exec(select(OAuthGrant)).one().revoked_reason == "refresh_reused"
    assert "oauth.refresh_reused" in _actions()


def test_a_refresh_token_of_another_client_is_refused() -> None:
    api, _app, first = tokens_for()
    other = register(make_member().email, name="Other")
    response = refresh(api, other, first["refresh_token"])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("which", ["refresh_token", "access_token"])
def test_revocation_ends_the_grant_and_its_tokens(which: str) -> None:
    api, app, first = tokens_for()
    response = api.post("/api/oauth/revoke", data={"token": first[which], **app.creds()})
    assert response.status_code == 200
    assert call_api(api, first["access_token"]).status_code == 401
    assert refresh(api, app, first["refresh_token"]).status_code == 400
    assert "oauth.revoked" in _actions()


def test_revoking_in_settings_refuses_the_apps_tokens_at_once() -> None:
    email = make_member().email
    api, app, first = tokens_for(email)
    member = actor_for(sign_in(email))
    with session_scope() as db:
        listed = grants.list_my_grants(db, member)
        assert [g.app_name for g in listed] == ["Photo Sync"]
        assert listed[0].scopes_in_words == [
            "See, create and change your solutions",
            "See your orders",
        ]
        grants.do_revoke_grant(db, member, listed[0].id)
    refused = call_api(api, first["access_token"])
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert refresh(api, app, first["refresh_token"]).status_code == 400
    with session_scope() as db:
        assert grants.list_my_grants(db, member) == []
    assert "oauth.revoked" in _actions()


def test_revocation_of_an_unknown_token_is_fine_and_of_another_clients_refused() -> None:
    api, app, first = tokens_for()
    other = register(make_member().email, name="Other")
    unknown = api.post("/api/oauth/revoke", data={"token": "nothing", **app.creds()})
    assert unknown.status_code == 200
    theirs = api.post("/api/oauth/revoke", data={"token": first["refresh_token"], **other.creds()})
    assert theirs.status_code == 400 and theirs.json()["error"] == "unauthorized_client"
    assert call_api(api, first["access_token"]).status_code == 200


def test_introspection_tells_only_the_owning_client_about_active_tokens() -> None:
    api, app, first = tokens_for()
    other = register(make_member().email, name="Other")
    seen = api.post("/api/oauth/introspect", data={"token": first["access_token"], **app.creds()})
    assert seen.status_code == 200
    body = seen.json()
    assert body["active"] is True and body["token_type"] == "access_token"
    assert body["client_id"] == app.client_id and body["scope"] == "solutions:write orders:read"
    assert body["aud"] == tokens.audience()
    kept = api.post("/api/oauth/introspect", data={"token": first["refresh_token"], **app.creds()})
    assert kept.json()["active"] is True and kept.json()["token_type"] == "refresh_token"
    hidden = api.post(
        "/api/oauth/introspect", data={"token": first["access_token"], **other.creds()}
    )
    assert hidden.json() == {"active": False}
    nothing = api.post("/api/oauth/introspect", data={"token": "abc.def.ghi", **app.creds()})
    assert nothing.json() == {"active": False}
    refresh(api, app, first["refresh_token"])
    spent = api.post("/api/oauth/introspect", data={"token": first["refresh_token"], **app.creds()})
    assert spent.json() == {"active": False}


def test_a_confidential_client_authenticates_with_http_basic() -> None:
    app = register(make_member().email, confidential=True)
    api, _public, first = tokens_for()
    basic = base64.b64encode(f"{app.client_id}:{app.secret}".encode()).decode()
    response = api.post(
        "/api/oauth/introspect",
        data={"token": first["access_token"]},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200 and response.json() == {"active": False}
    bad = base64.b64encode(f"{app.client_id}:wrong".encode()).decode()
    refused = api.post(
        "/api/oauth/introspect", data={"token": "x"}, headers={"Authorization": f"Basic {bad}"}
    )
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"


def test_jwks_and_metadata_publish_the_current_and_previous_keys() -> None:
    api, _app, first = tokens_for()
    header = json.loads(base64.urlsafe_b64decode(first["access_token"].split(".")[0] + "=="))
    assert header["alg"] == "RS256"
    keys = api.get("/.well-known/jwks.json").json()["keys"]
    assert [k["kid"] for k in keys] == [header["kid"]]
    assert all("d" not in k for k in keys)  # never the private part
    with session_scope() as db:
        new_kid = tokens.do_rotate_signing_key(db)
    keys = api.get("/.well-known/jwks.json").json()["keys"]
    assert [k["kid"] for k in keys] == [new_kid, header["kid"]]
    assert call_api(api, first["access_token"]).status_code == 200  # previous key still valid
    meta = api.get("/.well-known/oauth-authorization-server").json()
    assert meta["issuer"] == tokens.issuer()
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["jwks_uri"].endswith("/.well-known/jwks.json")
    with read_scope() as db:
        stored = db.exec(select(OAuthSigningKey)).all()
        assert all(row.private_key.startswith("v1.") for row in stored)  # encrypted


def _claims(**change: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": tokens.issuer(),
        "aud": tokens.audience(),
        "sub": "0",
        "client_id": "",
        "grant_id": 0,
        "scope": "orders:read",
        "iat": now,
        "exp": now + 300,
    }
    claims.update(change)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _forge(kind: str, good: str) -> str:
    """A token that must be refused, modelled on the good token ``good``."""
    claims = json.loads(base64.urlsafe_b64decode(good.split(".")[1] + "=="))
    kid = json.loads(base64.urlsafe_b64decode(good.split(".")[0] + "=="))["kid"]
    with session_scope() as db:
        key = tokens.signing_key(db)
        public_pem = RSAKey.import_key(tokens.jwks(db)["keys"][0]).as_pem(private=False)

    def signed(**change: object) -> str:
        return jwt.encode({"alg": "RS256", "kid": kid}, {**claims, **change}, key)

    if kind == "alg_none":
        return f"{_b64({'alg': 'none', 'kid': kid})}.{_b64(claims)}."
    if kind == "hs256_with_public_key":
        # Written by hand: joserfc itself refuses to use a public key as an HMAC secret.
        signing_input = f"{_b64({'alg': 'HS256', 'kid': kid})}.{_b64(claims)}"
        mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"
    if kind == "unknown_kid":
        stranger = RSAKey.generate_key(2048, parameters={"kid": "not-ours"})
        return jwt.encode({"alg": "RS256", "kid": "not-ours"}, claims, stranger)
    if kind == "expired":
        return signed(exp=int(time.time()) - 120, iat=int(time.time()) - 900)
    if kind == "wrong_audience":
        return signed(aud="https://elsewhere.example.com/api")
    if kind == "wrong_issuer":
        return signed(iss="https://evil.example.net")
    if kind == "tampered":
        head, _body, sig = good.split(".")
        return f"{head}.{_b64({**claims, 'scope': 'orders:admin'})}.{sig}"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("alg_none", "must be signed with RS256"),
        ("hs256_with_public_key", "must be signed with RS256"),
        ("unknown_kid", "unknown key"),
        ("expired", "has expired"),
        ("wrong_audience", "'aud'"),
        ("wrong_issuer", "'iss'"),
        ("tampered", "signature is not valid"),
    ],
)
def test_bad_access_tokens_are_refused_with_the_reason(kind: str, reason: str) -> None:
    api, _app, first = tokens_for()
    assert call_api(api, first["access_token"]).status_code == 200
    response = call_api(api, _forge(kind, first["access_token"]))
    assert response.status_code == 401, response.text
    assert reason in response.json()["detail"]


def test_a_token_is_limited_to_its_scopes() -> None:
    api, _app, first = tokens_for()
    response = api.get(
        "/api/v1/webhooks", headers={"Authorization": f"Bearer {first['access_token']}"}
    )
    assert response.status_code == 403
    assert "access token lacks the 'webhooks:read' scope" in response.json()["detail"]


def test_members_manage_only_their_own_apps_and_grants() -> None:
    owner, intruder = make_member().email, make_member().email
    app = register(owner)
    tokens_for(intruder)
    stranger = actor_for(sign_in(intruder))
    with session_scope() as db:
        mine = apps.list_my_apps(db, actor_for(sign_in(owner)))
        assert [a.client_id for a in mine] == [app.client_id]
        assert apps.list_my_apps(db, stranger) == []
    edit = {"name": "Hijacked", "redirect_uris": ["https://evil.example.net/cb"]}
    for call in (
        lambda db: apps.do_update_app(db, stranger, mine[0].id, {**edit, "confidential": False}),
        lambda db: apps.do_delete_app(db, stranger, mine[0].id),
        lambda db: apps.do_new_secret(db, stranger, mine[0].id),
        lambda db: apps.do_update_app(db, stranger, "1", edit),
    ):
        with session_scope() as db, pytest.raises(NotFound):
            call(db)
    with session_scope() as db:
        grant_id = grants.list_my_grants(db, stranger)[0].id
    with session_scope() as db, pytest.raises(NotFound):
        grants.do_revoke_grant(db, actor_for(sign_in(owner)), grant_id)
    with read_scope() as db:
        assert db.get(OAuthGrant, grant_id).revoked_at is None  # type: ignore[union-attr]


def test_org_admins_manage_the_orgs_apps_and_bad_forms_are_refused() -> None:
    owner = make_member().email
    org_id = make_org(owner)
    with session_scope() as db:
        public, secret = apps.do_register_app(
            db,
            actor_for(sign_in(owner)),
            {"name": "Acme CI", "redirect_uris": [App("", "").redirect_uri]},
            org_id=org_id,
        )
    assert public.org_id == org_id and secret.startswith("axps_")
    for form in (
        {"name": "x", "redirect_uris": ["http://app.example.com/cb"]},
        {"name": "x", "redirect_uris": ["https://app.example.com/cb#frag"]},
        {"name": "x", "redirect_uris": ["javascript:alert(1)"]},
        {"name": "x", "redirect_uris": []},
        {"name": "x", "redirect_uris": ["https://a.example/cb"], "logo_url": "http://x/l.png"},
        "not a form",
    ):
        with session_scope() as db, pytest.raises(ValidationFailed):
            apps.do_register_app(db, actor_for(sign_in(owner)), form)
    with session_scope() as db:
        ok, _ = apps.do_register_app(
            db,
            actor_for(sign_in(owner)),
            {"name": "Local", "redirect_uris": ["http://127.0.0.1:8765/cb"], "confidential": False},
        )
    assert ok.redirect_uris == ["http://127.0.0.1:8765/cb"]


def test_an_orgs_apps_are_listed_for_its_admins_only() -> None:
    owner, member, stranger = make_member().email, make_member().email, make_member().email
    org_id = make_org(owner)
    join_org(org_id, owner, member)
    form = {"name": "Acme CI", "redirect_uris": [App("", "").redirect_uri]}
    admin, plain, outsider = (actor_for(sign_in(e)) for e in (owner, member, stranger))
    with session_scope() as db:
        apps.do_register_app(db, admin, form, org_id=org_id)
        apps.do_register_app(db, admin, {**form, "name": "Personal"})
    with read_scope() as db:
        assert [a.name for a in apps.list_org_apps(db, admin, org_id)] == ["Acme CI"]
        with pytest.raises(PermissionDenied):
            apps.list_org_apps(db, plain, org_id)
        with pytest.raises(NotFound):
            apps.list_org_apps(db, outsider, org_id)
