""" "Continue with GitHub" against the fake GitHub's OAuth pages and REST API, and "Sign-in
methods": linking from settings only with the password and only for the account that asked,
one GitHub account per AiXplore account, and unlinking while another way in remains."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import Conflict, NotAuthenticated, ValidationFailed
from aixplore.domain.accounts.models import User
from aixplore.domain.orgs.models import Organization, OrgMembership, OrgRole
from aixplore.domain.social_login import methods
from aixplore.domain.social_login.flows import SocialSignInFailed, do_bind_browser
from aixplore.domain.social_login.models import SocialProvider
from tests.factories import PASSWORD, actor_for, make_member, sign_in
from tests.integration.social_helpers import (
    app_client,
    audited,
    configure_github,
    follow,
    github_consent,
    identities,
    refused_with,
    start,
)
from tests.integration.sso_helpers import org_with_admin, session_provider
from tests.support.fake_github import FakeGitHub
from tests.support.github_fixture import OTHER_TOKEN, TOKEN


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """The fake GitHub with users only (no repositories: sign-in reads no code)."""
    gh = FakeGitHub(tmp_path)
    gh.add_user("octo", TOKEN)
    gh.add_user("mallory", OTHER_TOKEN)
    gh.start()
    configure_github(monkeypatch, gh)
    gh.set_email("octo", "octo@users.example", verified=True)
    yield gh
    gh.stop()


def _round_trip(browser=None, decision: str = "authorize", **params: str):
    browser = browser or app_client()
    return browser, follow(browser, github_consent(start(browser, "github", **params), decision))


def _link(browser, actor, password=PASSWORD, decision: str = "authorize"):
    with session_scope() as db:
        state = methods.do_start_link(db, actor, "github", password)
    return _round_trip(browser, decision, state=state)


def _browser_of(raw: str):
    browser = app_client()
    browser.cookies.set("aixplore_session", raw)
    return browser


def test_sign_up_with_github_uses_the_verified_primary_address(github) -> None:
    browser, answer = _round_trip(next="/orders")
    assert answer.status_code == 303 and answer.headers["location"] == "/orders"
    raw = browser.cookies.get("aixplore_session")
    octo = actor_for(raw)
    assert octo.email == "octo@users.example" and session_provider(raw) == "github"
    with read_scope() as db:
        assert db.get(User, octo.user_id).email_verified_at is not None
    assert identities() == [(octo.user_id, "github", "octo@users.example")]


def test_an_unverified_github_address_creates_nothing(github) -> None:
    github.set_email("octo", "octo@users.example", verified=False)
    _browser, answer = _round_trip()
    refused_with(answer, "unverified", "github")
    github.emails.pop("octo")
    _browser, answer = _round_trip()
    refused_with(answer, "no_email", "github")
    with read_scope() as db:
        assert db.exec(select(User)).all() == []


def test_cancelling_on_github_ends_on_the_sign_in_page(github) -> None:
    _browser, answer = _round_trip(decision="cancel")
    refused_with(answer, "cancelled", "github")


def test_a_member_of_an_enforcing_org_cannot_sign_in_with_github(github) -> None:
    org, _owner_actor, _owner = org_with_admin(domain=None)
    member = make_member(email="octo@users.example")
    with session_scope() as db:
        db.add(OrgMembership(org_id=org.id, user_id=member.id, role=OrgRole.MEMBER))
        db.get(Organization, org.id).enforce_sso = True
    _browser, answer = _round_trip()
    refused_with(answer, "sso_required", "github")
    assert identities() == []


def test_linking_from_settings_needs_the_password_and_the_same_account(github) -> None:
    member = make_member(email="ada@example.com")
    raw = sign_in(member.email)
    actor = actor_for(raw)
    with session_scope() as db, pytest.raises(ValidationFailed):
        methods.do_start_link(db, actor, "github", "wrong password")
    with session_scope() as db, pytest.raises(NotAuthenticated):
        methods.do_start_link(db, None, "github", PASSWORD)
    with session_scope() as db, pytest.raises(ValidationFailed):
        methods.do_start_link(db, actor, "myspace", PASSWORD)

    # A link state made for Ada cannot be bound by another signed-in member.
    other = actor_for(sign_in(make_member().email))
    with session_scope() as db:
        state = methods.do_start_link(db, actor, "github", PASSWORD)
    with session_scope() as db, pytest.raises(SocialSignInFailed):
        do_bind_browser(db, other, SocialProvider.GITHUB, state)

    _browser, answer = _link(_browser_of(raw), actor)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/settings/sign-in?linked=github"
    assert identities() == [(member.id, "github", "octo@users.example")]
    assert [a["detail"]["how"] for a in audited("auth.social_linked")] == ["settings"]
    with read_scope() as db:
        shown = {m.key: m.linked for m in methods.list_methods(db, actor)}
    assert shown == {"password": True, "github": True}

    # Now "Continue with GitHub" opens Ada's account.
    again, answer = _round_trip()
    assert actor_for(again.cookies.get("aixplore_session")).user_id == member.id


def test_one_github_account_links_one_aixplore_account(github) -> None:
    first, second = make_member(), make_member()
    _b, _a = _link(_browser_of(sign_in(first.email)), actor_for(sign_in(first.email)))
    raw = sign_in(second.email)
    _browser, answer = _link(_browser_of(raw), actor_for(raw))
    refused_with(answer, "taken", "github", page="/settings/sign-in")
    assert [uid for uid, _p, _e in identities()] == [first.id]


def test_unlink_keeps_a_way_in_and_ends_the_providers_sessions(github) -> None:
    # A GitHub-only account (signed up with GitHub): its only way in cannot be removed.
    browser, _answer = _round_trip()
    raw = browser.cookies.get("aixplore_session")
    octo = actor_for(raw)
    with session_scope() as db, pytest.raises(Conflict) as refused:
        methods.do_unlink(db, octo, "github")
    assert "only way to sign in" in refused.value.message
    assert identities() != []

    # A password account may remove GitHub; the sessions GitHub opened end with it.
    member = make_member(email="grace@example.com")
    password_raw = sign_in(member.email)
    github.web_login = "mallory"  # Grace's own GitHub account
    github.set_email("mallory", "grace@example.com")
    _b, _a = _link(_browser_of(password_raw), actor_for(password_raw))
    gh_browser, _answer = _round_trip()
    github_raw = gh_browser.cookies.get("aixplore_session")
    assert session_provider(github_raw) == "github"
    with session_scope() as db:
        methods.do_unlink(db, actor_for(password_raw), "github", ip="203.0.113.9")
    assert [uid for uid, _p, _e in identities()] == [octo.user_id]
    assert actor_for(github_raw) is None and actor_for(password_raw) is not None
    assert [a["detail"]["provider"] for a in audited("auth.social_unlinked")] == ["github"]
    with session_scope() as db, pytest.raises(ValidationFailed):
        methods.do_unlink(db, actor_for(password_raw), "github")
    with session_scope() as db, pytest.raises(ValidationFailed):
        methods.do_unlink(db, actor_for(password_raw), {"provider": "github"})
