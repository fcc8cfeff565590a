""" "Continue with Google" against a real OpenID Provider (panva's oidc-provider plays Google):
sign-up, sign-in, linking an existing password account only with its password, unverified
addresses, enforce SSO, and every check on the round trip (state, browser, nonce, PKCE,
issuer, expiry, denial) ending on the sign-in page with a message, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User, UserSession
from aixplore.domain.mail.services import list_outbox_for
from aixplore.domain.orgs import oidc
from aixplore.domain.orgs.models import Organization
from aixplore.domain.orgs.sso_policy import end_password_sessions
from aixplore.domain.social_login.models import SocialLogin
from tests.factories import PASSWORD, actor_for, make_member
from tests.integration.social_helpers import (
    GOOGLE_CALLBACK,
    app_client,
    audited,
    configure_google,
    follow,
    google_login,
    identities,
    query_of,
    refused_with,
    start,
)
from tests.integration.sso_helpers import org_with_admin, session_provider
from tests.support.idp.servers import oidc_provider


@pytest.fixture(scope="module")
def op():
    with oidc_provider([GOOGLE_CALLBACK]) as running:
        yield running


@pytest.fixture
def google(op, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    configure_google(monkeypatch, op.url)
    yield op


def _round_trip(login: str, browser=None, **params: str):
    browser = browser or app_client()
    answer = follow(browser, google_login(start(browser, "google", **params), login))
    return browser, answer


def test_sign_up_with_google_makes_a_verified_account_and_a_google_session(google) -> None:
    browser, answer = _round_trip("gwen", next="/solutions")

    assert answer.status_code == 303 and answer.headers["location"] == "/solutions"
    raw = browser.cookies.get("aixplore_session")
    gwen = actor_for(raw)
    assert gwen is not None and (gwen.email, gwen.display_name) == (
        "gwen@gmail.test",
        "Gwen Google",
    )
    assert session_provider(raw) == "google"  # the session remembers what opened it
    with read_scope() as db:
        user = db.get(User, gwen.user_id)
        assert user.email_verified_at is not None and user.password_hash is None
    assert identities() == [(gwen.user_id, "google", "gwen@gmail.test")]
    assert [a["detail"]["provider"] for a in audited("auth.social_signed_up")] == ["google"]

    _again, second = _round_trip("gwen")
    assert second.status_code == 303
    assert actor_for(_again.cookies.get("aixplore_session")).user_id == gwen.user_id
    assert len(audited("auth.social_sign_in")) == 2


@pytest.mark.parametrize("login", ["erin", "carol"])  # "false" as a string; no claim at all
def test_an_unverified_address_never_creates_links_or_claims_an_account(google, login) -> None:
    _browser, answer = _round_trip(login)
    refused_with(answer, "unverified", "google")
    with read_scope() as db:
        assert db.exec(select(User)).all() == []

    owner = make_member(email=f"{login}@acme.com")  # the address's real owner, with a password
    _browser, answer = _round_trip(login)
    refused_with(answer, "unverified", "google")
    assert identities() == []
    assert actor_for(_browser.cookies.get("aixplore_session") or "x" * 20) is None
    with read_scope() as db:
        assert db.get(User, owner.id).password_hash is not None


def test_a_password_account_is_linked_only_after_its_password_is_confirmed(google) -> None:
    alice = make_member(email="alice@acme.com", name="Alice Password")
    browser, answer = _round_trip("alice")

    assert answer.status_code == 303 and answer.headers["location"] == "/api/auth/confirm"
    assert browser.cookies.get("aixplore_session") is None  # nothing merged yet
    assert identities() == []
    page = browser.get("/api/auth/confirm")
    assert page.status_code == 200 and "Link Google to your AiXplore account" in page.text
    assert "alice@acme.com" in page.text

    wrong = browser.post("/api/auth/confirm", data={"password": "not the password"})
    assert wrong.status_code == 400 and "The password is incorrect." in wrong.text
    assert identities() == []
    foreign = browser.post(
        "/api/auth/confirm", data={"password": PASSWORD}, headers={"Origin": "https://evil.test"}
    )
    assert foreign.status_code == 403 and identities() == []

    done = browser.post("/api/auth/confirm", data={"password": PASSWORD})
    assert done.status_code == 303
    raw = browser.cookies.get("aixplore_session")
    assert actor_for(raw).user_id == alice.id and session_provider(raw) == "google"
    assert identities() == [(alice.id, "google", "alice@acme.com")]
    assert [a["detail"]["how"] for a in audited("auth.social_linked")] == [
        "confirmed_with_password"
    ]
    with read_scope() as db:
        kinds = [m.kind for m in list_outbox_for(db, "alice@acme.com")]
    assert "social_identity_linked" in kinds
    replay = browser.post("/api/auth/confirm", data={"password": PASSWORD})
    assert replay.status_code == 400 and "expired or was already used" in replay.text

    # From now on Google signs Alice in directly.
    again, answer = _round_trip("alice")
    assert answer.status_code == 303 and actor_for(again.cookies.get("aixplore_session"))


def test_an_org_that_enforces_sso_wins_over_google(google) -> None:
    org, _owner_actor, _owner = org_with_admin()  # verified domain acme.com
    with session_scope() as db:
        db.get(Organization, org.id).enforce_sso = True

    _browser, answer = _round_trip("bob")  # bob@acme.com, no account yet
    refused_with(answer, "sso_required", "google")
    assert [a["detail"]["reason"] for a in audited("auth.social_refused")] == ["sso_required"]
    with read_scope() as db:
        assert db.exec(select(User).where(User.email == "bob@acme.com")).first() is None


def test_switching_enforcement_on_ends_google_sessions_too(google) -> None:
    browser, _answer = _round_trip("gwen")
    raw = browser.cookies.get("aixplore_session")
    org, _owner_actor, _owner = org_with_admin(domain="gmail.test")
    with session_scope() as db:
        end_password_sessions(db, db.get(Organization, org.id))
    assert actor_for(raw) is None
    with session_scope() as db:
        db.get(Organization, org.id).enforce_sso = True
    _browser, answer = _round_trip("gwen")  # linked already: still refused
    refused_with(answer, "sso_required", "google")


def test_a_callback_is_used_once_and_only_in_the_browser_that_started_it(google) -> None:
    browser = app_client()
    callback = google_login(start(browser, "google"), "gwen")

    stranger = app_client()  # the callback URL sent to someone else (login CSRF)
    refused_with(follow(stranger, callback), "elsewhere", "google")
    assert [a["detail"]["reason"] for a in audited("auth.social_refused")] == ["elsewhere"]
    assert follow(browser, callback).status_code == 303  # its own browser may still finish
    refused_with(follow(browser, callback), "expired", "google")  # replayed


def test_denied_expired_and_forged_round_trips_end_on_the_sign_in_page(google) -> None:
    browser = app_client()
    authorize = start(browser, "google")
    state = query_of(authorize)["state"]
    denied = browser.get(
        "/api/auth/google/callback", params={"error": "access_denied", "state": state}
    )
    refused_with(denied, "cancelled", "google")

    browser = app_client()
    callback = google_login(start(browser, "google"), "gwen")
    with session_scope() as db:
        db.execute(update(SocialLogin).values(expires_at=utcnow() - timedelta(seconds=1)))
    refused_with(follow(browser, callback), "expired", "google")

    refused_with(app_client().get("/api/auth/google/callback"), "expired", "google")
    assert app_client().get("/api/auth/facebook/start").status_code == 404


@pytest.mark.parametrize("tamper", ["nonce", "verifier", "issuer"])
def test_nonce_pkce_and_issuer_are_checked(google, tamper, monkeypatch) -> None:
    browser = app_client()
    callback = google_login(start(browser, "google"), "gwen")
    with session_scope() as db:
        row = db.exec(select(SocialLogin)).one()
        if tamper == "nonce":
            row.nonce = "another-nonce-0123456789"
        elif tamper == "verifier":
            from aixplore.core import crypto
            from aixplore.domain.social_login.flows import VERIFIER_CONTEXT

            row.verifier_enc = crypto.encrypt("x" * 64, context=VERIFIER_CONTEXT)
        db.add(row)
    if tamper == "issuer":  # the ID token comes from another issuer than discovery says
        meta = oidc.metadata(oidc_conn(google))
        monkeypatch.setitem(
            oidc._cache,
            f"{google.url}/.well-known/openid-configuration",
            (1e18, {**meta, "issuer": "https://accounts.google.example"}),
        )
    refused_with(follow(browser, callback), "refused", "google")
    assert identities() == []
    with read_scope() as db:
        assert db.exec(select(UserSession).where(col(UserSession.provider) == "google")).all() == []


def oidc_conn(op):
    from aixplore.domain.social_login import google

    return google._client()


def test_google_not_configured_is_not_offered(op) -> None:
    refused_with(app_client().get("/api/auth/google/start"), "off", "google")
