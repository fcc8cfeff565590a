"""OIDC sign-in against a real OpenID Provider (panva's oidc-provider on a loopback port)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from aixplore.core.db import session_scope
from aixplore.domain.orgs import oidc, sso
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.models import OrgRole
from aixplore.domain.orgs.sso_models import SsoConnection
from tests.factories import actor_for, sign_in
from tests.integration.sso_helpers import (
    APP,
    app_client,
    configure_oidc,
    oidc_sign_in,
    org_with_admin,
    session_provider,
)
from tests.support.idp.servers import (
    OIDC_CLIENT_ID,
    OIDC_CLIENT_SECRET,
    drive_login,
    oidc_provider,
)


@pytest.fixture(scope="module")
def op():
    with oidc_provider([f"{APP}/api/sso/oidc/callback"]) as running:
        yield running


def test_round_trip_creates_user_membership_and_session(op) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = configure_oidc(op, actor, org.id)
    with session_scope() as db:
        stored = db.get(SsoConnection, conn_id)
        assert OIDC_CLIENT_SECRET not in stored.client_secret_enc
    client = app_client()
    done = oidc_sign_in(client, conn_id, "alice", return_to="/solutions")
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/solutions"
    raw = client.cookies.get("aixplore_session")
    alice = actor_for(raw)
    assert alice is not None and alice.email == "alice@acme.com"
    assert alice.display_name == "Alice Admin"
    assert session_provider(raw) == "oidc:acme"
    with session_scope() as db:
        mine = orgs.list_my_orgs(db, alice)
    assert [(o.slug, o.role) for o in mine] == [("acme", OrgRole.ADMIN)]  # groups -> role
    # A second sign-in reuses the account; bob (no admin group) is a plain member.
    bob_client = app_client()
    assert oidc_sign_in(bob_client, conn_id, "bob").status_code == 303
    bob = actor_for(bob_client.cookies.get("aixplore_session"))
    with session_scope() as db:
        assert orgs.get_org(db, bob, org.id).role == OrgRole.MEMBER


def test_idp_may_not_sign_in_addresses_outside_the_orgs_domains(op) -> None:
    # Changed on purpose: the answer no longer says whether an account exists. An address
    # outside the org's verified domains goes to the link page, which only that account's
    # password can get past; with no account there, nothing can.
    org, actor, _owner = org_with_admin()
    conn_id = configure_oidc(op, actor, org.id)
    client = app_client()
    done = oidc_sign_in(client, conn_id, "mallory")
    assert done.status_code == 303 and done.headers["location"] == "/api/sso/link"
    assert client.cookies.get("aixplore_session") is None
    page = client.get("/api/sso/link")
    assert "ceo@victim.com" in page.text and "password to link this identity" in page.text
    refused = client.post("/api/sso/link", data={"password": "anything-at-all"})
    assert refused.status_code == 400 and "incorrect" in refused.text
    assert client.cookies.get("aixplore_session") is None
    from aixplore.domain.accounts.services import get_user_by_email

    with session_scope() as db:
        assert get_user_by_email(db, "ceo@victim.com") is None
    # A test round trip says plainly why such an identity would not be signed in.
    client.cookies.set("aixplore_session", sign_in("owner@acme-corp.com"))
    tested = oidc_sign_in(client, conn_id, "mallory", test="true")
    assert tested.status_code == 400 and "may not sign in addresses at victim.com" in tested.text


def test_state_must_match_the_browser_and_works_once(op) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = configure_oidc(op, actor, org.id)
    client = app_client()
    start = client.get(f"/api/sso/oidc/{conn_id}/start")
    back = drive_login(start.headers["location"], {"login": "bob"}, app_origin=APP)
    callback = back.headers["location"]
    # Another browser (no state cookie) cannot complete it: login CSRF.
    other = app_client()
    refused = other.get(callback)
    assert refused.status_code == 400 and "state does not match" in refused.text
    # A tampered state is refused.
    query = parse_qs(urlsplit(callback).query)
    bad = client.get("/api/sso/oidc/callback", params={"code": query["code"][0], "state": "x" * 32})
    assert bad.status_code == 400 and "state does not match" in bad.text
    assert client.get(callback).status_code == 303
    # Replaying the same callback (state and code) is refused.
    again = client.get(callback)
    assert again.status_code == 400
    assert "already used" in again.text or "state does not match" in again.text


def test_wrong_client_secret_and_provider_errors_are_clear(op) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = configure_oidc(op, actor, org.id, client_secret="not-the-secret-at-all")
    done = oidc_sign_in(app_client(), conn_id, "bob")
    assert done.status_code == 400 and "code exchange failed" in done.text
    client = app_client()
    start = client.get(f"/api/sso/oidc/{conn_id}/start")
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    denied = client.get(
        "/api/sso/oidc/callback",
        params={"error": "access_denied", "error_description": "User said no", "state": state},
    )
    assert denied.status_code == 400 and "User said no" in denied.text


def test_missing_pkce_verifier_is_refused_by_the_provider(op) -> None:
    # Start a sign-in, then lose the verifier: the OP requires PKCE and refuses the code.
    org, actor, _owner = org_with_admin()
    conn_id = configure_oidc(op, actor, org.id)
    client = app_client()
    start = client.get(f"/api/sso/oidc/{conn_id}/start")
    from sqlalchemy import update

    from aixplore.domain.orgs.sso_models import SsoLoginState

    with session_scope() as db:
        db.execute(update(SsoLoginState).values(code_verifier_enc=""))
    back = drive_login(start.headers["location"], {"login": "bob"}, app_origin=APP)
    done = client.get(back.headers["location"])
    assert done.status_code == 400 and "code exchange failed" in done.text


def test_test_connection_round_trip_opens_no_session(op) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = configure_oidc(op, actor, org.id)
    client = app_client()
    client.cookies.set("aixplore_session", "not-a-session-token-at-all")
    assert client.get(f"/api/sso/oidc/{conn_id}/start", params={"test": "true"}).status_code == 403
    client.cookies.set("aixplore_session", sign_in("owner@acme-corp.com"))
    done = oidc_sign_in(client, conn_id, "alice", test="true")
    assert done.status_code == 303 and done.headers["location"] == f"/orgs/{org.id}/sso?test=ok"
    with session_scope() as db:
        conn = db.get(SsoConnection, conn_id)
        assert conn.last_test_ok is True and conn.clock_skew_seconds is not None
        from aixplore.domain.accounts.services import get_user_by_email

        assert get_user_by_email(db, "alice@acme.com") is None
    # A failing test round trip shows as failed, with its reason, on the health panel.
    configure_oidc(op, actor, org.id, client_secret="a-wrong-secret-for-the-test")
    failed = oidc_sign_in(client, conn_id, "alice", test="true")
    assert failed.status_code == 400
    with session_scope() as db:
        health = {h.protocol.value: h for h in sso.get_health(db, actor, org.id)}
    assert health["oidc"].last_test_ok is False
    assert "code exchange failed" in health["oidc"].last_failure_reason


def test_email_first_discovery_sends_a_verified_domain_to_its_idp(op) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = configure_oidc(op, actor, org.id)
    client = app_client()
    found = client.get("/api/sso/discover", params={"email": "bob@acme.com"}).json()
    assert found == {"sso": True, "start_url": f"/api/sso/oidc/{conn_id}/start"}
    assert client.get("/api/sso/discover", params={"email": "bob@gmail.com"}).json()["sso"] is False
    done = oidc_sign_in(client, conn_id, "bob")
    assert done.status_code == 303


def test_id_token_checks_refuse_forged_expired_and_alg_none_tokens(op) -> None:
    """validate_id_token against crafted tokens: other issuer, other audience, expired,
    unsigned (alg none), signed by an unknown key, nonce mismatch."""
    import base64
    import json
    import time

    from joserfc import jwt
    from joserfc.jwk import KeySet, RSAKey

    from aixplore.domain.orgs.sso import SsoRefused

    org, actor, _owner = org_with_admin()
    conn_id = configure_oidc(op, actor, org.id)
    key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
    keys = KeySet([key])
    meta = {"issuer": op.url}
    with session_scope() as db:
        conn = db.get(SsoConnection, conn_id)
    now = int(time.time())
    good = {
        "iss": op.url,
        "aud": OIDC_CLIENT_ID,
        "sub": "s",
        "iat": now,
        "exp": now + 60,
        "nonce": "n" * 20,
    }

    def token(claims, k=key):
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, k)

    assert oidc.validate_id_token(conn, meta, token(good), "n" * 20, keys)["sub"] == "s"
    cases = {
        "other issuer": ({**good, "iss": "https://evil.example"}, "iss"),
        "other audience": ({**good, "aud": "someone-else"}, "aud"),
        "expired": ({**good, "exp": now - 3600, "iat": now - 7200}, "expired"),
        "nonce": ({**good, "nonce": "replayed-nonce-value"}, "nonce"),
    }
    for name, (claims, needle) in cases.items():
        with pytest.raises(SsoRefused, match=needle):
            oidc.validate_id_token(conn, meta, token(claims), "n" * 20, keys)
        assert name
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(SsoRefused, match="signature"):
        oidc.validate_id_token(conn, meta, token(good, stranger), "n" * 20, keys)

    def b64(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    unsigned = f"{b64({'alg': 'none'})}.{b64(good)}."
    with pytest.raises(SsoRefused, match="signature"):
        oidc.validate_id_token(conn, meta, unsigned, "n" * 20, keys)


@pytest.mark.parametrize("login", ["carol", "erin"])
def test_an_email_not_verified_as_a_boolean_true_is_refused(op, login: str) -> None:
    # carol's provider leaves email_verified out; erin's sends the string "false".
    org, actor, _owner = org_with_admin()
    conn_id = configure_oidc(op, actor, org.id)
    client = app_client()
    done = oidc_sign_in(client, conn_id, login)
    assert done.status_code == 400 and "has not verified this email address" in done.text
    assert client.cookies.get("aixplore_session") is None
    # The admin's explicit, audited exception lets such a provider through.
    configure_oidc(op, actor, org.id, allow_unverified_email=True)
    assert oidc_sign_in(app_client(), conn_id, login).status_code == 303
    import json

    from sqlmodel import col, select

    from aixplore.domain.audit.models import AuditEntry

    with session_scope() as db:
        entries = db.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "sso.oidc_configured")
            .order_by(col(AuditEntry.seq))
        ).all()
        flags = [json.loads(e.detail)["allow_unverified_email"] for e in entries]
    assert flags == [False, True]
